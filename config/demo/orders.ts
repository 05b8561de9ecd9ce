/**
 * The demo store's orders (Northwind Outfitters), used by `frontdesk demo`, the seeded SQLite
 * database and tests. Every timestamp is relative to `now`, so the demo always looks current and
 * the data is deterministic for a given `now`. Amounts are in cents (USD); `totalCents` is the sum
 * of the items plus shipping, following the store's shipping rules (config/demo/kb/shipping-options-and-costs.md):
 * Standard $5.95 (free from $50), Express $12.95, Next-day $24.95, International Standard $14.95
 * (free from $150), International Express $29.95.
 */
import type { Order } from '../../src/core/types.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Shipping methods of the demo store, with their price rules. */
export type ShippingMethod = 'standard' | 'express' | 'next-day' | 'intl-standard' | 'intl-express';

type Item = Order['items'][number];

/** Shipping cost in cents for a method and an item subtotal. */
export function shippingCents(method: ShippingMethod, subtotalCents: number): number {
  switch (method) {
    case 'standard':
      return subtotalCents >= 5000 ? 0 : 595;
    case 'express':
      return 1295;
    case 'next-day':
      return 2495;
    case 'intl-standard':
      return subtotalCents >= 15000 ? 0 : 1495;
    case 'intl-express':
      return 2995;
  }
}

interface Draft {
  id: string;
  contactEmail: string;
  /** E.164, fictitious 555 numbers; most demo orders have none, as phone is optional at checkout. */
  contactPhone?: string;
  status: Order['status'];
  method: ShippingMethod;
  items: Item[];
  placedAgo: number;
  shippedAgo?: number;
  deliveredAgo?: number;
  carrier?: string;
  trackingNumber?: string;
  /** Relative to now: positive = in the future, negative = already past (a late parcel). */
  etaIn?: number;
}

function build(now: number, d: Draft): Order {
  const subtotal = d.items.reduce((sum, i) => sum + i.priceCents * i.quantity, 0);
  return {
    id: d.id,
    contactEmail: d.contactEmail,
    contactPhone: d.contactPhone ?? null,
    status: d.status,
    items: d.items,
    totalCents: subtotal + shippingCents(d.method, subtotal),
    currency: 'USD',
    placedAt: now - d.placedAgo,
    shippedAt: d.shippedAgo === undefined ? null : now - d.shippedAgo,
    deliveredAt: d.deliveredAgo === undefined ? null : now - d.deliveredAgo,
    carrier: d.carrier ?? null,
    trackingNumber: d.trackingNumber ?? null,
    estimatedDelivery: d.etaIn === undefined ? null : now + d.etaIn,
  };
}

const item = (sku: string, name: string, priceCents: number, quantity = 1): Item => ({
  sku,
  name,
  quantity,
  priceCents,
});

/**
 * The 20 demo orders `NW-10001` … `NW-10020` as they look at time `now` (epoch ms).
 * Statuses: 4 processing, 6 shipped (one of them late), 6 delivered, 2 cancelled, 2 returned.
 * Delivered orders keep their past estimated delivery date; processing and cancelled ones have none.
 */
export function demoOrders(now: number): Order[] {
  const drafts: Draft[] = [
    {
      id: 'NW-10001',
      contactEmail: 'maria.lopez@example.com',
      contactPhone: '+12065550101',
      status: 'delivered',
      method: 'standard',
      items: [
        item('NW-SWT-MER-0142-M', 'Merino Crew Sweater, Oatmeal, M', 8900),
        item('NW-SCK-WOL-0310-OS', 'Wool Hiking Socks, Charcoal', 1400, 2),
      ],
      placedAgo: 21 * DAY,
      shippedAgo: 20 * DAY,
      deliveredAgo: 16 * DAY,
      carrier: 'UPS',
      trackingNumber: '1Z4W81E20311824561',
      etaIn: -16 * DAY,
    },
    {
      id: 'NW-10002',
      contactEmail: 'james.chen@example.com',
      status: 'delivered',
      method: 'express',
      items: [item('NW-JKT-RAI-0508-L', 'Packable Rain Jacket, Navy, L', 12900)],
      placedAgo: 9 * DAY,
      shippedAgo: 9 * DAY - 5 * HOUR,
      deliveredAgo: 7 * DAY,
      carrier: 'FedEx',
      trackingNumber: '781244509316',
      etaIn: -7 * DAY,
    },
    {
      id: 'NW-10003',
      contactEmail: 'aisha.khan@example.com',
      contactPhone: '+15035550123',
      status: 'shipped',
      method: 'standard',
      items: [
        item('NW-JNS-SLM-3232-IND', 'Slim Selvedge Jeans, Indigo, 32x32', 9800),
        item('NW-TEE-ORG-0101-S', 'Organic Cotton Tee, White, S', 2400, 2),
      ],
      placedAgo: 3 * DAY,
      shippedAgo: 2 * DAY,
      carrier: 'UPS',
      trackingNumber: '1Z4W81E20392017735',
      etaIn: 2 * DAY,
    },
    {
      id: 'NW-10004',
      contactEmail: 'tom.becker@example.com',
      status: 'shipped',
      method: 'standard',
      items: [item('NW-CAP-CNV-0220-OS', 'Canvas Baseball Cap, Olive', 2800)],
      placedAgo: 5 * DAY,
      shippedAgo: 4 * DAY,
      carrier: 'USPS',
      trackingNumber: '9400111899223318842716',
      etaIn: 1 * DAY,
    },
    {
      id: 'NW-10005',
      contactEmail: 'sofia.rossi@example.com',
      status: 'processing',
      method: 'standard',
      items: [
        item('NW-DRS-LIN-0712-S', 'Linen Wrap Dress, Terracotta, S', 11500),
        item('NW-BLT-LEA-0415-M', 'Leather Belt, Tan, M', 4500),
      ],
      placedAgo: 2 * HOUR,
    },
    {
      id: 'NW-10006',
      contactEmail: 'daniel.okafor@example.com',
      status: 'processing',
      method: 'express',
      items: [item('NW-BOT-CHL-1009-10', 'Chelsea Boots, Dark Brown, US 10', 18900)],
      placedAgo: 1 * DAY,
    },
    {
      id: 'NW-10007',
      contactEmail: 'emma.wilson@example.com',
      status: 'cancelled',
      method: 'standard',
      items: [item('NW-SCF-CSH-0630-OS', 'Cashmere Scarf, Heather Grey', 7900)],
      placedAgo: 8 * DAY,
    },
    {
      id: 'NW-10008',
      contactEmail: 'liam.nguyen@example.com',
      contactPhone: '+13125550188',
      status: 'returned',
      method: 'standard',
      items: [item('NW-PRK-DWN-0902-M', 'Down Parka, Black, M', 24900)],
      placedAgo: 40 * DAY,
      shippedAgo: 39 * DAY,
      deliveredAgo: 35 * DAY,
      carrier: 'UPS',
      trackingNumber: '1Z4W81E20377450182',
      etaIn: -35 * DAY,
    },
    {
      id: 'NW-10009',
      contactEmail: 'olivia.martin@example.com',
      status: 'shipped',
      method: 'express',
      items: [
        item('NW-SHR-OXF-0233-M', 'Oxford Button-Down Shirt, Light Blue, M', 5900),
        item('NW-CHN-STR-3030-KHK', 'Straight Chinos, Khaki, 30x30', 6900),
      ],
      placedAgo: 1 * DAY,
      shippedAgo: 18 * HOUR,
      carrier: 'FedEx',
      trackingNumber: '781244587720',
      etaIn: 1 * DAY,
    },
    {
      id: 'NW-10010',
      contactEmail: 'noah.schmidt@example.com',
      status: 'delivered',
      method: 'standard',
      items: [
        item('NW-HOD-FLC-0550-L', 'Fleece Hoodie, Forest Green, L', 6400),
        item('NW-BNE-RIB-0120-OS', 'Ribbed Beanie, Rust', 2200),
      ],
      placedAgo: 6 * DAY,
      shippedAgo: 5 * DAY,
      deliveredAgo: 1 * DAY,
      carrier: 'USPS',
      trackingNumber: '9400111899223366107453',
      etaIn: -1 * DAY,
    },
    {
      id: 'NW-10011',
      contactEmail: 'priya.patel@example.com',
      status: 'shipped',
      method: 'intl-standard',
      items: [
        item('NW-CRD-CHK-0811-M', 'Chunky Cardigan, Cream, M', 9900),
        item('NW-TOT-CNV-0105-OS', 'Canvas Tote Bag, Natural', 3500),
      ],
      placedAgo: 6 * DAY,
      shippedAgo: 5 * DAY,
      carrier: 'DHL',
      trackingNumber: '4417620935',
      etaIn: 4 * DAY,
    },
    {
      id: 'NW-10012',
      contactEmail: 'lucas.moreau@example.com',
      status: 'shipped',
      method: 'standard',
      items: [item('NW-JKT-DNM-0511-L', 'Denim Trucker Jacket, Mid Wash, L', 11900)],
      placedAgo: 11 * DAY,
      shippedAgo: 10 * DAY,
      carrier: 'UPS',
      trackingNumber: '1Z4W81E20355902218',
      etaIn: -3 * DAY,
    },
    {
      id: 'NW-10013',
      contactEmail: 'hannah.kim@example.com',
      status: 'delivered',
      method: 'standard',
      items: [
        item('NW-SNK-CNV-0707-8', 'Canvas Low-Top Sneakers, White, US 8', 6500),
        item('NW-SCK-ANK-0302-OS', 'Ankle Socks 3-Pack, Mixed', 1800),
      ],
      placedAgo: 8 * DAY,
      shippedAgo: 7 * DAY,
      deliveredAgo: 3 * DAY,
      carrier: 'USPS',
      trackingNumber: '9400111899223402281936',
      etaIn: -3 * DAY,
    },
    {
      id: 'NW-10014',
      contactEmail: 'ben.carter@example.com',
      status: 'processing',
      method: 'standard',
      items: [item('NW-PLO-PIQ-0244-XL', 'Pique Polo Shirt, Navy, XL', 4200)],
      placedAgo: 25 * MINUTE,
    },
    {
      id: 'NW-10015',
      contactEmail: 'chloe.dubois@example.com',
      status: 'cancelled',
      method: 'next-day',
      items: [
        item('NW-BAG-LEA-0420-OS', 'Leather Crossbody Bag, Cognac', 14900),
        item('NW-WAL-LEA-0421-OS', 'Leather Card Wallet, Cognac', 3900),
      ],
      placedAgo: 14 * DAY,
    },
    {
      id: 'NW-10016',
      contactEmail: 'maria.lopez@example.com',
      status: 'returned',
      method: 'standard',
      items: [item('NW-JNS-WDL-2830-BLK', 'Wide-Leg Jeans, Black, 28x30', 8900)],
      placedAgo: 28 * DAY,
      shippedAgo: 27 * DAY,
      deliveredAgo: 23 * DAY,
      carrier: 'UPS',
      trackingNumber: '1Z4W81E20346619903',
      etaIn: -23 * DAY,
    },
    {
      id: 'NW-10017',
      contactEmail: 'mateo.garcia@example.com',
      status: 'delivered',
      method: 'express',
      items: [
        item('NW-JKT-QLT-0520-M', 'Quilted Liner Jacket, Olive, M', 13900),
        item('NW-GLV-LEA-0610-M', 'Lined Leather Gloves, Black, M', 4900),
      ],
      placedAgo: 18 * DAY,
      shippedAgo: 17 * DAY,
      deliveredAgo: 15 * DAY,
      carrier: 'FedEx',
      trackingNumber: '781244612254',
      etaIn: -15 * DAY,
    },
    {
      id: 'NW-10018',
      contactEmail: 'grace.obrien@example.com',
      status: 'shipped',
      method: 'next-day',
      items: [item('NW-DRS-KNT-0744-M', 'Knit Midi Dress, Burgundy, M', 9500)],
      placedAgo: 20 * HOUR,
      shippedAgo: 16 * HOUR,
      carrier: 'FedEx',
      trackingNumber: '781244690041',
      etaIn: 6 * HOUR,
    },
    {
      id: 'NW-10019',
      contactEmail: 'yuki.tanaka@example.com',
      status: 'delivered',
      method: 'intl-express',
      items: [
        item('NW-SWT-CSH-0150-S', 'Cashmere V-Neck Sweater, Camel, S', 15900),
        item('NW-SCF-CSH-0631-OS', 'Cashmere Scarf, Camel', 7900),
      ],
      placedAgo: 45 * DAY,
      shippedAgo: 44 * DAY,
      deliveredAgo: 40 * DAY,
      carrier: 'DHL',
      trackingNumber: '4417598820',
      etaIn: -40 * DAY,
    },
    {
      id: 'NW-10020',
      contactEmail: 'zoe.anderson@example.com',
      status: 'processing',
      method: 'standard',
      items: [
        item('NW-LEG-PRF-0901-S', 'Performance Leggings, Black, S', 5800),
        item('NW-BRA-SPT-0902-S', 'Sports Bra, Black, S', 3800),
        item('NW-BTL-STL-0001-OS', 'Insulated Steel Bottle, 24 oz', 2600),
      ],
      placedAgo: 4 * HOUR,
    },
  ];
  return drafts.map((d) => build(now, d));
}
