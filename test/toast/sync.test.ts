/** Daily runs of the Toast source against its sandbox: first run, incremental runs, login, limits, refusals. */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../extract/kit/log.js';
import { toastTestbed } from '../helpers/toast.js';

const bed = toastTestbed('elt_test_toast_sync');

const DAILY = ['orders', 'cash_entries', 'cash_deposits', 'time_entries', 'employees', 'jobs'];

function capturingLogger() {
  const lines: string[] = [];
  return { lines, log: createLogger({ format: 'json', level: 'debug', sink: { write: (line) => lines.push(line) } }) };
}

describe('Toast daily runs', () => {
  it('lands every entity of every restaurant, logging in once for all of them', async () => {
    const sandbox = await bed.sandbox({ restaurants: 2 });
    const result = await bed.run({ ...sandbox.env(), ELT_TOAST_HISTORY_DAYS: '10' });
    expect(result.outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(result.outcomes).toHaveLength(2 * 16);
    for (const table of [
      'raw_toast_orders',
      'raw_toast_cash_entries',
      'raw_toast_time_entries',
      'raw_toast_employees',
      'raw_toast_restaurants',
      'raw_toast_menus',
      'raw_toast_menu_items',
      'raw_toast_tax_rates',
    ]) {
      for (const guid of sandbox.restaurants())
        expect(await bed.count(table, `_source_instance = '${guid}'`), `${table} ${guid}`).toBeGreaterThan(0);
    }
    expect(sandbox.stats().logins).toBe(1);
    // Ten days of orders: business dates from the history start on, none from before it.
    const { earliest } = (
      await bed
        .db()
        .query<{ earliest: string }>(`select min(record->>'modifiedDate') as earliest from raw.raw_toast_orders`)
    )[0]!;
    expect(Date.parse(earliest.replace('+0000', 'Z'))).toBeGreaterThanOrEqual(sandbox.now() - 10 * 86_400_000);
  });

  it('reads only what changed on the next run, and nothing new when nothing changed', async () => {
    const sandbox = await bed.sandbox({ restaurants: 1 });
    const env = { ...sandbox.env(), ELT_TOAST_HISTORY_DAYS: '5' };
    await bed.run(env, { entities: DAILY });
    const first = await bed.count('raw_toast_orders');
    const again = await bed.run(env, { entities: DAILY });
    expect(again.outcomes.find((o) => o.entity === 'orders')!.counts.rowsLanded).toBe(0);
    expect(again.outcomes.find((o) => o.entity === 'time_entries')!.counts.rowsLanded).toBe(0);
    await sandbox.advance();
    const before = sandbox.stats().restaurants[sandbox.restaurants()[0]!]!;
    const ordersRequestsBefore = Object.entries(before)
      .filter(([e]) => e.includes('ordersBulk'))
      .reduce((n, [, s]) => n + s.requests, 0);
    const next = await bed.run(env, { entities: DAILY });
    expect(next.outcomes.every((o) => o.ok)).toBe(true);
    expect(next.outcomes.find((o) => o.entity === 'orders')!.counts.rowsLanded).toBeGreaterThan(0);
    expect(await bed.count('raw_toast_orders')).toBeGreaterThan(first);
    const after = sandbox.stats().restaurants[sandbox.restaurants()[0]!]!;
    const ordersRequestsAfter = Object.entries(after)
      .filter(([e]) => e.includes('ordersBulk'))
      .reduce((n, [, s]) => n + s.requests, 0);
    // One day of changes is a page or two, not the five days of the first run again.
    expect(ordersRequestsAfter - ordersRequestsBefore).toBeLessThanOrEqual(3);
    const { dupes } = (
      await bed
        .db()
        .query<{ dupes: string }>(
          `select count(*) - count(distinct (_source_instance, _key, _hash)) as dupes from raw.raw_toast_orders`,
        )
    )[0]!;
    expect(Number(dupes)).toBe(0);
  });

  it('lands the same orders incrementally as a full read of the same period', async () => {
    const sandbox = await bed.sandbox({ restaurants: 1, ordersPerDay: 150 });
    const env = { ...sandbox.env(), ELT_TOAST_HISTORY_DAYS: '3' };
    await bed.run(env, { entities: ['orders'] });
    await sandbox.advance();
    await bed.run(env, { entities: ['orders'] });
    await sandbox.advance();
    await bed.run(env, { entities: ['orders'] });
    const incremental = await bed.db().query<{ guid: string; modified: string }>(
      `select distinct on (_key) _key as guid, record->>'modifiedDate' as modified
         from raw.raw_toast_orders order by _key, (record->>'modifiedDate') desc`,
    );
    await bed.db().query('truncate raw.raw_toast_orders, elt.state');
    await bed.run({ ...env, ELT_TOAST_HISTORY_DAYS: '5' }, { entities: ['orders'] });
    const full = await bed
      .db()
      .query<{ guid: string; modified: string }>(
        `select _key as guid, record->>'modifiedDate' as modified from raw.raw_toast_orders order by _key`,
      );
    // Pages of 100: 150 orders a day need several pages per window, followed by the Link header.
    expect(full.length).toBeGreaterThan(300);
    const since = sandbox.now() - 3 * 86_400_000 - 2 * 86_400_000;
    const inRange = (rows: { guid: string; modified: string }[]) =>
      rows
        .filter((r) => Date.parse(r.modified.replace('+0000', 'Z')) >= since + 60_000)
        .map((r) => `${r.guid} ${r.modified}`);
    expect(inRange(incremental)).toEqual(inRange(full));
  });

  it('logs in again once when Toast refuses the token, and explains a refused login', async () => {
    let refusals = 0;
    const sandbox = await bed.sandbox({
      restaurants: 1,
      intercept: (call) =>
        call.endpoint.includes('ordersBulk') && refusals++ === 0
          ? { status: 401, body: { status: 401, code: 10010, message: 'Access Denied' } }
          : undefined,
    });
    const ok = await bed.run({ ...sandbox.env(), ELT_TOAST_HISTORY_DAYS: '2' }, { entities: ['orders'] });
    expect(ok.outcomes[0]!.ok).toBe(true);
    expect(sandbox.stats().logins).toBe(2);

    const { lines, log } = capturingLogger();
    const secret = 'not-the-sandbox-secret-123';
    const bad = await bed.run({ ...sandbox.env(), TOAST_CLIENT_SECRET: secret }, { entities: ['orders'], log });
    expect(bad.outcomes[0]!.ok).toBe(false);
    expect(bad.outcomes[0]!.error).toContain(
      'Toast refused the machine client login: check TOAST_CLIENT_ID and TOAST_CLIENT_SECRET',
    );
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('fails clearly when a token is refused even right after a login', async () => {
    const sandbox = await bed.sandbox({
      restaurants: 1,
      intercept: (call) =>
        call.endpoint.includes('ordersBulk')
          ? { status: 401, body: { status: 401, code: 10010, message: 'Access Denied' } }
          : undefined,
    });
    const result = await bed.run({ ...sandbox.env(), ELT_TOAST_HISTORY_DAYS: '2' }, { entities: ['orders'] });
    expect(result.outcomes[0]!.ok).toBe(false);
    expect(result.outcomes[0]!.error).toMatch(
      /Toast refused a fresh access token for restaurant [0-9a-f-]+: check that the client is granted access to it/,
    );
    expect(sandbox.stats().logins).toBe(2);
  });

  it('honours 429s from a stricter limit than its own and still lands everything', async () => {
    const sandbox = await bed.sandbox({
      restaurants: 1,
      ordersPerDay: 150,
      rateLimits: { overall: 0, ordersBulk: 2, menus: 0, per15Minutes: 0 },
    });
    const result = await bed.run({ ...sandbox.env(), ELT_TOAST_HISTORY_DAYS: '4' }, { entities: ['orders'] });
    expect(result.outcomes[0]!.ok).toBe(true);
    expect(sandbox.stats().status429).toBeGreaterThan(0);
    const reference = await bed.versions('raw_toast_orders');
    await bed.db().query('truncate raw.raw_toast_orders, elt.state');
    const calm = await bed.sandbox({ restaurants: 1, ordersPerDay: 150 });
    await bed.run({ ...calm.env(), ELT_TOAST_HISTORY_DAYS: '4' }, { entities: ['orders'] });
    expect(await bed.versions('raw_toast_orders')).toEqual(reference);
  });

  it('skips a cash day Toast refuses, reports it, and asks for it again on the next run', async () => {
    const first = await bed.sandbox({ restaurants: 1 });
    const now = first.now();
    const day = (offset: number) => new Date(now - offset * 86_400_000).toISOString().slice(0, 10);
    const bad = day(3).replaceAll('-', '');
    await first.close();
    const refusing = await bed.sandbox({ restaurants: 1, badCashDays: [bad] });
    const env = { ...refusing.env(), ELT_TOAST_HISTORY_DAYS: '7' };
    const result = await bed.run(env, { entities: ['cash_entries', 'cash_deposits'] });
    for (const outcome of result.outcomes) {
      expect(outcome.ok).toBe(true);
      expect(outcome.degraded).toBe(true);
      expect(outcome.skipped).toHaveLength(1);
      expect(outcome.skipped[0]).toMatch(new RegExp(`^${day(3)}: .*HTTP 400`));
    }
    const state = await bed.state<{ pending?: string[] }>('cash_entries', refusing.restaurants()[0]!);
    expect(state).toMatchObject({ $version: 1, value: { pending: [day(3)] } });
    const landedBefore = await bed.count('raw_toast_cash_entries');
    await refusing.close();

    const healed = await bed.sandbox({ restaurants: 1 });
    const again = await bed.run({ ...healed.env(), ELT_TOAST_HISTORY_DAYS: '7' }, { entities: ['cash_entries'] });
    expect(again.outcomes[0]).toMatchObject({ ok: true, skipped: [] });
    expect(again.outcomes[0]!.degraded).toBeUndefined();
    expect(await bed.count('raw_toast_cash_entries')).toBeGreaterThan(landedBefore);
    const after = await bed.state<{ pending?: string[] }>('cash_entries', healed.restaurants()[0]!);
    expect(after?.value).toBeDefined();
    expect(after?.value.pending).toBeUndefined();
  });

  it('--max-pages lands part of a window, keeps the cursor; --since reads further back without moving it', async () => {
    const sandbox = await bed.sandbox({ restaurants: 1, ordersPerDay: 150 });
    const [guid] = sandbox.restaurants();
    const env = { ...sandbox.env(), ELT_TOAST_HISTORY_DAYS: '2' };
    const [cut] = (await bed.run(env, { entities: ['orders'], limits: { maxPages: 1 } })).outcomes;
    expect(cut).toMatchObject({ ok: true, counts: { rowsSeen: 100, units: 1 } });
    expect((await bed.state<{ cursor?: string }>('orders', guid!))?.value.cursor).toBeUndefined();
    const [rest] = (await bed.run(env, { entities: ['orders'] })).outcomes;
    expect(rest!.counts.rowsLanded).toBe((await bed.count('raw_toast_orders')) - 100);
    const cursor = (await bed.state<{ cursor: string }>('orders', guid!))!.value.cursor;
    const sql = `select count(distinct record->>'businessDate') as n from raw.raw_toast_orders`;
    const days = async () => Number((await bed.db().query<{ n: string }>(sql))[0]!.n);
    const before = await days();
    const [since] = (await bed.run(env, { entities: ['orders'], limits: { since: sandbox.now() - 6 * 86_400_000 } }))
      .outcomes;
    expect(since!.counts.rowsLanded).toBeGreaterThan(0);
    expect(await days()).toBeGreaterThan(before);
    const after = (await bed.state<{ cursor: string }>('orders', guid!))!.value.cursor;
    expect(Date.parse(after)).toBeGreaterThanOrEqual(Date.parse(cursor));
  });

  it('goes on from the state a version before versioned states saved', async () => {
    const sandbox = await bed.sandbox({ restaurants: 1 });
    const [guid] = sandbox.restaurants();
    const toastTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
    const now = sandbox.now();
    const day = (offset: number) => new Date(now - offset * 86_400_000).toISOString().slice(0, 10);
    await bed.saveUnversioned('cash_entries', guid!, { cursor: toastTime(now), pending: [day(5)] });
    await bed.saveUnversioned('menu_items', guid!, { since: toastTime(now) });
    await bed.saveUnversioned('employees', guid!, { since: toastTime(now) });
    const result = await bed.run(sandbox.env(), { entities: ['cash_entries', 'menu_items', 'employees'] });
    expect(result.outcomes.every((o) => o.ok)).toBe(true);
    // The refused day, and the last two days again up to today.
    expect(sandbox.stats().restaurants[guid!]!.cashEntries!.requests).toBe(1 + 3);
    // Nothing changed since then.
    expect(result.outcomes.find((o) => o.entity === 'menu_items')!.counts.rowsSeen).toBe(0);
    expect(result.outcomes.find((o) => o.entity === 'employees')!.counts.rowsSeen).toBeGreaterThan(0);
    // Toast's clock, read from its Date header: now, to the second.
    const iso = expect.stringMatching(new RegExp(`^${new Date(now).toISOString().slice(0, 17)}\\d\\d\\.\\d{3}Z$`));
    expect(await bed.state('cash_entries', guid!)).toEqual({ $version: 1, value: { cursor: iso } });
    expect(await bed.state('menu_items', guid!)).toEqual({ $version: 1, value: { cursor: iso, at: iso } });
    expect(await bed.state('employees', guid!)).toEqual({ $version: 1, value: { at: iso } });
  });

  it('reads configuration changes only, by lastModified, after the first read', async () => {
    const sandbox = await bed.sandbox({ restaurants: 1 });
    const env = sandbox.env();
    const config = ['menu_items', 'discounts', 'dining_options'];
    const first = await bed.run(env, { entities: config });
    const firstSeen = first.outcomes.reduce((n, o) => n + o.counts.rowsSeen, 0);
    await sandbox.advance(7);
    const weekLater = await bed.run(env, { entities: config });
    const laterSeen = weekLater.outcomes.reduce((n, o) => n + o.counts.rowsSeen, 0);
    expect(laterSeen).toBeGreaterThan(0);
    expect(laterSeen).toBeLessThan(firstSeen);
    expect(weekLater.outcomes.reduce((n, o) => n + o.counts.rowsLanded, 0)).toBe(laterSeen);
  });
});
