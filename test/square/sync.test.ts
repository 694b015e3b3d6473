/**
 * Square against its sandbox: the 12-month historical import (every list to its last page, windows with
 * their state), a rerun that adds nothing, a day of changes caught on updated-at, several merchants, and
 * money in currencies without or with three decimals landed exactly as sent.
 */
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../extract/kit/source.js';
import type { WindowedState } from '../../extract/sources/square/windows.js';
import { expectAllOk, outcome, squareTestbed, SQUARE_ENTITIES } from '../helpers/square.js';

const bed = squareTestbed('elt_test_square_sync');
/** State as elt.state keeps it: versioned. */
type Saved = { $version: number; value: WindowedState };
const DAY = 86_400_000;

async function horizon(entity: string, instance = 'default'): Promise<number> {
  const [row] = await bed
    .db()
    .query<{ state: Saved }>(
      `select state from elt.state where source = 'square' and entity = $1 and source_instance = $2`,
      [entity, instance],
    );
  return Date.parse(row!.state.value.horizon);
}

describe('square: historical import, reruns and a day of changes', () => {
  it("imports 12 months to every list's last page; a rerun adds nothing; a day of changes lands edits", async () => {
    // One location with ~550 orders per 31-day window: more than one SearchOrders page of 500.
    const sandbox = await bed.sandbox({
      locations: 1,
      currencies: ['USD'],
      customers: 500,
      payments: 7000,
      orders: 6600,
      bookings: 250,
    });
    const world = sandbox.world();
    const progress: { entity: string; p: Progress }[] = [];
    const first = await bed.run(sandbox.env(), { onProgress: (entity, p) => progress.push({ entity, p }) });
    expectAllOk(first);
    expect(first.outcomes.map((o) => o.entity)).toEqual([...SQUARE_ENTITIES]);

    const from = await horizon('payments');
    expect(sandbox.now() - from).toBeGreaterThanOrEqual(365 * DAY - DAY);
    expect(sandbox.now() - from).toBeLessThanOrEqual(366 * DAY);
    const inHistory = (t: { range(a: number, b: number): Iterable<number> }) =>
      [...t.range(from, sandbox.now() + 1)].length;
    expect(await bed.count('payments')).toBe(inHistory(world.payments));
    expect(await bed.count('orders')).toBe(inHistory(world.orders));
    // Customers are the directory: all of them, older than the history too.
    expect(await bed.count('customers')).toBe(world.customers.total);
    expect(
      await bed.count('customers', `(record->>'created_at')::timestamptz < to_timestamp(${from / 1000})`),
    ).toBeGreaterThan(0);
    const bookings = world.bookingsStarting(world.locations[0]!.id, from, sandbox.now() + 92 * DAY).length;
    expect(await bed.count('bookings')).toBe(bookings);
    expect(await bed.count('catalog_objects', `(record->>'is_deleted')::boolean`)).toBeGreaterThan(0);
    expect(await bed.count('loyalty_accounts')).toBeGreaterThan(0);
    expect(await bed.count('team_members')).toBe(world.team.length);

    // Orders: windows of ~550 orders came in pages of 500 (cursor repeated with the original body).
    const orderRequests = sandbox.requests().filter((r) => r.op === 'SearchOrders');
    expect(orderRequests.filter((r) => r.cursor).length).toBeGreaterThan(5);
    expect(orderRequests.every((r) => r.status === 200)).toBe(true);
    // Line items and modifiers stay inside the order record.
    expect(await bed.count('orders', `jsonb_path_exists(record, '$.line_items[*].modifiers[*].name')`)).toBeGreaterThan(
      0,
    );

    // One unit per window: the origin names the window; the state says the history is done.
    const [units] = await bed
      .db()
      .query<{ n: number }>(`select count(distinct _origin)::int as n from raw.raw_square_payments`);
    expect(units!.n).toBeGreaterThanOrEqual(12);
    const [state] = await bed
      .db()
      .query<{ state: Saved }>(`select state from elt.state where source = 'square' and entity = 'payments'`);
    expect(state!.state.$version).toBe(1);
    for (const stream of Object.values(state!.state.value.streams)) {
      expect(stream.historyNext).toBeUndefined();
      expect(Date.parse(stream.cursor)).toBe(sandbox.now());
    }
    // Progress: entity, window and share done.
    const payments = progress.filter((e) => e.entity === 'payments' && e.p.fraction !== undefined);
    expect(payments.some((e) => /^history \d{4}-\d\d-\d\d/.test(e.p.label ?? ''))).toBe(true);
    expect(payments.at(-1)!.p.fraction).toBe(1);

    // A rerun with nothing new: no new versions, nothing duplicated.
    const second = await bed.run(sandbox.env(), { runId: 2 });
    expectAllOk(second);
    expect(second.counts.rowsLanded).toBe(0);
    const [dupes] = await bed
      .db()
      .query<{ n: number }>(`select count(*)::int - count(distinct _key)::int as n from raw.raw_square_payments`);
    expect(dupes!.n).toBe(0);

    // A day later: new payments and orders, and edits of older ones (tips, refunds), caught on updated_at.
    await sandbox.advance();
    const later = sandbox.world();
    const third = await bed.run(sandbox.env(), { runId: 3 });
    expectAllOk(third);
    const edited = later.paymentEdits.entries().filter((e) => later.payments.at(e.index) >= from);
    expect(edited.length).toBeGreaterThan(0);
    expect(await bed.count('payments')).toBe(inHistory(later.payments) + new Set(edited.map((e) => e.index)).size);
    for (const { index, at } of edited) {
      const versions = await bed
        .db()
        .query<{ updated_at: string }>(
          `select record->>'updated_at' as updated_at from raw.raw_square_payments where _key = $1 order by _seq`,
          [later.paymentId(index)],
        );
      expect(versions.length).toBe(2);
      expect(Date.parse(versions[1]!.updated_at)).toBe(later.paymentEdits.of(index).at(-1));
      expect(later.paymentEdits.of(index)).toContain(at);
    }
    const editedOrders = later.orderEdits.entries().filter((e) => later.orders.at(e.index) >= from);
    expect(editedOrders.length).toBeGreaterThan(0);
    for (const { index } of editedOrders) {
      const [row] = await bed
        .db()
        .query<{ n: number }>(`select count(*)::int as n from raw.raw_square_orders where _key = $1`, [
          later.orderId(index),
        ]);
      expect(row!.n).toBe(2);
    }
    // Bookings have no updated-at filter: the start times around now are read again, edits kept.
    const editedBookings = later.bookingEdits.entries();
    expect(editedBookings.length).toBeGreaterThan(0);
    for (const { index } of editedBookings) {
      const [row] = await bed
        .db()
        .query<{ n: number }>(`select count(*)::int as n from raw.raw_square_bookings where _key = $1`, [
          later.booking(index).id,
        ]);
      expect(row!.n).toBe(2);
    }
    expect(await bed.count('bookings')).toBe(
      later.bookingsStarting(later.locations[0]!.id, from, sandbox.now() + 92 * DAY).length +
        new Set(editedBookings.map((e) => e.index)).size,
    );
    expect(outcome(third, 'customers').counts.rowsLanded).toBeGreaterThan(0);
    expect(outcome(third, 'catalog_objects').counts.rowsLanded).toBe(1);
  });

  it('state saved before states had versions is read as version 1: a rerun adds nothing', async () => {
    const sandbox = await bed.sandbox({ locations: 2, customers: 60, payments: 300, orders: 150, bookings: 40 });
    expectAllOk(await bed.run(sandbox.env()));
    // What the unversioned code saved: the value alone.
    await bed.db().query(`update elt.state set state = state->'value' where source = 'square'`);
    const rerun = await bed.run(sandbox.env(), { runId: 2 });
    expectAllOk(rerun);
    expect(rerun.counts.rowsLanded).toBe(0);
    // The saved cursors were read: one window of changes per location, not the history again.
    expect(outcome(rerun, 'payments').counts.units).toBe(2);
    const versions = await bed
      .db()
      .query<{ v: number }>(`select distinct (state->>'$version')::int as v from elt.state where source = 'square'`);
    expect(versions).toEqual([{ v: 1 }]);
  });

  it('--max-pages lands part of a window and keeps its state; the next run lands the rest, once', async () => {
    const sandbox = await bed.sandbox({ locations: 1, customers: 20, payments: 2400, orders: 50, bookings: 10 });
    const cut = await bed.run(sandbox.env(), { entities: ['payments'], limits: { maxPages: 1 } });
    expectAllOk(cut);
    // One page of 100 from the first window, and the run stopped there.
    expect(outcome(cut, 'payments').counts).toMatchObject({ units: 1, rowsLanded: 100 });
    const [saved] = await bed
      .db()
      .query<{ state: Saved }>(`select state from elt.state where source = 'square' and entity = 'payments'`);
    const from = await horizon('payments');
    for (const stream of Object.values(saved!.state.value.streams)) expect(Date.parse(stream.historyNext!)).toBe(from);
    expectAllOk(await bed.run(sandbox.env(), { entities: ['payments'], runId: 2 }));
    const world = sandbox.world();
    expect(await bed.count('payments')).toBe([...world.payments.range(from, sandbox.now() + 1)].length);
    const [dupes] = await bed
      .db()
      .query<{ n: number }>(`select count(*)::int - count(distinct _key)::int as n from raw.raw_square_payments`);
    expect(dupes!.n).toBe(0);
  });

  it('--since reads changes from that date again, without moving the saved cursor back', async () => {
    const sandbox = await bed.sandbox({ locations: 1, customers: 20, payments: 2400, orders: 50, bookings: 10 });
    expectAllOk(await bed.run(sandbox.env(), { entities: ['payments'] }));
    const plain = await bed.run(sandbox.env(), { entities: ['payments'], runId: 2 });
    const since = sandbox.now() - 20 * DAY;
    const again = await bed.run(sandbox.env(), { entities: ['payments'], runId: 3, limits: { since } });
    expectAllOk(again);
    // Nothing was edited: every payment created since then is seen again (updated_at >= created_at).
    const recent = [...sandbox.world().payments.range(since, sandbox.now() + 1)].length;
    expect(recent).toBeGreaterThan(0);
    expect(outcome(plain, 'payments').counts.rowsSeen).toBeLessThan(recent);
    expect(outcome(again, 'payments').counts).toMatchObject({ rowsSeen: recent, rowsLanded: 0 });
    const [saved] = await bed
      .db()
      .query<{ state: Saved }>(`select state from elt.state where source = 'square' and entity = 'payments'`);
    for (const stream of Object.values(saved!.state.value.streams))
      expect(Date.parse(stream.cursor)).toBe(sandbox.now());
  });

  it('several merchants land side by side, each under its own _source_instance', async () => {
    const sandbox = await bed.sandbox({
      merchants: 2,
      locations: 1,
      customers: 60,
      payments: 300,
      orders: 150,
      bookings: 40,
    });
    const result = await bed.run(sandbox.multiEnv());
    expectAllOk(result);
    expect([...new Set(result.outcomes.map((o) => o.instance))]).toEqual(['napa', 'sonoma']);
    const rows = await bed
      .db()
      .query<{ _source_instance: string; n: number }>(
        `select _source_instance, count(*)::int as n from raw.raw_square_payments group by 1 order by 1`,
      );
    const from = await horizon('payments', 'napa');
    const expected = (m: number) => [...sandbox.world(m).payments.range(from, sandbox.now() + 1)].length;
    expect(rows).toEqual([
      { _source_instance: 'napa', n: expected(1) },
      { _source_instance: 'sonoma', n: expected(2) },
    ]);
    const [locations] = await bed.db().query<{ napa: string[]; sonoma: string[] }>(
      `select array_agg(_key) filter (where _source_instance = 'napa') as napa,
                array_agg(_key) filter (where _source_instance = 'sonoma') as sonoma
         from raw.raw_square_locations`,
    );
    expect(locations!.napa.filter((id) => locations!.sonoma.includes(id))).toEqual([]);
  });

  it('money in JPY (no minor unit) and KWD (three decimals) lands exactly as Square sent it', async () => {
    const sandbox = await bed.sandbox({
      locations: 2,
      currencies: ['JPY', 'KWD'],
      customers: 40,
      payments: 200,
      orders: 100,
      bookings: 20,
    });
    expectAllOk(await bed.run(sandbox.env(), { entities: ['locations', 'payments', 'orders'] }));
    const world = sandbox.world();
    const rows = await bed
      .db()
      .query<{ _key: string; record: Record<string, unknown> }>(
        `select _key, record from raw.raw_square_payments order by _seq`,
      );
    const byId = new Map<string, number>();
    for (const j of world.payments.range(0, sandbox.now() + 1)) byId.set(world.paymentId(j), j);
    const currencies = new Set<string>();
    for (const row of rows) {
      expect(row.record).toEqual(world.payment(byId.get(row._key)!));
      currencies.add((row.record.total_money as { currency: string }).currency);
    }
    expect([...currencies].sort()).toEqual(['JPY', 'KWD']);
    const [odd] = await bed.db().query<{ n: number }>(
      `select count(*)::int as n
       from raw.raw_square_orders o, jsonb_path_query(o.record, '$.line_items[*].base_price_money') m
       where m->>'currency' in ('JPY', 'KWD') and jsonb_typeof(m->'amount') = 'number'
         and (m->>'amount')::numeric = floor((m->>'amount')::numeric)`,
    );
    expect(odd!.n).toBeGreaterThan(0);
  });
});
