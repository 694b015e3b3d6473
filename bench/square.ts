/**
 * npm run bench -- square [--customers 20000] [--payments 200000] [--orders 100000] [--bookings 20000] [--rps 10]
 *
 * The Square historical import of 12 months from the sandbox, under the sandbox's rate limit (default 10
 * requests/s per access token, answered with 429 RATE_LIMITED above it), as `npm run elt -- --only square
 * --no-dbt` in a child process: wall time, requests, 429s, and the achieved request rate as a share of the
 * allowed one (the limit, not our code, should be the bottleneck). Then one dbt build (not a target, shown
 * for reference), one day of changes at the vendor, and the daily sync end to end with dbt.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import pg from 'pg';
import { projectPath } from '../extract/kit/paths.js';
import { EmbeddedWarehouse } from '../extract/kit/warehouse/postgres/embedded.js';
import { usesExternalPostgres } from '../extract/kit/warehouse/postgres/connection.js';
import { renderTable, formatCount } from '../extract/orchestrator/table.js';
import { startSquareSandbox, type SquareSandbox } from '../extract/sources/square/sandbox/index.js';
import { recreateDatabase } from './database.js';

const DATABASE = 'elt_bench_square';

interface Phase {
  ms: number;
  requests: number;
  throttled: number;
  /** From the first request to the last one of the phase. */
  activeMs: number;
  output: string;
  exitCode: number;
}

/** One `npm run elt` child run; what the sandbox served while it ran. */
async function elt(sandbox: SquareSandbox, args: string[]): Promise<Phase> {
  const from = sandbox.requests().length;
  const started = performance.now();
  const child = await execa(process.execPath, ['--max-semi-space-size=2', '--import', 'tsx', projectPath('orchestrate.ts'), ...args], {
    cwd: projectPath('.'),
    env: { ...process.env, ...sandbox.env(), ELT_DATABASE: DATABASE, ELT_ENV_FILE: '/dev/null', ELT_JOB_TIMEOUT_MINUTES: '60' },
    extendEnv: false,
    reject: false,
    all: true,
  });
  const ms = performance.now() - started;
  const served = sandbox.requests().slice(from);
  return {
    ms,
    requests: served.length,
    throttled: served.filter((r) => r.status === 429).length,
    activeMs: served.length > 1 ? served.at(-1)!.at - served[0]!.at : 0,
    output: child.stdout,
    exitCode: child.exitCode ?? 1,
  };
}

function failIfBad(name: string, phase: Phase): void {
  if (phase.exitCode !== 0) throw new Error(`${name} failed (exit ${phase.exitCode}):\n${phase.output.split('\n').slice(-25).join('\n')}`);
}

async function counts(config: pg.ClientConfig): Promise<Record<string, number>> {
  const client = new pg.Client(config);
  await client.connect();
  const out: Record<string, number> = {};
  for (const table of ['customers', 'payments', 'orders', 'bookings']) {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from raw.raw_square_${table}`);
    out[table] = Number(rows[0]!.n);
  }
  await client.end();
  return out;
}

const dbtSeconds = (output: string) => /dbt build: \S+ .* in ([\d.]+) s/.exec(output)?.[1];

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: 'string', default: '20000' },
      payments: { type: 'string', default: '200000' },
      orders: { type: 'string', default: '100000' },
      bookings: { type: 'string', default: '20000' },
      locations: { type: 'string', default: '4' },
      rps: { type: 'string', default: '10' },
    },
  });
  const rps = Number(values.rps);
  const embedded = usesExternalPostgres() ? undefined : new EmbeddedWarehouse();
  const { started } = embedded ? await embedded.ensureRunning((m) => console.log(m)) : { started: false };
  const stateDir = await mkdtemp(path.join(tmpdir(), 'elt-bench-square-'));
  const sandbox = await startSquareSandbox({
    stateDir,
    days: 0,
    faults: {},
    seed: 2026,
    locations: Number(values.locations),
    currencies: ['USD', 'USD', 'USD', 'JPY'],
    customers: Number(values.customers),
    payments: Number(values.payments),
    orders: Number(values.orders),
    bookings: Number(values.bookings),
    requestsPerSecond: rps,
  });
  try {
    const config = await recreateDatabase(DATABASE);
    console.log(
      `Square sandbox: ${formatCount(Number(values.customers))} customers, ${formatCount(Number(values.payments))} payments, ${formatCount(Number(values.orders))} orders, ` +
        `${formatCount(Number(values.bookings))} bookings over 12 months at ${values.locations} locations; limit ${rps} requests/s (the client paces itself at the same rate)`,
    );
    console.log('historical import (npm run elt -- --only square --no-dbt)...');
    const history = await elt(sandbox, ['--only', 'square', '--no-dbt']);
    failIfBad('historical import', history);
    const landed = await counts(config);
    console.log('first dbt build (reference only)...');
    const firstDbt = await elt(sandbox, ['--dbt-only']);
    failIfBad('dbt build', firstDbt);
    await sandbox.advance();
    console.log('daily sync after one day of changes (npm run elt -- --only square, dbt included)...');
    const daily = await elt(sandbox, ['--only', 'square']);
    failIfBad('daily sync', daily);

    const share = (p: Phase, ms: number) => `${((p.requests / (ms / 1000) / rps) * 100).toFixed(1)}%`;
    console.log('');
    console.log(
      renderTable(
        ['run', 'wall', 'requests', '429s', 'requests/s', 'share of limit (wall)', 'share of limit (first to last request)', 'target'],
        [
          ['historical import, 12 months', `${(history.ms / 1000).toFixed(1)} s`, formatCount(history.requests), formatCount(history.throttled), (history.requests / (history.ms / 1000)).toFixed(2), share(history, history.ms), share(history, history.activeMs), '< 600 s, >= 90%'],
          ['dbt build after the import', `${(firstDbt.ms / 1000).toFixed(1)} s`, '-', '-', '-', '-', '-', '-'],
          ['daily sync, one day of changes, with dbt', `${(daily.ms / 1000).toFixed(1)} s`, formatCount(daily.requests), formatCount(daily.throttled), '-', '-', '-', '< 30 s'],
        ],
      ),
    );
    console.log(`\nlanded: ${Object.entries(landed).map(([k, v]) => `${formatCount(v)} ${k}`).join(', ')}`);
    console.log(`daily sync: dbt build ${dbtSeconds(daily.output) ?? '?'} s of the ${(daily.ms / 1000).toFixed(1)} s; first dbt build ${dbtSeconds(firstDbt.output) ?? '?'} s`);
  } finally {
    await sandbox.close();
    await rm(stateDir, { recursive: true, force: true });
    if (started) await embedded!.stop();
  }
}
