/**
 * npm run bench -- square [--customers 20000] [--payments 200000] [--orders 100000] [--bookings 20000] [--rps 10]
 * npm run bench -- square --reuse [--rebuild]
 *
 * The Square historical import of 12 months from the sandbox, under the sandbox's rate limit (default 10
 * requests/s per access token, answered with 429 RATE_LIMITED above it), as `npm run elt -- --only square
 * --no-dbt` in a child process: wall time, requests, 429s, and the achieved request rate as a share of the
 * allowed one (the limit, not our code, should be the bottleneck). Then one dbt build (not a target, shown
 * for reference), one day of changes at the vendor, and the daily sync end to end with dbt, with the
 * slowest dbt nodes of that build.
 *
 * The database and the sandbox's clock are kept (<ELT_LOCAL_DIR>/bench/square/), so `--reuse` measures
 * only the daily sync again: one more day of changes at the vendor, then `npm run elt -- --only square` on
 * the database the last run left. `--rebuild` first runs a plain dbt build (not measured), for when the
 * models changed since that database was built (a model made incremental builds in full once).
 */
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import pg from 'pg';
import { localDir, projectPath } from '../extract/kit/paths.js';
import { EmbeddedWarehouse } from '../extract/kit/warehouse/postgres/embedded.js';
import { usesExternalPostgres } from '../extract/kit/warehouse/postgres/connection.js';
import { renderTable, formatCount } from '../extract/orchestrator/table.js';
import { startSquareSandbox, type SquareSandbox } from '../extract/sources/square/sandbox/index.js';
import { recreateDatabase } from './database.js';

const DATABASE = 'elt_bench_square';
/** The sandbox's persisted clock and the options the kept database was imported with (for --reuse). */
const KEPT = localDir('bench', 'square');
const KEPT_OPTIONS = path.join(KEPT, 'options.json');

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
  const child = await execa(
    process.execPath,
    ['--max-semi-space-size=2', '--import', 'tsx', projectPath('orchestrate.ts'), ...args],
    {
      cwd: projectPath('.'),
      env: {
        ...process.env,
        ...sandbox.env(),
        ELT_DATABASE: DATABASE,
        ELT_ENV_FILE: '/dev/null',
        ELT_JOB_TIMEOUT_MINUTES: '60',
      },
      extendEnv: false,
      reject: false,
      all: true,
    },
  );
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
  if (phase.exitCode !== 0)
    throw new Error(`${name} failed (exit ${phase.exitCode}):\n${phase.output.split('\n').slice(-25).join('\n')}`);
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

/**
 * The slowest nodes of the last dbt invocation, from dbt's log (dbt/logs/dbt.log; the pipeline writes no
 * run_results.json): one line per node, "12 of 180 OK created sql table model ... [SELECT 302 in 1.34s]".
 */
async function slowestDbtNodes(limit = 20): Promise<string> {
  const logs = await Promise.all(
    ['dbt.log.1', 'dbt.log'].map((name) => readFile(projectPath('dbt', 'logs', name), 'utf8').catch(() => '')),
  );
  const text = stripVTControlCharacters(logs.join('\n'));
  const last = text.lastIndexOf('Running with dbt=');
  if (last < 0) return '(no dbt log)';
  const outcomes = 'OK created \\S+ \\S+ model|PASS|WARN \\d+|FAIL \\d+|ERROR creating \\S+ \\S+ model|ERROR';
  const nodes = [
    ...text.slice(last).matchAll(new RegExp(`\\d+ of \\d+ (${outcomes}) (\\S+) .*?\\[(.*?) in ([\\d.]+)s\\]$`, 'gm')),
  ].map(([, outcome, name, what, seconds]) => ({
    name: name!,
    status: outcome!.startsWith('OK') ? what! : outcome!.split(' ')[0]!,
    seconds: Number(seconds),
  }));
  const total = nodes.reduce((sum, n) => sum + n.seconds, 0);
  const rows = [...nodes]
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, limit)
    .map((n) => [n.name, n.status, `${n.seconds.toFixed(2)} s`]);
  const table = renderTable(['dbt node (slowest first)', 'status', 'time'], rows);
  return `${table}\n${nodes.length} nodes, ${total.toFixed(1)} s summed over threads`;
}

interface KeptOptions {
  customers: string;
  payments: string;
  orders: string;
  bookings: string;
  locations: string;
  rps: string;
}

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
      reuse: { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
    },
  });
  if (values.rebuild && !values.reuse) throw new Error('--rebuild goes with --reuse');
  let options: KeptOptions = {
    customers: values.customers,
    payments: values.payments,
    orders: values.orders,
    bookings: values.bookings,
    locations: values.locations,
    rps: values.rps,
  };
  if (values.reuse) {
    const kept = await readFile(KEPT_OPTIONS, 'utf8').catch(() => '');
    if (!kept)
      throw new Error(
        `--reuse: no kept Square benchmark database (${KEPT_OPTIONS} is missing); run "npm run bench -- square" first`,
      );
    options = JSON.parse(kept) as KeptOptions;
  }
  const rps = Number(options.rps);
  const embedded = usesExternalPostgres() ? undefined : new EmbeddedWarehouse();
  const { started } = embedded ? await embedded.ensureRunning((m) => console.log(m)) : { started: false };
  const stateDir = path.join(KEPT, 'sandbox');
  if (!values.reuse) {
    await rm(KEPT, { recursive: true, force: true });
    await mkdir(stateDir, { recursive: true });
  }
  const sandbox = await startSquareSandbox({
    stateDir,
    // --reuse: the clock the last run left (persisted in stateDir).
    days: values.reuse ? undefined : 0,
    faults: {},
    seed: 2026,
    locations: Number(options.locations),
    currencies: ['USD', 'USD', 'USD', 'JPY'],
    customers: Number(options.customers),
    payments: Number(options.payments),
    orders: Number(options.orders),
    bookings: Number(options.bookings),
    requestsPerSecond: rps,
  });
  try {
    if (values.reuse) {
      await reuse(sandbox, values.rebuild);
      return;
    }
    const config = await recreateDatabase(DATABASE);
    console.log(
      `Square sandbox: ${formatCount(Number(values.customers))} customers, ` +
        `${formatCount(Number(values.payments))} payments, ${formatCount(Number(values.orders))} orders, ` +
        `${formatCount(Number(values.bookings))} bookings over 12 months at ${values.locations} locations; ` +
        `limit ${rps} requests/s (the client paces itself at the same rate)`,
    );
    console.log('historical import (npm run elt -- --only square --no-dbt)...');
    const history = await elt(sandbox, ['--only', 'square', '--no-dbt']);
    failIfBad('historical import', history);
    const landed = await counts(config);
    console.log('first dbt build of the Square models (reference only)...');
    const firstDbt = await elt(sandbox, ['--dbt-only', '--only', 'square']);
    failIfBad('dbt build', firstDbt);
    await writeFile(KEPT_OPTIONS, JSON.stringify(options, null, 2) + '\n');
    await sandbox.advance();
    console.log('daily sync after one day of changes (npm run elt -- --only square, dbt included)...');
    const daily = await elt(sandbox, ['--only', 'square']);
    failIfBad('daily sync', daily);

    const nodes = await slowestDbtNodes();

    const share = (p: Phase, ms: number) => `${((p.requests / (ms / 1000) / rps) * 100).toFixed(1)}%`;
    console.log('');
    console.log(
      renderTable(
        [
          'run',
          'wall',
          'requests',
          '429s',
          'requests/s',
          'share of limit (wall)',
          'share of limit (first to last request)',
          'target',
        ],
        [
          [
            'historical import, 12 months',
            `${(history.ms / 1000).toFixed(1)} s`,
            formatCount(history.requests),
            formatCount(history.throttled),
            (history.requests / (history.ms / 1000)).toFixed(2),
            share(history, history.ms),
            share(history, history.activeMs),
            '< 600 s, >= 90%',
          ],
          ['dbt build after the import', `${(firstDbt.ms / 1000).toFixed(1)} s`, '-', '-', '-', '-', '-', '-'],
          [
            'daily sync, one day of changes, with dbt',
            `${(daily.ms / 1000).toFixed(1)} s`,
            formatCount(daily.requests),
            formatCount(daily.throttled),
            '-',
            '-',
            '-',
            '< 30 s',
          ],
        ],
      ),
    );
    console.log(
      `\nlanded: ${Object.entries(landed)
        .map(([k, v]) => `${formatCount(v)} ${k}`)
        .join(', ')}`,
    );
    console.log(
      `daily sync: dbt build ${dbtSeconds(daily.output) ?? '?'} s of the ${(daily.ms / 1000).toFixed(1)} s; ` +
        `first dbt build ${dbtSeconds(firstDbt.output) ?? '?'} s`,
    );
    console.log(`\ndaily sync's dbt build:\n${nodes}`);
    console.log(
      `\nkept: database ${DATABASE} and the sandbox clock; ` +
        '"npm run bench -- square --reuse" measures another daily sync on them',
    );
  } finally {
    await sandbox.close();
    if (started) await embedded!.stop();
  }
}

/** --reuse: one more day of changes and the daily sync, on the database the last run kept. */
async function reuse(sandbox: SquareSandbox, rebuild: boolean): Promise<void> {
  if (rebuild) {
    console.log('dbt build on the kept database (--rebuild, not measured)...');
    failIfBad('dbt build', await elt(sandbox, ['--dbt-only', '--only', 'square']));
  }
  await sandbox.advance();
  console.log(
    `daily sync after one more day of changes (sandbox day ${sandbox.days()}; ` +
      'npm run elt -- --only square, dbt included)...',
  );
  const daily = await elt(sandbox, ['--only', 'square']);
  failIfBad('daily sync', daily);
  console.log(
    `\ndaily sync, one day of changes, with dbt: ${(daily.ms / 1000).toFixed(1)} s ` +
      `(dbt build ${dbtSeconds(daily.output) ?? '?'} s), ${formatCount(daily.requests)} requests, ` +
      `${formatCount(daily.throttled)} 429s (target < 30 s)`,
  );
  console.log(`\ndaily sync's dbt build:\n${await slowestDbtNodes()}`);
}
