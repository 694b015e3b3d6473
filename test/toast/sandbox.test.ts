/**
 * The Toast sandbox over real sockets: login and bearer tokens, the restaurant header, every paging style
 * (ordersBulk Link headers, config/v2 page tokens), query validation, modified-time selection with later
 * versions, cash days that answer 400, per-restaurant rate limits, determinism, reconciling checks, advance().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ToastWorld, type Json } from '../../extract/sources/toast/sandbox/data.js';
import {
  startToastSandbox,
  type ToastSandbox,
  type ToastSandboxOptions,
} from '../../extract/sources/toast/sandbox/index.js';
import { DAY_MS, FIRST_DAY, toastTime, ymdFromDay } from '../../extract/sources/toast/sandbox/time.js';

const NO_LIMITS = { overall: 0, ordersBulk: 0, menus: 0, per15Minutes: 0 };
const LOGIN = '/authentication/v1/authentication/login';

let stateDir = '';
const running: ToastSandbox[] = [];
beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'toast-sandbox-'));
});
afterAll(() => rm(stateDir, { recursive: true, force: true }));
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

async function sandbox(options: ToastSandboxOptions = {}): Promise<ToastSandbox> {
  const s = await startToastSandbox({
    stateDir: await mkdtemp(path.join(stateDir, 's-')),
    days: 0,
    faults: {},
    rateLimits: NO_LIMITS,
    ...options,
  });
  running.push(s);
  return s;
}

async function login(s: ToastSandbox, body: Json = {}): Promise<Response> {
  const env = s.env();
  return fetch(`${s.url}${LOGIN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: env.TOAST_CLIENT_ID,
      clientSecret: env.TOAST_CLIENT_SECRET,
      userAccessType: 'TOAST_MACHINE_CLIENT',
      ...body,
    }),
  });
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON that each test drills into
  body: any;
}

/** A logged-in client for one restaurant (the first by default). */
async function client(s: ToastSandbox, restaurant = s.restaurants()[0]!) {
  const token = ((await (await login(s)).json()) as { token: { accessToken: string } }).token.accessToken;
  const get = async (
    pathAndQuery: string,
    query: Record<string, string | number> = {},
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    const url = pathAndQuery.startsWith('http') ? pathAndQuery : `${s.url}${pathAndQuery}${qs ? `?${qs}` : ''}`;
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, 'toast-restaurant-external-id': restaurant, ...headers },
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  };
  return { token, get };
}

const iso = toastTime;
const cents = (x: number) => Math.round(x * 100);

/** Every order of a modified-time window, following Link headers; the pages' sizes too. */
async function allOrders(
  get: Awaited<ReturnType<typeof client>>['get'],
  startDate: number,
  endDate: number,
  pageSize = 100,
) {
  const orders: Json[] = [];
  const sizes: number[] = [];
  let reply = await get('/orders/v2/ordersBulk', { startDate: iso(startDate), endDate: iso(endDate), pageSize });
  for (;;) {
    expect(reply.status, reply.text).toBe(200);
    orders.push(...reply.body);
    sizes.push(reply.body.length);
    const link = reply.headers.get('link');
    if (!link) break;
    const next = /^<([^>]+)>; rel="next"$/.exec(link);
    expect(next, link).not.toBeNull();
    reply = await get(next![1]!);
  }
  return { orders, sizes };
}

describe('toast sandbox: authentication and the restaurant header', () => {
  it('logs the machine client in; wrong credentials, missing, unknown and expired tokens answer 401', async () => {
    const s = await sandbox({ tokenTtlMs: 1500 });
    const restaurant = s.restaurants()[0]!;
    const jobs = (authorization?: string) =>
      fetch(`${s.url}/labor/v1/jobs`, {
        headers: { 'toast-restaurant-external-id': restaurant, ...(authorization ? { authorization } : {}) },
      });
    const ok = await login(s);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { token: Json; status: string };
    expect((await jobs(`Bearer ${body.token.accessToken as string}`)).status).toBe(200);
    expect(body.status).toBe('SUCCESS');
    expect(body.token).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 1,
      scope: null,
      idToken: null,
      refreshToken: null,
    });
    expect(typeof body.token.accessToken).toBe('string');

    const wrong = await login(s, { clientSecret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      status: 401,
      code: 10010,
      message: 'Access Denied',
      requestId: expect.any(String),
    });

    expect((await jobs()).status).toBe(401);
    expect((await jobs('Bearer not-a-token')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1600));
    const expired = await jobs(`Bearer ${body.token.accessToken as string}`);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ status: 401, code: 10010 });
    expect(s.stats().logins).toBe(2);
  });

  it('issues 24-hour tokens by default and checks the restaurant header: missing 400, unknown 403', async () => {
    const s = await sandbox();
    expect(((await (await login(s)).json()) as { token: Json }).token.expiresIn).toBe(86400);
    const { get } = await client(s);
    const missing = await get('/config/v2/taxRates', {}, { 'toast-restaurant-external-id': '' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      status: 400,
      message: expect.stringContaining('Toast-Restaurant-External-ID'),
    });
    const unknown = await get(
      '/config/v2/taxRates',
      {},
      { 'toast-restaurant-external-id': '00000000-0000-4000-8000-000000000000' },
    );
    expect(unknown.status).toBe(403);
    expect(unknown.body).toMatchObject({ status: 403, requestId: expect.any(String) });

    const [first, second] = s.restaurants();
    const restaurant = await get(`/restaurants/v1/restaurants/${second!}`);
    expect(restaurant.status).toBe(200);
    expect(restaurant.body).toMatchObject({
      guid: second,
      general: { timeZone: expect.stringMatching(/^America\//), closeoutHour: expect.any(Number), currencyCode: 'USD' },
      location: { country: 'US' },
    });
    expect((await get(`/restaurants/v1/restaurants/${first!.replace(/^./, 'f')}`)).status).toBe(404);
    expect((await get('/orders/v2/nothing')).status).toBe(404);
    expect(s.env()).toEqual({
      TOAST_API_URL: s.url,
      TOAST_CLIENT_ID: expect.any(String),
      TOAST_CLIENT_SECRET: expect.any(String),
      TOAST_RESTAURANT_GUIDS: `${first},${second}`,
    });
  });
});

describe('toast sandbox: ordersBulk', () => {
  it('pages with a Link header to page N+1 until a short last page; the same orders as one big page', async () => {
    const s = await sandbox();
    const { get } = await client(s);
    const end = s.now();
    const start = end - 3 * DAY_MS;
    const paged = await allOrders(get, start, end, 7);
    const whole = await allOrders(get, start, end);
    expect(whole.sizes).toHaveLength(2); // about 120 orders in 3 days: two pages of at most 100
    expect(paged.orders.map((o) => o.guid)).toEqual(whole.orders.map((o) => o.guid));
    expect(new Set(paged.orders.map((o) => o.guid)).size).toBe(paged.orders.length);
    expect(paged.sizes.slice(0, -1).every((n) => n === 7)).toBe(true);
    expect(paged.sizes.at(-1)).toBeGreaterThan(0);
    expect(paged.sizes.at(-1)).toBeLessThanOrEqual(7);
    const keys = paged.orders.map(
      (o) => [Date.parse(String(o.modifiedDate).replace('+0000', 'Z')), String(o.guid)] as const,
    );
    expect(
      keys.every(([t, g], i) => i === 0 || t > keys[i - 1]![0] || (t === keys[i - 1]![0] && g > keys[i - 1]![1])),
    ).toBe(true);
    for (const [t] of keys) expect(t >= start && t < end).toBe(true);

    const first = await get('/orders/v2/ordersBulk', { startDate: iso(start), endDate: iso(end), pageSize: 7 });
    const link = first.headers.get('link')!;
    expect(link).toContain(`${s.url}/orders/v2/ordersBulk?`);
    expect(new URL(/<([^>]+)>/.exec(link)![1]!).searchParams.get('page')).toBe('2');
    expect(new URL(/<([^>]+)>/.exec(link)![1]!).searchParams.get('startDate')).toBe(iso(start));
    const beyond = await get('/orders/v2/ordersBulk', {
      startDate: iso(start),
      endDate: iso(end),
      pageSize: 7,
      page: 1000,
    });
    expect(beyond.status).toBe(200);
    expect(beyond.body).toEqual([]);
    expect(beyond.headers.get('link')).toBeNull();
  });

  it('selects on modifiedDate: an order modified days later moves to the later window; nothing after now', async () => {
    const s = await sandbox();
    const { get } = await client(s);
    const now = s.now();
    const month = await allOrders(get, now - 31 * DAY_MS, now);
    const windowStart = ymdFromDay(Math.floor((now - 31 * DAY_MS) / DAY_MS));
    // Orders of business dates before the window, there because of a later modification.
    const older = month.orders.filter((o) => (o.businessDate as number) < windowStart);
    expect(older.length).toBeGreaterThan(0);
    const laterVersions = month.orders.filter(
      (o) =>
        Date.parse(String(o.modifiedDate).replace('+0000', 'Z')) -
          Date.parse(String(o.closedDate).replace('+0000', 'Z')) >
        DAY_MS,
    );
    expect(laterVersions.length).toBeGreaterThan(month.orders.length * 0.01);
    const kinds = new Set(
      laterVersions.map((o) =>
        o.voided
          ? 'void'
          : (o.checks as Json[]).some((c) => (c.payments as Json[]).some((p) => p.refund))
            ? 'refund'
            : 'tip',
      ),
    );
    expect(kinds.size).toBeGreaterThan(1);

    // The same order asked by its business date is the same version.
    const sample = laterVersions[0]!;
    const sameDay = await get('/orders/v2/ordersBulk', { businessDate: sample.businessDate as number });
    expect(sameDay.body.find((o: Json) => o.guid === sample.guid)).toEqual(sample);

    expect((await get('/orders/v2/ordersBulk', { startDate: iso(now), endDate: iso(now + 31 * DAY_MS) })).body).toEqual(
      [],
    );
    const today = await get('/orders/v2/ordersBulk', { businessDate: ymdFromDay(Math.floor(now / DAY_MS) - 1) });
    for (const o of today.body as Json[])
      expect(Date.parse(String(o.modifiedDate).replace('+0000', 'Z'))).toBeLessThanOrEqual(now);
  });

  it('serves an order in its earlier version until its later modification has happened', async () => {
    const s = await sandbox();
    const { get } = await client(s);
    const before = s.now();
    const dates = Array.from({ length: 8 }, (_, i) => ymdFromDay(Math.floor(before / DAY_MS) - 8 + i));
    const versions = async () => {
      const out = new Map<string, Json>();
      for (const businessDate of dates)
        for (const o of (await get('/orders/v2/ordersBulk', { businessDate })).body as Json[])
          out.set(String(o.guid), o);
      return out;
    };
    const then = await versions();
    await s.advance(7);
    const later = await versions();
    const changed = [...then.keys()].filter((g) => later.get(g)!.modifiedDate !== then.get(g)!.modifiedDate);
    expect(changed.length).toBeGreaterThan(0);
    const week = await allOrders(get, before, s.now());
    const inWeek = new Map(week.orders.map((o) => [o.guid, o]));
    for (const g of changed) {
      expect(Date.parse(String(later.get(g)!.modifiedDate).replace('+0000', 'Z'))).toBeGreaterThanOrEqual(before);
      expect(inWeek.get(g)).toEqual(later.get(g));
      expect(later.get(g)).not.toEqual(then.get(g));
    }
  });

  it('validates its query: a month at most, pageSize 1..100, times with an offset, one way of selecting', async () => {
    const s = await sandbox();
    const { get } = await client(s);
    const end = s.now();
    const q = (query: Record<string, string | number>) => get('/orders/v2/ordersBulk', query).then((r) => r.status);
    expect(await q({ startDate: iso(end - 31 * DAY_MS), endDate: iso(end) })).toBe(200);
    expect(await q({ startDate: iso(end - 32 * DAY_MS), endDate: iso(end) })).toBe(400);
    expect(await q({ startDate: iso(end - DAY_MS), endDate: iso(end), pageSize: 101 })).toBe(400);
    expect(await q({ startDate: iso(end - DAY_MS), endDate: iso(end), pageSize: 0 })).toBe(400);
    expect(await q({ startDate: iso(end - DAY_MS), endDate: iso(end), page: 0 })).toBe(400);
    expect(await q({ startDate: iso(end - DAY_MS) })).toBe(400);
    expect(await q({})).toBe(400);
    expect(await q({ startDate: iso(end - DAY_MS), endDate: iso(end), businessDate: 20260227 })).toBe(400);
    expect(await q({ businessDate: '2026-02-27' })).toBe(400);
    expect(await q({ startDate: '2026-02-27', endDate: iso(end) })).toBe(400);
    expect(await q({ startDate: '2026-02-27T00:00:00.000-0500', endDate: '2026-02-28T00:00:00.000+00:00' })).toBe(200);
    const raw = await get(
      `/orders/v2/ordersBulk?startDate=2026-02-27T00:00:00.000+0000&endDate=2026-02-28T00:00:00.000+0000`,
    );
    expect(raw.status).toBe(400); // an unencoded + arrives as a space
    const encoded = await get(
      `/orders/v2/ordersBulk?startDate=2026-02-27T00:00:00.000%2B0000&endDate=2026-02-28T00:00:00.000%2B0000`,
    );
    expect(encoded.status).toBe(200);
    expect(encoded.body.length).toBeGreaterThan(10);
  });
});

describe('toast sandbox: configuration', () => {
  it('pages config/v2 with opaque Toast-Next-Page-Token and honours lastModified', async () => {
    const s = await sandbox();
    const { get } = await client(s);
    const whole = await get('/config/v2/menuItems');
    expect(whole.body).toHaveLength(100);
    const token = whole.headers.get('toast-next-page-token')!;
    expect(token).toBeTruthy();
    const rest = await get('/config/v2/menuItems', { pageToken: token });
    expect(rest.headers.get('toast-next-page-token')).toBeNull();
    const all = [...whole.body, ...rest.body] as Json[];

    const paged: Json[] = [];
    let next: string | null = null;
    do {
      const reply = await get('/config/v2/menuItems', { pageSize: 30, ...(next ? { pageToken: next } : {}) });
      expect(reply.body.length).toBeLessThanOrEqual(30);
      paged.push(...reply.body);
      next = reply.headers.get('toast-next-page-token');
    } while (next);
    expect(paged).toEqual(all);
    expect((await get('/config/v2/menuItems', { pageToken: 'garbage' })).status).toBe(400);
    expect(
      (await get('/config/v2/menuItems', { pageToken: token, lastModified: iso(Date.UTC(2025, 0, 1)) })).status,
    ).toBe(400);
    expect((await get('/config/v2/discounts', { pageToken: token })).status).toBe(400);
    expect((await get('/config/v2/menuItems', { pageSize: 101 })).status).toBe(400);

    const since = Date.UTC(2026, 0, 1);
    const recent = (await get('/config/v2/menuItems', { lastModified: iso(since) })).body as Json[];
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThan(all.length);
    for (const item of recent)
      expect(Date.parse(String(item.modifiedDate).replace('+0000', 'Z'))).toBeGreaterThan(since);
    expect(recent.map((i) => i.guid)).toEqual(
      all.filter((i) => Date.parse(String(i.modifiedDate).replace('+0000', 'Z')) > since).map((i) => i.guid),
    );
    expect(all.some((i) => i.visibility === 'NONE')).toBe(true); // retired specials

    for (const kind of [
      'revenueCenters',
      'diningOptions',
      'menuGroups',
      'salesCategories',
      'discounts',
      'serviceCharges',
      'taxRates',
    ]) {
      const reply = await get(`/config/v2/${kind}`);
      expect(reply.status).toBe(200);
      expect(reply.body.length).toBeGreaterThan(1);
      for (const record of reply.body as Json[])
        expect(record).toMatchObject({
          guid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          modifiedDate: expect.stringMatching(/\+0000$/),
        });
    }
    const menus = (await get('/menus/v2/menus')).body as Json;
    expect(menus).toMatchObject({
      restaurantGuid: s.restaurants()[0],
      restaurantTimeZone: expect.any(String),
      modifierGroupReferences: {},
      modifierOptionReferences: {},
    });
    const nested = (menus.menus as Json[])
      .flatMap((m) => m.menuGroups as Json[])
      .filter((g) => (g.menuGroups as Json[]).length > 0);
    expect(nested.length).toBeGreaterThan(0);
  });

  it('advance() adds a business day of data and weekly configuration changes; the clock is persisted', async () => {
    const dir = await mkdtemp(path.join(stateDir, 'advance-'));
    const s = await startToastSandbox({ stateDir: dir, faults: {}, rateLimits: NO_LIMITS });
    running.push(s);
    const { get } = await client(s);
    const start = s.now();
    expect(start).toBe(Date.UTC(2026, 2, 1, 9));
    const config = async (kind: string, since: number) =>
      (await get(`/config/v2/${kind}`, { lastModified: iso(since) })).body as Json[];
    expect(await config('menuItems', start)).toEqual([]);
    const nameBefore = (await get(`/restaurants/v1/restaurants/${s.restaurants()[0]!}`)).body.general.name;
    const itemsBefore = new Set((await config('menuItems', 0)).map((i) => i.guid));

    await s.advance();
    expect(s.now()).toBe(start + DAY_MS);
    const day = await get('/orders/v2/ordersBulk', { startDate: iso(start), endDate: iso(s.now()) });
    expect(day.body.length).toBeGreaterThan(10);

    await s.advance(6);
    const items = await config('menuItems', start);
    expect(items.length).toBeGreaterThan(0);
    expect(items.some((i) => !itemsBefore.has(i.guid))).toBe(true); // this week's special
    expect((await config('menuGroups', start)).length).toBeGreaterThan(0);
    const restaurant = (await get(`/restaurants/v1/restaurants/${s.restaurants()[0]!}`)).body;
    expect(restaurant.general.name).not.toBe(nameBefore);
    expect(Date.parse(restaurant.modifiedDate.replace('+0000', 'Z'))).toBeGreaterThan(start);

    const again = await startToastSandbox({ stateDir: dir, faults: {}, rateLimits: NO_LIMITS });
    running.push(again);
    expect(again.now()).toBe(start + 7 * DAY_MS);
  });
});

describe('toast sandbox: labor and cash', () => {
  it('timeEntries takes exactly one of three selections; modified ranges include deleted entries', async () => {
    const s = await sandbox();
    const { get } = await client(s);
    const now = s.now();
    const q = (query: Record<string, string | number>) => get('/labor/v1/timeEntries', query);
    expect((await q({})).status).toBe(400);
    expect((await q({ startDate: iso(now - DAY_MS) })).status).toBe(400);
    expect((await q({ startDate: iso(now - DAY_MS), endDate: iso(now), businessDate: 20260227 })).status).toBe(400);
    expect(
      (
        await q({
          startDate: iso(now - DAY_MS),
          endDate: iso(now),
          modifiedStartDate: iso(now - DAY_MS),
          modifiedEndDate: iso(now),
        })
      ).status,
    ).toBe(400);
    expect((await q({ modifiedStartDate: iso(now - 32 * DAY_MS), modifiedEndDate: iso(now) })).status).toBe(400);

    const modified = (await q({ modifiedStartDate: iso(now - 31 * DAY_MS), modifiedEndDate: iso(now) })).body as Json[];
    const clockedIn = (await q({ startDate: iso(now - 31 * DAY_MS), endDate: iso(now) })).body as Json[];
    expect(modified.some((e) => e.deleted === true && e.deletedDate)).toBe(true);
    expect(clockedIn.some((e) => e.deleted)).toBe(false);
    expect(clockedIn.length).toBeGreaterThan(100);
    expect(modified.some((e) => (e.breaks as Json[]).some((b) => b.missed && b.outDate === null))).toBe(true);
    expect(clockedIn.some((e) => (e.breaks as Json[]).some((b) => b.paid))).toBe(true);
    const edited = modified.filter(
      (e) =>
        Date.parse(String(e.modifiedDate).replace('+0000', 'Z')) - Date.parse(String(e.outDate).replace('+0000', 'Z')) >
        DAY_MS,
    );
    expect(edited.length).toBeGreaterThan(0);

    const businessDate = Number(clockedIn[0]!.businessDate);
    const ofDay = (await q({ businessDate })).body as Json[];
    expect(ofDay.length).toBeGreaterThan(0);
    expect(ofDay.every((e) => e.businessDate === String(businessDate) && !e.deleted)).toBe(true);

    const employees = (await get('/labor/v1/employees')).body as Json[];
    expect(employees.some((e) => e.deleted && e.deletedDate)).toBe(true);
    expect(employees.some((e) => (e.wageOverrides as Json[]).length > 0)).toBe(true);
    const jobs = (await get('/labor/v1/jobs')).body as Json[];
    expect(jobs.find((j) => j.title === 'Expo')).toMatchObject({ deleted: true });
    expect(jobs.find((j) => j.title === 'General Manager')).toMatchObject({ wageFrequency: 'SALARY' });
  });

  it('cash entries and deposits need a businessDate; badCashDays and the badDayRate fault answer 400', async () => {
    const s = await sandbox({ badCashDays: [20250105] });
    const { get } = await client(s);
    expect((await get('/cashmgmt/v1/entries')).status).toBe(400);
    expect((await get('/cashmgmt/v1/entries', { businessDate: '2025-01-04' })).status).toBe(400);
    const day = await get('/cashmgmt/v1/entries', { businessDate: 20250104 });
    expect(day.status).toBe(200);
    expect((day.body as Json[]).map((e) => e.type)).toEqual(
      expect.arrayContaining(['CASH_IN', 'TIP_OUT', 'CASH_COLLECTED']),
    );
    expect((await get('/cashmgmt/v1/deposits', { businessDate: 20250104 })).body.length).toBeGreaterThan(0);
    for (const p of ['/cashmgmt/v1/entries', '/cashmgmt/v1/deposits']) {
      const refused = await get(p, { businessDate: 20250105 });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: 400, requestId: expect.any(String) });
    }
    expect((await get('/cashmgmt/v1/entries', { businessDate: 20230105 })).body).toEqual([]);
    let undone = 0;
    for (let d = FIRST_DAY + 40; d < FIRST_DAY + 80; d++)
      undone += ((await get('/cashmgmt/v1/entries', { businessDate: ymdFromDay(d) })).body as Json[]).filter(
        (e) => e.undoes,
      ).length;
    expect(undone).toBeGreaterThan(0);

    const faulty = await sandbox({ faults: { badDayRate: 0.3 } });
    const f = await client(faulty);
    const statuses = async () => {
      const out: number[] = [];
      for (let d = FIRST_DAY; d < FIRST_DAY + 30; d++)
        out.push((await f.get('/cashmgmt/v1/deposits', { businessDate: ymdFromDay(d) })).status);
      return out;
    };
    const first = await statuses();
    expect(first).toContain(400);
    expect(first).toContain(200);
    expect(await statuses()).toEqual(first);
  });
});

describe('toast sandbox: limits, faults, scripts', () => {
  it('answers 429 with X-Toast-RateLimit-Reset and Retry-After, per restaurant and endpoint', async () => {
    const s = await sandbox({ rateLimits: { overall: 0, ordersBulk: 5, menus: 1, per15Minutes: 0 } });
    const [a, b] = s.restaurants();
    const { get } = await client(s, a);
    expect((await get('/menus/v2/menus')).status).toBe(200);
    const refused = await get('/menus/v2/menus');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      status: 429,
      code: 429,
      message: 'Too many requests',
      requestId: expect.any(String),
    });
    const reset = Number(refused.headers.get('x-toast-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 2);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-toast-ratelimit-by')).toBe('ENDPOINT');
    expect((await get('/menus/v2/menus', {}, { 'toast-restaurant-external-id': b! })).status).toBe(200);
    expect((await get('/config/v2/taxRates')).status).toBe(200);

    const burst = await Promise.all(
      Array.from({ length: 12 }, () => get('/orders/v2/ordersBulk', { businessDate: 20250110 })),
    );
    const refusedOrders = burst.filter((r) => r.status === 429).length;
    expect(refusedOrders).toBeGreaterThan(0);
    expect(refusedOrders).toBeLessThan(12);
    const stats = s.stats();
    expect(stats.restaurants[a!]!.menus).toEqual({ requests: 2, status429: 1 });
    expect(stats.restaurants[b!]!.menus).toEqual({ requests: 1, status429: 0 });
    expect(stats.restaurants[a!]!.ordersBulk).toEqual({ requests: 12, status429: refusedOrders });
    expect(stats.status429).toBe(1 + refusedOrders);
  });

  it('counts a 15-minute window and an overall limit per restaurant', async () => {
    const s = await sandbox({ rateLimits: { overall: 50, ordersBulk: 0, menus: 0, per15Minutes: 3 } });
    const { get } = await client(s);
    for (let i = 0; i < 3; i++) expect((await get('/labor/v1/jobs')).status).toBe(200);
    const refused = await get('/config/v2/taxRates');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-toast-ratelimit-by')).toBe('GLOBAL');
    expect(Number(refused.headers.get('x-toast-ratelimit-reset')) % 900).toBe(0);
    expect((await get('/labor/v1/jobs', {}, { 'toast-restaurant-external-id': s.restaurants()[1]! })).status).toBe(200);
  });

  it('applies ELT_SANDBOX_FAULTS-style faults with Toast error bodies (not to login); scripted answers', async () => {
    const s = await sandbox({ faults: { status429Burst: 1, malformedRecordRate: 1 } });
    const { get } = await client(s);
    const first = await get('/config/v2/taxRates');
    expect(first.status).toBe(429);
    expect(first.body).toMatchObject({ status: 429, message: 'Too many requests' });
    const second = await get('/config/v2/taxRates');
    expect(second.status).toBe(200);
    expect((second.body as Json[]).some((r) => !r.guid)).toBe(true);

    const scripted = await sandbox({
      intercept: (call) =>
        call.endpoint === 'ordersBulk' && call.n === 1
          ? { status: 503, body: { status: 503, message: 'down' } }
          : undefined,
    });
    const c = await client(scripted);
    expect((await c.get('/orders/v2/ordersBulk', { businessDate: 20250110 })).status).toBe(503);
    expect((await c.get('/orders/v2/ordersBulk', { businessDate: 20250110 })).status).toBe(200);
  });
});

describe('toast sandbox: data', () => {
  it('gives the same bytes for the same seed, other data for another seed', async () => {
    const paths: [string, Record<string, string | number>][] = [
      ['/orders/v2/ordersBulk', { businessDate: 20250301 }],
      [
        '/orders/v2/ordersBulk',
        { startDate: iso(Date.UTC(2026, 1, 20)), endDate: iso(Date.UTC(2026, 1, 27)), pageSize: 50, page: 2 },
      ],
      ['/labor/v1/timeEntries', { businessDate: 20250301 }],
      ['/labor/v1/employees', {}],
      ['/cashmgmt/v1/entries', { businessDate: 20250301 }],
      ['/config/v2/menuItems', {}],
      ['/menus/v2/menus', {}],
    ];
    const texts = async (seed: number) => {
      const s = await sandbox({ seed });
      const { get } = await client(s);
      return Promise.all(paths.map(async ([p, q]) => (await get(p, q)).text));
    };
    const a = await texts(7);
    expect(await texts(7)).toEqual(a);
    const other = await texts(8);
    for (let i = 0; i < paths.length; i++) expect(other[i]).not.toEqual(a[i]);
  });

  it('reconciles every check: amount, tax, total from non-voided selections; payments cover the check', async () => {
    const s = await sandbox();
    const { get } = await client(s);
    const orders = (await allOrders(get, s.now() - 20 * DAY_MS, s.now())).orders;
    let split = 0;
    let depth = 0;
    const types = new Set<string>();
    const nesting = (sel: Json): number => 1 + Math.max(0, ...(sel.modifiers as Json[]).map(nesting));
    for (const o of orders) {
      const checks = (o.checks as Json[]).filter((c) => !c.deleted);
      if (checks.length > 1) split++;
      for (const c of checks) {
        const live = (c.selections as Json[]).filter((x) => !x.voided);
        const amount = live.reduce((sum, x) => sum + cents(x.price as number), 0);
        const tax = live.reduce((sum, x) => sum + cents(x.tax as number), 0);
        expect(cents(c.amount as number)).toBe(amount);
        expect(cents(c.taxAmount as number)).toBe(tax);
        expect(cents(c.totalAmount as number)).toBe(amount + tax);
        for (const sel of c.selections as Json[]) {
          depth = Math.max(depth, nesting(sel));
          const modifiers = (sel.modifiers as Json[]).reduce((sum, m) => sum + cents(m.price as number), 0);
          expect(cents(sel.preDiscountPrice as number)).toBe(
            cents(sel.receiptLinePrice as number) * (sel.quantity as number) + modifiers,
          );
        }
        const payments = (c.payments as Json[]).filter((p) => p.paymentStatus !== 'DENIED');
        for (const p of c.payments as Json[]) types.add(String(p.type));
        if (o.voided || o.deleted || !payments.length) continue;
        const charges = (c.appliedServiceCharges as Json[]).reduce(
          (sum, x) => sum + cents(x.chargeAmount as number),
          0,
        );
        expect(payments.reduce((sum, p) => sum + cents(p.amount as number), 0)).toBe(amount + tax + charges);
      }
    }
    expect(split).toBeGreaterThan(orders.length * 0.03);
    expect(depth).toBeGreaterThanOrEqual(4); // item -> modifier -> modifier -> modifier
    expect([...types].sort()).toEqual(['CASH', 'CREDIT', 'GIFTCARD', 'OTHER']);
    expect(orders.some((o) => o.voided)).toBe(true);
    expect(orders.some((o) => (o.checks as Json[]).some((c) => (c.selections as Json[]).some((x) => x.voided)))).toBe(
      true,
    );
  });

  it('computes any business date of a benchmark-sized world on its own, the same however it is reached', () => {
    // 13 restaurants x 150 orders a day, as the benchmark asks: a day 60 weeks back and this week's days are
    // computed without the history in between, identically in any order, with stable unique guids.
    const cfg = { seed: 42, restaurants: 13, ordersPerDay: 150 };
    const world = new ToastWorld(cfg, 0);
    const old = FIRST_DAY + 7;
    const recent = Math.floor(world.now / DAY_MS) - 7;
    const day = (w: ToastWorld, plan: number, d: number) =>
      JSON.stringify(w.ordersOfDate(w.plans[plan]!, d).map((r) => w.order(w.plans[plan]!, r)));
    const recentFirst = day(world, 12, recent);
    const oldText = day(world, 12, old);
    const fresh = new ToastWorld(cfg, 0);
    expect(day(fresh, 12, old)).toBe(oldText);
    expect(day(fresh, 12, recent)).toBe(recentFirst);

    const guids = new Set<string>();
    let orders = 0;
    for (const plan of world.plans) {
      for (let d = recent; d < recent + 7; d++) {
        const refs = world.ordersOfDate(plan, d);
        expect(refs.length).toBeGreaterThan(80);
        expect(refs.length).toBeLessThan(250);
        for (const r of refs) guids.add(String(world.order(plan, r).guid));
        orders += refs.length;
      }
    }
    expect(guids.size).toBe(orders);
    expect(new Set(world.plans.map((p) => p.guid)).size).toBe(13);
  });
});
