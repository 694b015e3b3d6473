/**
 * Arrivy against its sandbox over sockets, into a real PostgreSQL: the first sync (every list, the task
 * window, each task's status history), a rerun that asks and lands nothing new, a day of changes (edits,
 * deletions as tombstones, statuses moving, new bookings), two accounts, refused credentials (at once and
 * mid-run), 429s, an HTML page answered with 200, and the generator's bad inputs landed as sent.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../extract/kit/log.js';
import { HttpClient } from '../../extract/kit/http/index.js';
import { runSource, sharedPerRun, sourceInstances, type SourceRunResult } from '../../extract/kit/runner.js';
import { secretStore } from '../../extract/kit/secrets.js';
import type { SourceDefinition } from '../../extract/kit/source.js';
import { DAY_MS } from '../../extract/kit/windows.js';
import type { ArrivyConfig } from '../../extract/sources/arrivy/config.js';
import { BAD_INPUTS } from '../../extract/sources/arrivy/sandbox/data.js';
import {
  startArrivySandbox,
  type ArrivySandbox,
  type ArrivySandboxOptions,
} from '../../extract/sources/arrivy/sandbox/index.js';
import { arrivy } from '../../extract/sources/arrivy/source.js';
import { sourceTestLifecycle } from '../helpers/database.js';

const TABLES = [...new Set(arrivy.entities.map((e) => e.table))];
const life = sourceTestLifecycle<ArrivySandbox>('elt_test_arrivy_sync', TABLES);
const SMALL = { customers: 120, teamMembers: 10, tasks: 900 };
const TWO_TO_53 = 2n ** 53n;

/** The source with retries in milliseconds; otherwise as shipped. */
const fastArrivy: SourceDefinition<ArrivyConfig> = {
  ...arrivy,
  http: { retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 40 } },
};

async function sandbox(options: ArrivySandboxOptions = {}): Promise<ArrivySandbox> {
  return life.track(
    await startArrivySandbox({
      stateDir: life.stateDir(),
      faults: {},
      ...options,
      data: { ...SMALL, ...options.data },
    }),
  );
}

interface RunOptions {
  runId?: number;
  maxPages?: number;
  env?: Record<string, string>;
  backfill?: { from: number; to: number };
}

function run(s: ArrivySandbox, options: RunOptions = {}): Promise<SourceRunResult> {
  return runSource(fastArrivy, {
    warehouse: life.warehouse(),
    runId: options.runId ?? 1,
    env: options.env ?? s.env,
    full: false,
    backfill: options.backfill,
    limits: { maxPages: options.maxPages },
    log: silentLogger,
    signal: new AbortController().signal,
  });
}

const { query, count } = life;
const keys = async (table: string, where = 'true') =>
  (await query<{ k: string }>(`select _key as k from raw.${table} where ${where}`)).map((r) => r.k);
const okAll = (result: SourceRunResult) =>
  expect(result.outcomes.filter((o) => !o.ok).map((o) => `${o.entity}: ${o.error}`)).toEqual([]);

/** What the sandbox's default windows hold at its clock: tasks 30 days back to 180 ahead, histories to 7 ahead. */
function expected(s: ArrivySandbox, account?: string) {
  const w = s.world(account);
  // Histories of the window's tasks up to a week ahead, and of every unscheduled task.
  const withHistory = [
    ...w.scheduledTaskIndexes(w.now - 30 * DAY_MS, w.now + 7 * DAY_MS),
    ...w.unscheduledTaskIndexes(),
  ];
  return {
    customers: w.customerIndexes(),
    members: w.teamMemberIndexes(),
    window: w.scheduledTaskIndexes(w.now - 30 * DAY_MS, w.now + 180 * DAY_MS),
    unscheduled: w.unscheduledTaskIndexes(),
    withHistory,
    statuses: withHistory.reduce((n, i) => n + w.statusRecords(i).length, 0),
  };
}

describe('arrivy: first sync, rerun, a day of changes', () => {
  it('lands every list, the task window with its status histories, and ids above 2^53 exactly', async () => {
    const s = await sandbox();
    const first = await run(s);
    okAll(first);
    const want = expected(s);
    expect(await count('raw_arrivy_customers')).toBe(want.customers.length);
    expect(await count('raw_arrivy_team_members')).toBe(want.members.length);
    expect(await count('raw_arrivy_tasks')).toBe(want.window.length + want.unscheduled.length);
    expect(await count('raw_arrivy_task_statuses')).toBe(want.statuses);
    expect(want.statuses).toBeGreaterThan(100);
    // A cancelled unscheduled task's report lands too.
    const w0 = s.world();
    const unscheduledReports = want.unscheduled.flatMap((i) => w0.statusRecords(i).map(() => w0.id('task', i)));
    expect(unscheduledReports.length).toBeGreaterThan(0);
    expect(
      await count('raw_arrivy_task_statuses', `record->>'listed_task_id' in ('${unscheduledReports.join("','")}')`),
    ).toBe(unscheduledReports.length);

    // Ids keep every digit: _key and the JSON (PostgreSQL numeric) alike.
    const w = s.world();
    const bigCustomers = want.customers.map((j) => w.id('customer', j)).filter((id) => BigInt(id) > TWO_TO_53);
    expect(bigCustomers.length).toBeGreaterThan(0);
    expect(
      await keys('raw_arrivy_customers', `record->>'id' in (${bigCustomers.map((id) => `'${id}'`).join(',')})`),
    ).toEqual(expect.arrayContaining(bigCustomers));
    // Each report carries the task it was listed under (added by the extractor, exact) and its own task_id.
    expect(await count('raw_arrivy_task_statuses', `record->>'listed_task_id' = record->>'task_id'`)).toBe(
      want.statuses,
    );

    // Windows of 30 days sent with an offset, the unscheduled pass, one status call per task up to a week ahead.
    const requests = s.requests();
    const froms = requests
      .filter((r) => r.startsWith('/tasks?') && r.includes('from='))
      .map((r) => new URL(`http://x${r}`).searchParams.get('from')!);
    expect(froms.every((f) => /\+00:00$/.test(f))).toBe(true);
    expect(requests.filter((r) => r.includes('unscheduled=true')).length).toBeGreaterThan(0);
    expect(requests.filter((r) => /^\/tasks\/\d+\/status/.test(r)).length).toBe(want.withHistory.length);

    // A rerun with nothing new at the vendor lands nothing and asks for no status history again.
    const before = s.requests().length;
    const second = await run(s, { runId: 2 });
    okAll(second);
    expect(second.counts.rowsLanded).toBe(0);
    expect(
      s
        .requests()
        .slice(before)
        .filter((r) => r.includes('/status')).length,
    ).toBe(0);
  });

  it("a day later lands edits, tombstones, new bookings and the day's status reports (of changed tasks)", async () => {
    const s = await sandbox();
    okAll(await run(s));
    const before = {
      world: s.world(),
      requests: s.requests().length,
      statuses: await count('raw_arrivy_task_statuses'),
    };
    await s.advance();
    const after = s.world();
    const daily = await run(s, { runId: 2 });
    okAll(daily);

    // The customer the day deleted: a tombstone with the id as sent and the time; the rest of the list as edited.
    const gone = before.world.customerIndexes().filter((j) => after.isCustomerDeleted(j));
    expect(gone.length).toBeGreaterThan(0);
    const tombstones = await query<{ k: string; deleted_at: string }>(
      `select _key as k, record->>'_elt_deleted_at' as deleted_at from raw.raw_arrivy_customers
       where record ? '_elt_deleted'`,
    );
    expect(tombstones.map((t) => t.k).sort()).toEqual(gone.map((j) => after.id('customer', j)).sort());
    expect(Date.parse(tombstones[0]!.deleted_at)).toBe(after.now);
    const edited = after
      .customerIndexes()
      .filter(
        (j) => before.world.customerIndexes().includes(j) && before.world.customerJson(j) !== after.customerJson(j),
      );
    expect(edited.length).toBeGreaterThan(0);
    expect(await count('raw_arrivy_customers', `_run_id = 2 and not record ? '_elt_deleted'`)).toBe(
      edited.length + after.customerIndexes().length - before.world.customerIndexes().length + gone.length,
    );

    // Statuses moved on: new reports landed, asked for only for tasks whose record changed.
    expect(await count('raw_arrivy_task_statuses')).toBeGreaterThan(before.statuses);
    const statusCalls = s
      .requests()
      .slice(before.requests)
      .filter((r) => r.includes('/status')).length;
    expect(statusCalls).toBeGreaterThan(0);
    expect(statusCalls).toBeLessThan(expected(s).window.length / 4);
    expect(await count('raw_arrivy_tasks', `_run_id = 2`)).toBeGreaterThan(0);

    // Another run the same day: nothing more.
    const again = await run(s, { runId: 3 });
    okAll(again);
    expect(again.counts.rowsLanded).toBe(0);
  });

  it('--max-pages reads part of the lists and lands no tombstone for what it did not read', async () => {
    const s = await sandbox({ data: { customers: 700 } });
    okAll(await run(s));
    await s.advance();
    const partial = await run(s, { runId: 2, maxPages: 1 });
    okAll(partial);
    expect(await count('raw_arrivy_customers', `record ? '_elt_deleted'`)).toBe(0);
    okAll(await run(s, { runId: 3 }));
    expect(await count('raw_arrivy_customers', `record ? '_elt_deleted'`)).toBeGreaterThan(0);
  });

  it('backfills older tasks and their histories by calendar month, apart from the daily window', async () => {
    const s = await sandbox();
    const w = s.world();
    const range = { from: Date.UTC(2024, 10, 1), to: Date.UTC(2025, 0, 1) };
    const result = await run(s, { backfill: range });
    okAll(result);
    expect(result.outcomes.map((o) => o.entity).sort()).toEqual(['task_statuses', 'tasks']);
    const tasks = w.scheduledTaskIndexes(range.from, range.to);
    expect(tasks.length).toBeGreaterThan(50);
    expect(await count('raw_arrivy_tasks')).toBe(tasks.length);
    expect(await count('raw_arrivy_task_statuses')).toBe(tasks.reduce((n, i) => n + w.statusRecords(i).length, 0));
    const origins = await query<{ o: string }>(`select distinct _origin as o from raw.raw_arrivy_tasks order by 1`);
    expect(origins.map((r) => r.o)).toEqual(['tasks 2024-11-01..2024-12-01', 'tasks 2024-12-01..2025-01-01']);
  });

  it('keeps two accounts apart, each with its own credentials, ids and clock offsets', async () => {
    const s = await sandbox({ accounts: ['default', 'napa'] });
    okAll(await run(s));
    const instances = await query<{ i: string; n: number }>(
      `select _source_instance as i, count(*)::int as n from raw.raw_arrivy_tasks group by 1 order by 1`,
    );
    expect(instances.map((r) => r.i)).toEqual(['default', 'napa']);
    expect(instances[1]!.n).toBe(expected(s, 'napa').window.length + expected(s, 'napa').unscheduled.length);
    const offsets = await query<{ o: string }>(
      `select distinct right(record->>'start_datetime_original_iso_str', 6) as o from raw.raw_arrivy_tasks
       where _source_instance = 'napa' and record->>'start_datetime' is not null`,
    );
    expect(offsets.map((r) => r.o).sort()).toEqual(['-04:00', '-05:00']);
  });
});

describe('arrivy: refusals and bad answers', () => {
  it('wrong credentials: one sentence naming the variables, nothing landed', async () => {
    const s = await sandbox();
    const result = await run(s, { env: { ...s.env, ARRIVY_AUTH_TOKEN: 'wrong' } });
    for (const outcome of result.outcomes) {
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(
        /Arrivy refused the credentials of account default \(HTTP 401\): check ARRIVY_AUTH_KEY and ARRIVY_AUTH_TOKEN\./,
      );
      expect(outcome.error).not.toContain('wrong');
    }
    expect(await count('raw_arrivy_customers')).toBe(0);
  });

  it('--check reads the profile: the company, or the refusal naming the variables (and stops there)', async () => {
    const s = await sandbox();
    const check = async (env: Record<string, string>) => {
      const [instance] = await sourceInstances(arrivy, env, secretStore(life.warehouse(), env));
      const http = new HttpClient({ name: 'arrivy', logger: silentLogger, retry: { attempts: 1 } });
      const context = {
        instance: instance!,
        http,
        log: silentLogger,
        signal: new AbortController().signal,
        secrets: secretStore(life.warehouse(), env),
        shared: sharedPerRun()(),
      };
      const steps = [];
      for await (const step of arrivy.check(context)) steps.push(step);
      return steps;
    };
    expect(await check(s.env)).toEqual([
      { name: 'credentials (user profile)', ok: true, detail: 'Sandbox Field Services' },
    ]);
    const refused = await check({ ...s.env, ARRIVY_AUTH_KEY: 'wrong' });
    expect(refused).toEqual([{ name: 'credentials (user profile)', ok: false, detail: expect.any(String) }]);
    expect(refused[0]!.detail).toMatch(/refused the credentials of account default .*check ARRIVY_AUTH_KEY/);
  });

  it('credentials revoked mid-run: what landed stays, the rest fails in a sentence, the next run works', async () => {
    const s = await sandbox({ revokeAfter: 6 });
    const result = await run(s);
    const failed = result.outcomes.filter((o) => !o.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const o of failed) expect(o.error).toMatch(/refused the credentials.*ARRIVY_AUTH_TOKEN/);
    expect(await count('raw_arrivy_customers')).toBeGreaterThan(0);
    const restored = await startArrivySandbox({ stateDir: life.stateDir(), faults: {}, data: SMALL });
    life.track(restored);
    okAll(await run(restored, { runId: 2 }));
    expect(await count('raw_arrivy_tasks')).toBe(
      expected(restored).window.length + expected(restored).unscheduled.length,
    );
  });

  it('429s are waited out (Retry-After), and every record still lands once', async () => {
    const s = await sandbox({ requestsPerSecond: 40 });
    const result = await run(s);
    okAll(result);
    expect(result.http.metrics().reduce((n, m) => n + m.throttled, 0)).toBeGreaterThan(0);
    expect(await count('raw_arrivy_task_statuses')).toBe(expected(s).statuses);
  });

  it('an HTML page answered with 200 is retried; one that persists fails the task listing in a sentence', async () => {
    const once = await sandbox({ htmlPages: { from: 2, count: 1 } });
    okAll(await run(once));
    const always = await sandbox({ htmlPages: { from: 1, count: 1000 } });
    const result = await run(always, { runId: 2, env: always.env });
    const tasks = result.outcomes.find((o) => o.entity === 'tasks')!;
    expect(tasks.ok).toBe(false);
    expect(tasks.error).toMatch(/arrivy GET \/tasks page 1: .*HTTP 200 with an HTML page/);
  });

  it('bad inputs land as sent: no customer, a report on an unknown task, an odd datetime, ids as strings', async () => {
    const s = await sandbox({ data: { badInputs: BAD_INPUTS } });
    okAll(await run(s));
    const w = s.world();
    const id = (bad: (typeof BAD_INPUTS)[number]) => w.id('task', w.badInputTask(bad)!);
    expect(
      await count('raw_arrivy_tasks', `_key = '${id('task-without-customer')}' and not record ? 'customer_id'`),
    ).toBe(1);
    expect(
      await count(
        'raw_arrivy_tasks',
        `_key = '${id('unexpected-datetime')}' and record->>'start_datetime' like '%GMT'`,
      ),
    ).toBe(1);
    // A string id and a number id land under the same key text.
    expect(
      await count(
        'raw_arrivy_tasks',
        `_key = '${id('id-string-and-number')}' and jsonb_typeof(record->'id') = 'string'`,
      ),
    ).toBe(1);
    const stray = await query<{ task: string; listed: string }>(
      `select record->>'task_id' as task, record->>'listed_task_id' as listed from raw.raw_arrivy_task_statuses
       where record->>'task_id' <> record->>'listed_task_id'`,
    );
    expect(stray).toEqual([{ task: expect.any(String), listed: id('status-for-unknown-task') }]);
    expect(await count('raw_arrivy_tasks', `_key = '${stray[0]!.task}'`)).toBe(0);
    expect(await count('raw_arrivy_tasks')).toBe(expected(s).window.length + expected(s).unscheduled.length);
  });
});
