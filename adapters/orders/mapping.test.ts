import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { MappingMiss, mapOrder, parseOrderMapping, readPath } from './mapping.ts';

const minimal = { fields: { id: 'id', contactEmail: 'email', status: 'status', placedAt: 'placed', currency: { value: 'USD' } } };

describe('order mapping', () => {
  it('reads dotted paths with array indexes', () => {
    const body = { order: { lines: [{ sku: 'A' }, { sku: 'B' }] } };
    expect(readPath(body, 'order.lines[1].sku')).toBe('B');
    expect(readPath(body, 'order.lines.0.sku')).toBe('A');
    expect(readPath(body, 'order.missing.sku')).toBeUndefined();
  });

  it('lists every problem of a wrong mapping with its path', () => {
    const wrong = {
      fields: {
        id: 'id',
        contactemail: 'email', // typo
        status: { path: 'state', map: { open: 'pending' } },
        placedAt: 'placed at',
        currency: 'currency',
      },
    };
    let error: unknown;
    try {
      parseOrderMapping(wrong, 'ORDERS_API_MAPPING');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid order mapping in ORDERS_API_MAPPING:/);
    expect(message.split('\n').slice(1, -1).map((line) => line.trim())).toEqual([
      'fields.contactEmail: required',
      'fields.status.map.open: must be one of processing, shipped, delivered, cancelled, returned',
      'fields.placedAt.path: must be a dotted path such as "order.customer.email" or "lines[0].sku"',
      'fields: Unrecognized key: "contactemail"',
    ]);
    expect(() => parseOrderMapping({ fields: { ...minimal.fields, currency: { path: 'c', value: 'USD' } } }, 'x')).toThrow(/fields\.currency: set either "path" or "value"/);
  });

  it('maps statuses through the map, a default, or Frontdesk\'s own names', () => {
    const mapping = parseOrderMapping(
      { ...minimal, fields: { ...minimal.fields, status: { path: 'status', map: { paid: 'processing' }, default: 'processing' } } },
      'test',
    );
    const order = (status: unknown) => mapOrder(mapping, { id: 1, email: 'a@example.com', status, placed: 0 }).status;
    expect(order('paid')).toBe('processing');
    expect(order('SHIPPED')).toBe('shipped');
    expect(order('on-hold')).toBe('processing');
    const strict = parseOrderMapping(minimal, 'test');
    expect(() => mapOrder(strict, { id: 1, email: 'a@example.com', status: 'on-hold', placed: 0 })).toThrow(MappingMiss);
  });

  it('reads money in cents or major units, and times as ISO, milliseconds or seconds', () => {
    const mapping = parseOrderMapping(
      {
        ...minimal,
        fields: { ...minimal.fields, placedAt: { path: 'placed', unit: 'seconds' }, totalCents: 'total', deliveredAt: 'delivered' },
      },
      'test',
    );
    const order = mapOrder(mapping, { id: 7, email: 'a@example.com', status: 'delivered', placed: 1_700_000_000, total: 1999, delivered: '2025-11-06T15:12:09Z' });
    expect(order).toMatchObject({ id: '7', placedAt: 1_700_000_000_000, totalCents: 1999, deliveredAt: Date.parse('2025-11-06T15:12:09Z'), currency: 'USD', items: [] });
    expect(() => mapOrder(mapping, { id: 7, email: 'a@example.com', status: 'delivered', placed: 1, total: '19.99' })).toThrow(/not whole cents \(set "unit": "major"/);
  });

  it('totals the items when the API gives no total', () => {
    const mapping = parseOrderMapping({ ...minimal, fields: { ...minimal.fields, items: { path: 'lines', name: 'n', priceCents: 'p', quantity: 'q' } } }, 'test');
    const order = mapOrder(mapping, { id: 1, email: 'a@example.com', status: 'processing', placed: 0, lines: [{ n: 'A', p: 250, q: 2 }, { n: 'B', p: 100, q: 1 }] });
    expect(order.totalCents).toBe(600);
    expect(order.items[0]).toEqual({ name: 'A', sku: '', quantity: 2, priceCents: 250 });
  });
});
