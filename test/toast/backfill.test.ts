/** Toast backfills: calendar windows per restaurant, resumable, refused windows reported and retried. */
import { describe, expect, it } from 'vitest';
import { backfillStateName } from '../../extract/kit/runner.js';
import { runElt } from '../helpers/elt.js';
import { toastTestbed } from '../helpers/toast.js';

const bed = toastTestbed('elt_test_toast_backfill');

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const BACKFILLED = ['orders', 'cash_entries', 'cash_deposits', 'time_entries'];
const TABLES = ['raw_toast_orders', 'raw_toast_cash_entries', 'raw_toast_cash_deposits', 'raw_toast_time_entries'];

async function landed(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) out[table] = await bed.versions(table);
  return out;
}

describe('Toast backfill', () => {
  it('reads only the entities with history, every window of every restaurant', async () => {
    const sandbox = await bed.sandbox({ restaurants: 2 });
    const from = Date.parse('2025-06-02T00:00:00Z');
    const range = { from, to: from + 21 * DAY };
    const result = await bed.run(sandbox.env(), { backfill: range });
    expect(result.outcomes.map((o) => o.entity).sort()).toEqual([...BACKFILLED, ...BACKFILLED].sort());
    expect(result.outcomes.every((o) => o.ok && o.skipped.length === 0)).toBe(true);
    for (const guid of sandbox.restaurants()) {
      const orders = await bed.state<{ done: string[] }>(backfillStateName('orders'), guid);
      expect(orders).toMatchObject({
        $version: 1,
        value: { done: ['2025-06-02..2025-06-09', '2025-06-09..2025-06-16', '2025-06-16..2025-06-23'] },
      });
      const cash = await bed.state<{ done: string[] }>(backfillStateName('cash_entries'), guid);
      expect(cash?.value.done).toHaveLength(21);
      // The daily cursor is not touched by a backfill.
      expect(await bed.warehouse().loadState('toast', 'orders', guid)).toBeUndefined();
    }
    const { first, last } = (
      await bed.db().query<{ first: string; last: string }>(
        `select min(record->>'modifiedDate') as first, max(record->>'modifiedDate') as last
           from raw.raw_toast_orders`,
      )
    )[0]!;
    expect(first >= '2025-06-02T00:00:00').toBe(true);
    expect(last < '2025-06-23T00:00:00').toBe(true);
    expect(await bed.count('raw_toast_employees')).toBe(0);
  });

  it('resumes a stopped backfill where it stopped and lands the same rows as an uninterrupted one', async () => {
    const sandbox = await bed.sandbox({ restaurants: 2 });
    const from = Date.parse('2025-03-03T00:00:00Z');
    const range = { from, to: from + 35 * DAY };
    await bed.run(sandbox.env(), { backfill: range });
    const uninterrupted = await landed();

    await bed.db().query(`truncate ${TABLES.map((t) => `raw.${t}`).join(', ')}, elt.state`);
    const stop = new AbortController();
    let units = 0;
    const stopped = bed.run(sandbox.env(), {
      backfill: range,
      signal: stop.signal,
      log: {
        ...(await import('../../extract/kit/log.js')).silentLogger,
        child() {
          return this;
        },
        info(message: string) {
          if (message === 'landed' && ++units === 12) stop.abort(new Error('stopped by the test'));
        },
      },
    });
    await stopped;
    const partial = await landed();
    const partialCount = Object.values(partial).reduce((n, v) => n + v.length, 0);
    const fullCount = Object.values(uninterrupted).reduce((n, v) => n + v.length, 0);
    expect(partialCount).toBeGreaterThan(0);
    expect(partialCount).toBeLessThan(fullCount);

    const requestsBefore = sandbox.stats().requests;
    const resumed = await bed.run(sandbox.env(), { backfill: range });
    expect(resumed.outcomes.every((o) => o.ok)).toBe(true);
    expect(await landed()).toEqual(uninterrupted);
    // Only what was not done is asked again (plus one clock reading per restaurant).
    const cashDaysLeft = resumed.outcomes
      .filter((o) => o.entity.startsWith('cash'))
      .reduce((n, o) => n + o.counts.units, 0);
    expect(sandbox.stats().requests - requestsBefore).toBeLessThan(2 * (2 * 35 + 2 * 6 + 2 * 5) + 2);
    expect(cashDaysLeft).toBeLessThan(2 * 2 * 5);

    // Done: the same command again asks for nothing.
    const again = await bed.run(sandbox.env(), { backfill: range });
    expect(again.counts.rowsSeen).toBe(0);
  });

  it('lists the windows Toast refused, lands the rest, and retries only those next time', async () => {
    const from = Date.parse('2025-09-01T00:00:00Z');
    const range = { from, to: from + 14 * DAY };
    const refused = [day(from + 2 * DAY), day(from + 9 * DAY)];
    const refusing = await bed.sandbox({ restaurants: 2, badCashDays: refused.map((d) => d.replaceAll('-', '')) });
    const result = await bed.run(refusing.env(), { backfill: range, entities: ['cash_entries', 'orders'] });
    const cash = result.outcomes.filter((o) => o.entity === 'cash_entries');
    expect(cash).toHaveLength(2);
    for (const outcome of cash) {
      expect(outcome.ok).toBe(true);
      expect(outcome.skipped.map((s) => s.slice(0, 10))).toEqual(refused);
    }
    expect(result.outcomes.filter((o) => o.entity === 'orders').every((o) => o.skipped.length === 0 && o.ok)).toBe(
      true,
    );
    const daysLanded = await bed
      .db()
      .query<{ n: string }>(`select count(distinct _origin) as n from raw.raw_toast_cash_entries`);
    expect(Number(daysLanded[0]!.n)).toBeGreaterThan(0);
    await refusing.close();

    const healed = await bed.sandbox({ restaurants: 2 });
    const before = healed.stats().requests;
    const retry = await bed.run(healed.env(), { backfill: range, entities: ['cash_entries', 'orders'] });
    expect(retry.outcomes.every((o) => o.ok && o.skipped.length === 0)).toBe(true);
    // Two refused days per restaurant, plus the clock reading: nothing else is read again.
    expect(healed.stats().requests - before).toBe(2 * 2 + 1);
    for (const guid of healed.restaurants()) {
      const state = await bed.state<{ done: string[] }>(backfillStateName('cash_entries'), guid);
      expect(state?.value.done).toHaveLength(14);
    }
  });

  it('resumes from the windows a version before versioned states recorded', async () => {
    const sandbox = await bed.sandbox({ restaurants: 1 });
    const [guid] = sandbox.restaurants();
    const from = Date.parse('2025-06-02T00:00:00Z');
    // Its ids: weeks as full timestamps, days as dates.
    await bed.saveUnversioned(backfillStateName('orders'), guid!, {
      done: ['2025-06-02T00:00:00.000Z..2025-06-09T00:00:00.000Z'],
    });
    await bed.saveUnversioned(backfillStateName('cash_entries'), guid!, {
      done: Array.from({ length: 7 }, (_, i) => day(from + i * DAY)),
    });
    const result = await bed.run(sandbox.env(), {
      backfill: { from, to: from + 14 * DAY },
      entities: ['orders', 'cash_entries'],
    });
    expect(result.outcomes.every((o) => o.ok && o.skipped.length === 0)).toBe(true);
    expect(sandbox.stats().restaurants[guid!]!.cashEntries!.requests).toBe(7);
    const origins = await bed.db().query<{ o: string }>(`select distinct _origin as o from raw.raw_toast_orders`);
    expect(origins.map((r) => r.o)).toEqual(['orders backfill 2025-06-09..2025-06-16']);
    const orders = await bed.state<{ done: string[] }>(backfillStateName('orders'), guid!);
    expect(orders).toEqual({ $version: 1, value: { done: ['2025-06-02..2025-06-09', '2025-06-09..2025-06-16'] } });
    const cash = await bed.state<{ done: string[] }>(backfillStateName('cash_entries'), guid!);
    expect(cash?.value.done).toHaveLength(14);
    expect(cash?.value.done).toContain('2025-06-02..2025-06-03');
  });

  it('backfills only the restaurants asked for, and refuses unknown ones', async () => {
    const sandbox = await bed.sandbox({ restaurants: 3 });
    const [one] = sandbox.restaurants();
    const range = { from: Date.parse('2025-05-05T00:00:00Z'), to: Date.parse('2025-05-12T00:00:00Z') };
    const result = await bed.run(sandbox.env(), { backfill: range, instances: [one!], entities: ['orders'] });
    expect(result.outcomes.map((o) => o.instance)).toEqual([one]);
    const instances = await bed
      .db()
      .query<{ i: string }>(`select distinct _source_instance as i from raw.raw_toast_orders`);
    expect(instances.map((r) => r.i)).toEqual([one]);
    await expect(
      bed.run(sandbox.env(), { backfill: range, instances: ['00000000-0000-4000-8000-000000000000'] }),
    ).rejects.toThrow(/Toast has no 00000000-0000-4000-8000-000000000000 configured \(configured: /);
  });

  it('runs as a command: summary, refused windows listed, exit 1 until they are done', async () => {
    const refusing = await bed.sandbox({ restaurants: 1, badCashDays: ['20250804'] });
    const env = { ...refusing.env(), ...bed.db().env, ELT_SANDBOX_FAULTS: '' };
    const args = [
      'backfill',
      'toast',
      '--from',
      '2025-08-01',
      '--to',
      '2025-08-07',
      '--only',
      'toast.cash',
      '--no-dbt',
    ];
    const run = await runElt(args, env);
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stdout).toContain('Refused by the vendor and skipped (2; asked again by the next run):');
    expect(run.stdout).toMatch(/toast\.cash_entries@[0-9a-f-]+ 2025-08-04: .*HTTP 400/);
    expect(run.stdout).toContain('Result: FAILED');
    await refusing.close();
    const healed = await bed.sandbox({ restaurants: 1 });
    const rerun = await runElt(args, { ...env, ...healed.env() });
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(rerun.stdout).toContain('Result: success');
    const usage = await runElt(['backfill', 'toast', '--from', '2025-08-01', '--only', 'toast.config'], env);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('nothing to backfill: toast.config has no entity that reads past date ranges');
  });
});
