import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './env.ts';

describe('configuration', () => {
  it('runs on defaults: SQLite, web only, embedded engine', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'sqlite', path: './data/frontdesk.db' });
    expect([config.sms, config.email, config.slack, config.openai]).toEqual([null, null, null, null]);
    expect(config.port).toBe(3000);
  });

  it('caches the trained triage model beside the SQLite file, else in the repository\'s data/', () => {
    expect(loadConfig({ SQLITE_PATH: '/srv/frontdesk/hub.db' }).modelCacheDir).toBe('/srv/frontdesk');
    const repoData = resolve(import.meta.dirname, '..', 'data');
    expect(loadConfig({ SQLITE_PATH: ':memory:' }).modelCacheDir).toBe(repoData);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).modelCacheDir).toBe(repoData);
  });

  it('turns a channel on only when its credentials are all there', () => {
    expect(loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` }).sms).toBeNull();
    expect(loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 't' }).sms?.maxSegments).toBe(3);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database.kind).toBe('postgres');
    expect(loadConfig({ PORT: '' }).port).toBe(3000); // empty means unset
  });

  it('is reached at localhost on its own port unless PUBLIC_URL says otherwise', () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '3001' }).publicUrl).toBe('http://localhost:3001');
    expect(loadConfig({ PORT: '3001', PUBLIC_URL: 'https://support.example.com/' }).publicUrl).toBe('https://support.example.com');
  });

  it('names the variable and an example when a value is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: must be a whole number \(example: PORT=3000\)/);
    expect(() => loadConfig({ PORT: '3000.5' })).toThrow(/PORT: must be a whole number/);
    expect(() => loadConfig({ CONFIDENCE_THRESHOLD: 'high' })).toThrow(/CONFIDENCE_THRESHOLD: must be a number \(example: CONFIDENCE_THRESHOLD=0\.6\)/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must start with postgres:\/\//);
    // Every problem is listed at once, not just the first.
    const both = () => loadConfig({ TWILIO_ACCOUNT_SID: 'nope', TRUST_PROXY: 'maybe' });
    expect(both).toThrow(/TWILIO_ACCOUNT_SID: must look like AC/);
    expect(both).toThrow(/TRUST_PROXY: /);
  });

  it('reads the order source settings, and refuses half a configuration instead of falling back to the demo orders', () => {
    expect(loadConfig({}).orders).toMatchObject({ timeoutMs: 5000, retries: 2, cacheMs: 30_000, maxResponseBytes: 1_000_000, shopify: null, http: null });
    const http = loadConfig({
      ORDERS_API_URL: 'https://shop.example.com/api/orders/{orderId}',
      ORDERS_API_AUTH_HEADER: 'Authorization: Bearer abc: 123',
      ORDERS_API_MAPPING_FILE: './mapping.json',
    }).orders.http;
    expect(http).toMatchObject({ emailUrl: null, authHeader: { name: 'Authorization', value: 'Bearer abc: 123' }, mapping: { kind: 'file', path: './mapping.json' } });
    expect(loadConfig({ SHOPIFY_SHOP_DOMAIN: 'northwind.myshopify.com', SHOPIFY_ADMIN_TOKEN: 'shpat_x' }).orders.shopify).toEqual({
      shopDomain: 'northwind.myshopify.com',
      adminToken: 'shpat_x',
      apiVersion: '2025-10',
      apiUrl: null,
    });
    expect(() => loadConfig({ SHOPIFY_SHOP_DOMAIN: 'northwind.myshopify.com' })).toThrow(/SHOPIFY_ADMIN_TOKEN: required when SHOPIFY_SHOP_DOMAIN is set \(example: SHOPIFY_ADMIN_TOKEN=shpat_…\)/);
    expect(() => loadConfig({ SHOPIFY_SHOP_DOMAIN: 'northwind.com' })).toThrow(/SHOPIFY_SHOP_DOMAIN: must be the shop's myshopify.com domain/);
    // The mapping may come from the deployment instead (orders.mapping in deployment.yaml): checked when the source is built.
    expect(loadConfig({ ORDERS_API_URL: 'https://shop.example.com/api/orders/{orderId}' }).orders.http?.mapping).toBeNull();
    expect(() => loadConfig({ ORDERS_API_URL: 'https://shop.example.com/api/orders/' })).toThrow(/ORDERS_API_URL: must be an http\(s\) URL containing \{orderId\}/);
    expect(() => loadConfig({ ORDERS_API_MAPPING: '{}' })).toThrow(/ORDERS_API_URL: required when ORDERS_API_MAPPING is set/);
    expect(() => loadConfig({ ORDERS_API_URL: 'https://x.example/{orderId}', ORDERS_API_AUTH_HEADER: 'Bearer abc' })).toThrow(/ORDERS_API_AUTH_HEADER: must look like Header-Name: value/);
  });
});
