/**
 * npm run bench -- arrivy [--customers 10000] [--team-members 200] [--tasks 100000]
 *
 * Arrivy from its sandbox (bench/arrivy.ts starts it in this process, with the account's size): the first
 * sync, `npm run elt -- --only arrivy` with dbt, in a child process as cron would run it; then one day of
 * changes at the vendor (advance()) and the daily sync, again with dbt. Figures: wall time, dbt's share,
 * requests served (status histories among them), rows seen and landed, peak RSS of the child.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedWarehouse } from '../extract/kit/warehouse/postgres/embedded.js';
import { usesExternalPostgres } from '../extract/kit/warehouse/postgres/connection.js';
import { formatCount, renderTable } from '../extract/orchestrator/table.js';
import { startArrivySandbox, type ArrivySandbox } from '../extract/sources/arrivy/sandbox/index.js';
import { runEltChild, type ChildRun } from './child.js';
import { recreateDatabase } from './database.js';

const DATABASE = 'elt_bench_arrivy';

interface Figures {
  run: ChildRun;
  requests: number;
  statusRequests: number;
  dbtSeconds: number;
  rows: string;
}

async function sync(sandbox: ArrivySandbox): Promise<Figures> {
  const before = sandbox.requests().length;
  const env = {
    ...process.env,
    ...sandbox.env,
    ELT_DATABASE: DATABASE,
    ELT_JOB_TIMEOUT_MINUTES: '120',
    ELT_SANDBOX_FAULTS: '',
  };
  const run = await runEltChild(['--only', 'arrivy'], env);
  if (run.exitCode !== 0) throw new Error(`arrivy sync failed (exit ${run.exitCode}):\n${run.logTail}\n${run.output}`);
  const served = sandbox.requests().slice(before);
  const row = /arrivy\s+completed\s+([\d,]+)\s+([\d,]+)/.exec(run.output);
  return {
    run,
    requests: served.length,
    statusRequests: served.filter((r) => r.includes('/status')).length,
    dbtSeconds: Number(/dbt build: ok .* in ([\d.]+) s/.exec(run.output)?.[1] ?? NaN),
    rows: row ? `${row[1]} / ${row[2]}` : '?',
  };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: 'string', default: '10000' },
      'team-members': { type: 'string', default: '200' },
      tasks: { type: 'string', default: '100000' },
    },
  });
  const data = {
    customers: Number(values.customers),
    teamMembers: Number(values['team-members']),
    tasks: Number(values.tasks),
  };
  const embedded = usesExternalPostgres() ? undefined : new EmbeddedWarehouse();
  const { started } = embedded ? await embedded.ensureRunning((m) => console.log(m)) : { started: false };
  const stateDir = await mkdtemp(path.join(tmpdir(), 'arrivy-bench-'));
  const sandbox = await startArrivySandbox({ stateDir, faults: {}, data });
  try {
    await recreateDatabase(DATABASE);
    console.log(
      `Arrivy sandbox: ${formatCount(data.customers)} customers, ${data.teamMembers} team members, ` +
        `${formatCount(data.tasks)} tasks`,
    );
    const first = await sync(sandbox);
    console.log(await sandbox.advance());
    const daily = await sync(sandbox);
    const line = (name: string, f: Figures) => [
      name,
      `${(f.run.ms / 1000).toFixed(1)} s`,
      `${f.dbtSeconds.toFixed(1)} s`,
      formatCount(f.requests),
      formatCount(f.statusRequests),
      f.rows,
      f.run.peakRssMb === undefined ? '-' : `${Math.round(f.run.peakRssMb)} MB`,
    ];
    const header = ['run (with dbt)', 'wall', 'dbt', 'requests', 'status requests', 'rows seen / landed', 'peak RSS'];
    console.log(renderTable(header, [line('first sync', first), line('daily sync, one day of changes', daily)]));
  } finally {
    await sandbox.close();
    await rm(stateDir, { recursive: true, force: true });
    if (started) await embedded!.stop();
  }
}
