/**
 * The Commerce7 sandbox over HTTP and its data generator: Basic auth and the tenant header, 50-record pages
 * by inclusive cursor in id order, 422s, the updatedAt filter agreeing with a scan, deterministic records in
 * cents, and a day that moves memberships, adds orders and edits customers and products.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Commerce7World, DAY_MS, DEFAULT_DATA, type Kind } from '../../extract/sources/commerce7/sandbox/data.js';
import {
  SANDBOX_APP,
  startCommerce7Sandbox,
  type Commerce7Sandbox,
} from '../../extract/sources/commerce7/sandbox/index.js';

const SMALL = { ...DEFAULT_DATA, customers: 400, orders: 2_000, products: 20 };
const BASIC = `Basic ${Buffer.from(`${SANDBOX_APP.id}:${SANDBOX_APP.secret}`).toString('base64')}`;

interface ListAnswer {
  status: number;
  body: Record<string, unknown> & { cursor?: string; total?: number; message?: string };
  date: string | null;
}

describe('Commerce7 sandbox over HTTP', () => {
  let s: Commerce7Sandbox;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'commerce7-sandbox-'));
    s = await startCommerce7Sandbox({ stateDir: dir, faults: {}, data: SMALL, tenants: ['default', 'napa'] });
  });
  afterAll(async () => {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<ListAnswer> {
    const response = await fetch(`${s.url}${pathAndQuery}`, {
      headers: { authorization: BASIC, tenant: s.slug('default'), ...headers },
    });
    return {
      status: response.status,
      body: (await response.json()) as ListAnswer['body'],
      date: response.headers.get('date'),
    };
  }

  /** Every record of a list by cursor, page after page. */
  async function walk(endpoint: string, key: string, filter = ''): Promise<{ ids: string[]; pages: number[] }> {
    const ids: string[] = [];
    const pages: number[] = [];
    for (let cursor = 'start'; cursor;) {
      const { status, body } = await get(`/${endpoint}?cursor=${cursor}${filter}`);
      expect(status).toBe(200);
      const records = body[key] as { id: string }[];
      ids.push(...records.map((r) => r.id));
      pages.push(records.length);
      cursor = body.cursor ?? '';
    }
    return { ids, pages };
  }

  it('refuses calls without the app credentials or with an unknown tenant', async () => {
    expect((await get('/customer', { authorization: 'Basic d3Jvbmc6d3Jvbmc=' })).status).toBe(401);
    const wrongTenant = await get('/customer', { tenant: 'other-winery' });
    expect(wrongTenant).toMatchObject({
      status: 401,
      body: { statusCode: 401, message: 'Invalid credentials or tenant' },
    });
    expect((await get('/customer', { tenant: s.slug('napa') })).status).toBe(200);
  });

  it('pages by inclusive cursor in id order, 50 a page, each record once, and dates answers by its clock', async () => {
    const w = s.world();
    const { ids, pages } = await walk('order', 'orders');
    expect(ids).toEqual(w.listing('orders').map((r) => r.id));
    expect(ids).toEqual([...ids].sort());
    expect(pages.slice(0, -1).every((n) => n === 50)).toBe(true);
    expect(pages.at(-1)).toBeLessThanOrEqual(50);
    // The cursor is the next page's first id: asking with it starts there.
    const first = await get('/order?cursor=start');
    const second = await get(`/order?cursor=${first.body.cursor}`);
    expect((second.body.orders as { id: string }[])[0]!.id).toBe(first.body.cursor);
    expect(first.body.total).toBe(ids.length);
    expect(Date.parse(first.date!)).toBe(w.now);
    // Page mode agrees, and a limit outside 1-50 is read as 50.
    const page2 = await get('/order?page=2&limit=80');
    expect((page2.body.orders as { id: string }[]).map((r) => r.id)).toEqual(ids.slice(50, 100));
  });

  it("answers 422 with Commerce7's messages: page with cursor, an unknown parameter, a bad filter", async () => {
    expect(await get('/customer?page=1&cursor=start')).toMatchObject({
      status: 422,
      body: { message: 'Can not use both page and cursor for paging. Use one or the other.' },
    });
    expect(await get('/product?cursor=start&sort=title')).toMatchObject({
      status: 422,
      body: { message: 'Invalid query param: sort' },
    });
    expect((await get('/order?updatedAt=after:yesterday')).status).toBe(422);
  });

  it('filters on updatedAt as a scan of the records would', async () => {
    const w = s.world();
    const since = w.now - 20 * DAY_MS;
    const filter = `&updatedAt=gte:${new Date(since).toISOString()}`;
    for (const [endpoint, key, kind] of [
      ['order', 'orders', 'orders'],
      ['club-membership', 'clubMemberships', 'clubMemberships'],
    ] as const) {
      const want = w
        .listing(kind)
        .filter((r) => r.updatedAt >= since)
        .map((r) => r.id);
      expect(want.length).toBeGreaterThan(0);
      expect((await walk(endpoint, key, filter)).ids).toEqual(want);
    }
  });
});

describe('Commerce7 sandbox data', () => {
  const world = (days = 0, cfg = {}) => new Commerce7World({ ...SMALL, ...cfg }, days);
  const records = (w: Commerce7World, kind: Kind) =>
    w.listing(kind).map((r) => JSON.parse(w.json(kind, r.key)) as Record<string, unknown>);

  it('is the same for the same seed and day, different for another tenant', () => {
    const [a, b] = [world(2), world(2)];
    for (const kind of ['customers', 'orders', 'products', 'clubMemberships'] as const) {
      expect(a.listing(kind).map((r) => a.json(kind, r.key))).toEqual(b.listing(kind).map((r) => b.json(kind, r.key)));
    }
    expect(world(2, { tenant: 1 }).listing('customers')[0]!.id).not.toBe(a.listing('customers')[0]!.id);
  });

  it('has customers with several emails and phones, some with a Tock patron id, and orders in whole cents', () => {
    const w = world();
    const customers = records(w, 'customers') as { emails: unknown[]; phones: unknown[]; metaData: object }[];
    expect(customers.some((c) => c.emails.length > 1)).toBe(true);
    expect(customers.some((c) => c.phones.length > 1)).toBe(true);
    expect(customers.filter((c) => 'tock-patron-id' in c.metaData).length).toBeGreaterThan(customers.length / 10);
    const orders = records(w, 'orders') as { total: number; items: { price: number }[]; tenders: unknown[] }[];
    expect(orders.every((o) => Number.isInteger(o.total) && o.items.every((i) => Number.isInteger(i.price)))).toBe(
      true,
    );
    const orderWith = (field: string) => orders.filter((o) => (o as Record<string, unknown>)[field]).length;
    for (const field of ['shipTo', 'refundOrderId', 'previousOrderId'])
      expect(orderWith(field), field).toBeGreaterThan(0);
    expect(orders.some((o) => o.tenders.length > 1)).toBe(true);
    const products = records(w, 'products') as { variants: unknown[]; wine: { vintage: number } | null }[];
    expect(products.some((p) => p.variants.length > 1 && p.wine?.vintage)).toBe(true);
  });

  it('has memberships Active, On Hold and Cancelled, and a refund that nets its order', () => {
    const w = world();
    const statuses = new Set(records(w, 'clubMemberships').map((m) => m.status));
    expect(statuses).toEqual(new Set(['Active', 'On Hold', 'Cancelled']));
    const refund = records(w, 'orders').find((o) => o.previousOrderId) as {
      total: number;
      items: { quantity: number }[];
    };
    expect(refund.total).toBeLessThan(0);
    expect(refund.items.every((i) => i.quantity < 0)).toBe(true);
  });

  it('moves one day on: new orders and customers, edits, a membership put on hold; the past stays as it was', () => {
    const [before, after] = [world(0), world(1)];
    expect(after.now - before.now).toBe(DAY_MS);
    for (const kind of ['customers', 'orders', 'products', 'clubMemberships'] as const) {
      const changed = after.listing(kind).filter((r) => r.updatedAt > before.now);
      expect(changed.length, kind).toBeGreaterThan(0);
      expect(changed.every((r) => r.updatedAt <= after.now)).toBe(true);
      // What did not change that day reads as it did.
      const old = new Map(before.listing(kind).map((r) => [r.id, before.json(kind, r.key)]));
      for (const r of after.listing(kind).filter((x) => x.updatedAt <= before.now))
        expect(after.json(kind, r.key), `${kind} ${r.id}`).toBe(old.get(r.id));
    }
    const held = after
      .listing('clubMemberships')
      .filter((r) => r.updatedAt > before.now)
      .map((r) => (JSON.parse(after.json('clubMemberships', r.key)) as { status: string }).status);
    expect(held).toContain('On Hold');
  });
});
