/**
 * npm run bench -- toast [--restaurants 13] [--weeks 60] [--orders-per-day 25] [--no-resume]
 *
 * A Toast backfill from the sandbox under Toast's per-restaurant limits (20 requests/s overall, ordersBulk
 * 5/s; the sandbox answers 429 above them): `npm run elt -- backfill toast --from ... --to ... --no-dbt` in a
 * child process. Figures: wall time, requests and 429s, peak RSS of the child, and the achieved request
 * rate against what the limits allow. The reference, computed from the same run's requests: the shortest
 * time the limits permit, per restaurant max(ordersBulk requests / 5, all requests / 20), the slowest
 * restaurant deciding; achieved share = that time / the measured time (100% = the limits alone decided).
 *
 * Then the same backfill into a second database, killed (SIGKILL) part-way and run again with the same
 * command: the rows landed must equal the uninterrupted run's exactly, (restaurant, key, hash) by table.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { EmbeddedWarehouse } from '../extract/kit/warehouse/postgres/embedded.js';
import { usesExternalPostgres } from '../extract/kit/warehouse/postgres/connection.js';
import { formatCount, renderTable } from '../extract/orchestrator/table.js';
import {
  startToastSandbox,
  type ToastSandbox,
  type ToastSandboxStats,
} from '../extract/sources/toast/sandbox/index.js';
import { runEltChild, type ChildRun } from './child.js';
import { recreateDatabase } from './database.js';

const DATABASE = 'elt_bench_toast';
const RESUMED = 'elt_bench_toast_resumed';
const TABLES = ['raw_toast_orders', 'raw_toast_cash_entries', 'raw_toast_cash_deposits', 'raw_toast_time_entries'];
const LIMITS = { overall: 20, ordersBulk: 5 };
const DAY_MS = 86_400_000;

interface Requests {
  total: number;
  orders: number;
  throttled: number;
  /** The shortest time Toast's limits allow for these requests, in ms. */
  floorMs: number;
}

/** What the sandbox served between two snapshots of its counters. */
function served(before: ToastSandboxStats, after: ToastSandboxStats): Requests {
  let total = 0;
  let orders = 0;
  let floorMs = 0;
  for (const [guid, endpoints] of Object.entries(after.restaurants)) {
    let all = 0;
    let bulk = 0;
    for (const [endpoint, stats] of Object.entries(endpoints)) {
      const n = stats.requests - (before.restaurants[guid]?.[endpoint]?.requests ?? 0);
      all += n;
      if (endpoint.includes('ordersBulk')) bulk += n;
    }
    total += all;
    orders += bulk;
    floorMs = Math.max(floorMs, (bulk / LIMITS.ordersBulk) * 1000, (all / LIMITS.overall) * 1000);
  }
  return { total, orders, throttled: after.status429 - before.status429, floorMs };
}

async function rowVersions(config: pg.ClientConfig): Promise<Map<string, string[]>> {
  const client = new pg.Client(config);
  await client.connect();
  const out = new Map<string, string[]>();
  for (const table of TABLES) {
    const { rows } = await client.query<{ v: string }>(
      `select _source_instance || ' ' || _key || ' ' || _hash as v from raw.${table} order by 1`,
    );
    out.set(
      table,
      rows.map((r) => r.v),
    );
  }
  await client.end();
  return out;
}

function backfill(
  sandbox: ToastSandbox,
  database: string,
  range: { from: string; to: string },
  signal?: AbortSignal,
): Promise<ChildRun> {
  const args = ['backfill', 'toast', '--from', range.from, '--to', range.to, '--no-dbt'];
  return runEltChild(
    args,
    {
      ...process.env,
      ...sandbox.env(),
      ELT_DATABASE: database,
      ELT_JOB_TIMEOUT_MINUTES: '120',
      ELT_SANDBOX_FAULTS: '',
    },
    { signal },
  );
}

function failIfBad(name: string, run: ChildRun): void {
  if (run.exitCode !== 0)
    throw new Error(
      `${name} failed (exit ${run.exitCode}):\n${run.logTail}\n${run.output.split('\n').slice(-25).join('\n')}`,
    );
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      restaurants: { type: 'string', default: '13' },
      weeks: { type: 'string', default: '60' },
      'orders-per-day': { type: 'string', default: '25' },
      'no-resume': { type: 'boolean', default: false },
    },
  });
  const restaurants = Number(values.restaurants);
  const weeks = Number(values.weeks);
  const embedded = usesExternalPostgres() ? undefined : new EmbeddedWarehouse();
  const { started } = embedded ? await embedded.ensureRunning((m) => console.log(m)) : { started: false };
  const stateDir = await mkdtemp(path.join(tmpdir(), 'toast-bench-'));
  const sandbox = await startToastSandbox({
    stateDir,
    days: 0,
    faults: {},
    seed: 2026,
    restaurants,
    ordersPerDay: Number(values['orders-per-day']),
  });
  try {
    // The last `weeks` whole weeks before the sandbox's today.
    const today = Math.floor(sandbox.now() / DAY_MS) * DAY_MS;
    const range = {
      from: new Date(today - weeks * 7 * DAY_MS).toISOString().slice(0, 10),
      to: new Date(today - DAY_MS).toISOString().slice(0, 10),
    };
    const config = await recreateDatabase(DATABASE);
    console.log(
      `Toast sandbox: ${restaurants} restaurants, about ${values['orders-per-day']} orders a day each; ` +
        `limits per restaurant ${LIMITS.overall} requests/s, ordersBulk ${LIMITS.ordersBulk}/s`,
    );
    console.log(
      `backfill ${range.from} .. ${range.to} (${weeks} weeks): ` +
        `npm run elt -- backfill toast --from ${range.from} --to ${range.to} --no-dbt ...`,
    );
    const before = sandbox.stats();
    const run = await backfill(sandbox, DATABASE, range);
    failIfBad('backfill', run);
    const requests = served(before, sandbox.stats());
    const reference = await rowVersions(config);

    const rows: string[][] = [
      [
        'backfill',
        `${(run.ms / 1000).toFixed(1)} s`,
        formatCount(requests.total),
        formatCount(requests.orders),
        formatCount(requests.throttled),
        `${(requests.total / (run.ms / 1000)).toFixed(1)}`,
        `${(requests.floorMs / 1000).toFixed(1)} s`,
        `${((requests.floorMs / run.ms) * 100).toFixed(1)}%`,
        run.peakRssMb ? `${run.peakRssMb.toFixed(0)} MB` : '?',
      ],
    ];
    console.log('');
    console.log(
      renderTable(
        [
          'run',
          'wall',
          'requests',
          'ordersBulk',
          '429s',
          'requests/s',
          'limits allow (reference)',
          'achieved share of allowed rate',
          'peak RSS',
        ],
        rows,
      ),
    );
    const landed = [...reference].map(([t, v]) => `${formatCount(v.length)} ${t.replace('raw_toast_', '')}`);
    console.log(`\nlanded: ${landed.join(', ')}`);
    console.log('target: achieved share >= 90%');

    if (!values['no-resume']) {
      const resumedConfig = await recreateDatabase(RESUMED);
      const kill = new AbortController();
      const timer = setTimeout(() => kill.abort(), run.ms * 0.4);
      console.log(
        `\nsame backfill into ${RESUMED}, killed (SIGKILL) after ${((run.ms * 0.4) / 1000).toFixed(1)} s, ` +
          'then run again...',
      );
      const killed = await backfill(sandbox, RESUMED, range, kill.signal);
      clearTimeout(timer);
      const partial = [...(await rowVersions(resumedConfig)).values()].reduce((n, v) => n + v.length, 0);
      const resumeBefore = sandbox.stats();
      const resumed = await backfill(sandbox, RESUMED, range);
      failIfBad('resumed backfill', resumed);
      const resumedRequests = served(resumeBefore, sandbox.stats());
      const after = await rowVersions(resumedConfig);
      const differences = TABLES.filter((t) => JSON.stringify(after.get(t)) !== JSON.stringify(reference.get(t)));
      const total = [...reference.values()].reduce((n, v) => n + v.length, 0);
      console.log(
        `killed run: ${killed.signal ?? `exit ${killed.exitCode}`}, ` +
          `${formatCount(partial)} of ${formatCount(total)} rows landed before the kill`,
      );
      console.log(
        `resumed run: ${(resumed.ms / 1000).toFixed(1)} s, ${formatCount(resumedRequests.total)} requests ` +
          `(of ${formatCount(requests.total)} for the whole backfill)`,
      );
      console.log(
        differences.length
          ? `RESUME MISMATCH in ${differences.join(', ')}`
          : 'stopped-and-resumed backfill = uninterrupted backfill: same (restaurant, key, hash) rows in every table',
      );
      if (differences.length) process.exitCode = 1;
    }
  } finally {
    await sandbox.close();
    await rm(stateDir, { recursive: true, force: true });
    if (started) await embedded!.stop();
  }
}
