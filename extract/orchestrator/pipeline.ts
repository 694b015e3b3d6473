/** `npm run elt`: extract and load the selected sources with bounded concurrency, then dbt build. */
import { forEachLimited } from '../kit/concurrency.js';
import { numberSetting } from '../kit/config.js';
import { runDbt, type DbtResult } from '../kit/dbt/run.js';
import { backfillStateName, describeError, emptyCounts, runSource, type EntityOutcome } from '../kit/runner.js';
import type { EntitySync, JobCounts, Warehouse } from '../kit/warehouse/warehouse.js';
import { allRawTables } from '../sources/index.js';
import type { CliOptions, Selection } from './args.js';
import type { OpenedWarehouse, SourceEnvironments } from './environment.js';
import { formatCount, formatDuration, renderTable } from './table.js';
import type { Terminal } from './terminal.js';

export class LockHeld extends Error {
  override name = 'LockHeld';
}

/** One run at a time per warehouse: taken before anything starts (sandboxes included), held until exit. */
export async function takeRunLock(warehouse: Warehouse): Promise<void> {
  if (!(await warehouse.tryLock())) {
    throw new LockHeld(
      `Another "npm run elt" is already running against ${warehouse.description}; ` +
        'wait for it to finish (see "npm run elt -- status").',
    );
  }
}

export interface SourceOutcome {
  source: string;
  /** degraded: it landed data but skipped an endpoint whose circuit was open (the rest resumes next run). */
  status: 'completed' | 'degraded' | 'failed' | 'not configured' | 'interrupted';
  counts: JobCounts;
  durationMs: number;
  note: string;
  /** Parts the vendor refused (e.g. a cash day answering 400), one line each with instance and entity. */
  skipped: string[];
}

export interface PipelineResult {
  outcomes: SourceOutcome[];
  dbt?: DbtResult & { durationMs: number };
  ok: boolean;
}

/** An entity's line in elt.entity_syncs; a backfill's under the name its progress is saved as (its own state). */
function entitySync(outcome: EntityOutcome, backfill: boolean): EntitySync {
  return {
    entity: backfill ? backfillStateName(outcome.entity) : outcome.entity,
    instance: outcome.instance,
    status: !outcome.ok ? 'failed' : outcome.degraded ? 'degraded' : 'completed',
    counts: outcome.counts,
    error: outcome.error ?? null,
    finishedAt: outcome.finishedAt,
  };
}

async function runJob(
  selection: Selection,
  jobId: number,
  context: {
    warehouse: Warehouse;
    runId: number;
    options: CliOptions;
    envs: SourceEnvironments;
    terminal: Terminal;
    interrupt: AbortSignal;
  },
): Promise<SourceOutcome> {
  const { warehouse, runId, options, envs, terminal } = context;
  const source = selection.source;
  const started = Date.now();
  const limitMinutes = numberSetting(process.env, 'ELT_JOB_TIMEOUT_MINUTES', 30);
  const limitMs = limitMinutes * 60_000;
  const timeout = AbortSignal.timeout(limitMs);
  const signal = AbortSignal.any([timeout, context.interrupt]);
  await warehouse.startJob(jobId, new Date(started + limitMs));
  const log = terminal.log.child({ source: source.name });
  try {
    const result = await runSource(source, {
      warehouse,
      runId,
      env: envs.envFor(source.name),
      entities: selection.entities,
      instances: options.instances ? new Set(options.instances) : undefined,
      backfill: options.range,
      full: options.full,
      limits: options.limits,
      log,
      signal,
      onProgress: (entity, progress) => terminal.progress(`${source.name}.${entity}`, progress),
    });
    await warehouse.recordHttpMetrics(runId, source.name, result.http.metrics());
    await warehouse.recordEntitySyncs(
      runId,
      source.name,
      result.outcomes.map((o) => entitySync(o, options.range !== undefined)),
    );
    const failures = result.outcomes.filter((o) => !o.ok);
    const degraded = result.outcomes.filter((o) => o.degraded);
    const describe = (f: (typeof result.outcomes)[number]) =>
      `${f.entity}${f.instance === 'default' ? '' : `@${f.instance}`}: ${f.error}`;
    let error = [...failures.map(describe), ...degraded.map((d) => `skipped ${describe(d)}`)].join('; ') || null;
    if (timeout.aborted)
      error = `exceeded its time limit of ${limitMinutes} min (ELT_JOB_TIMEOUT_MINUTES); ${error ?? ''}`.trim();
    const status = failures.length ? 'failed' : degraded.length ? 'degraded' : 'completed';
    await warehouse.finishJob(jobId, status, result.counts, error);
    const interrupted = context.interrupt.aborted;
    const skipped = result.outcomes.flatMap((o) =>
      o.skipped.map((part) => `${o.entity}${o.instance === 'default' ? '' : `@${o.instance}`} ${part}`),
    );
    return {
      source: source.name,
      status: interrupted ? 'interrupted' : status,
      counts: result.counts,
      durationMs: Date.now() - started,
      note: error ?? '',
      skipped,
    };
  } catch (error) {
    const message = describeError(error);
    log.error('source failed', { error: message });
    await warehouse.finishJob(jobId, 'failed', emptyCounts(), message);
    return {
      source: source.name,
      status: 'failed',
      counts: emptyCounts(),
      durationMs: Date.now() - started,
      note: message,
      skipped: [],
    };
  } finally {
    for (const entity of source.entities) terminal.progress(`${source.name}.${entity.name}`, undefined);
  }
}

/**
 * What dbt builds: the models fed by the sources this run extracted (a user who configured only some
 * sources, or ran --only, builds what those feed and no more), or everything on a plain --dbt-only.
 */
export function dbtSelection(
  selections: readonly Selection[],
  options: CliOptions,
  outcomes: readonly SourceOutcome[],
): string[] {
  const names = options.extract
    ? outcomes.filter((o) => o.status !== 'not configured').map((o) => o.source)
    : options.only.length || options.skip.length
      ? selections.map((s) => s.source.name)
      : [];
  return names.length ? ['--select', ...[...new Set(names)].sort().map((name) => `source:${name}+`)] : [];
}

/**
 * How the pipeline runs dbt build. Unit tests check the models' logic on mocked rows, not the data, so they
 * run with the tests (`npm test` builds the fixtures with them), not on every sync, as dbt advises; and no
 * manifest.json / run_results.json is written (serialising them costs seconds a run; `npm run dbt` still
 * writes them).
 */
export const DBT_BUILD_FLAGS = ['--exclude-resource-type', 'unit_test'];

function dbtStatusOf(result: DbtResult): string {
  const counts = Object.entries(result.counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  return `${result.ok ? 'ok' : 'failed'}${counts ? ` (${counts})` : ''}`;
}

/** The lines of dbt output worth showing when it failed: errors and failing tests, not the whole log. */
function dbtFailureLines(output: string): string {
  const lines = output.split('\n').filter((l) => /\b(ERROR|FAIL|Error|error)\b/.test(l) && !/PASS/.test(l));
  return lines.slice(0, 20).join('\n');
}

export async function runPipeline(
  selections: readonly Selection[],
  options: CliOptions,
  context: {
    opened: OpenedWarehouse;
    envs: SourceEnvironments;
    terminal: Terminal;
    demo: boolean;
    interrupt: AbortSignal;
    argv: readonly string[];
  },
): Promise<PipelineResult> {
  const { opened, envs, terminal, demo } = context;
  const warehouse = opened.warehouse;
  await warehouse.prepare(allRawTables());
  const abandoned = await warehouse.failAbandonedWork();
  if (abandoned)
    terminal.log.warn('marked jobs of a run that stopped without finishing as failed', { jobs: abandoned });
  const runId = await warehouse.startRun(context.argv, demo);
  const outcomes: SourceOutcome[] = [];
  let dbt: PipelineResult['dbt'];
  try {
    if (options.extract) {
      const runnable: { selection: Selection; jobId: number }[] = [];
      for (const selection of selections) {
        const configuration = selection.source.configure(envs.envFor(selection.source.name));
        if (!configuration.configured) {
          outcomes.push({
            source: selection.source.name,
            status: 'not configured',
            counts: emptyCounts(),
            durationMs: 0,
            note: `set ${configuration.missing.join(', ')}`,
            skipped: [],
          });
          continue;
        }
        runnable.push({ selection, jobId: await warehouse.queueJob(runId, selection.source.name) });
      }
      const concurrency = numberSetting(process.env, 'ELT_CONCURRENCY', 2);
      await forEachLimited(runnable, concurrency, async ({ selection, jobId }) => {
        outcomes.push(
          await runJob(selection, jobId, { warehouse, runId, options, envs, terminal, interrupt: context.interrupt }),
        );
      });
    }
    if (options.dbt && !context.interrupt.aborted) {
      terminal.progress('dbt', { label: 'build' });
      const started = Date.now();
      terminal.log.info('dbt build started');
      const result = await runDbt(['build', ...dbtSelection(selections, options, outcomes), ...DBT_BUILD_FLAGS], {
        ...opened.dbt,
        artifacts: false,
        log: (m) => terminal.log.info(m),
      });
      terminal.progress('dbt', undefined);
      dbt = { ...result, durationMs: Date.now() - started };
      terminal.log.info('dbt build finished', { status: dbtStatusOf(result) });
      if (!result.ok)
        terminal.print(
          `dbt build failed:\n${dbtFailureLines(result.output) || result.output.split('\n').slice(-15).join('\n')}`,
        );
    }
  } finally {
    const failed =
      outcomes.some((o) => o.status === 'failed' || o.status === 'interrupted') || (dbt !== undefined && !dbt.ok);
    const error = context.interrupt.aborted ? 'interrupted' : null;
    const degraded = outcomes.some((o) => o.status === 'degraded');
    await warehouse.finishRun(
      runId,
      failed || error ? 'failed' : degraded ? 'degraded' : 'completed',
      dbt ? dbtStatusOf(dbt) : null,
      error,
    );
  }
  // A backfill is done only when every window is: refused ones make it fail (the same command retries them).
  const complete = (o: SourceOutcome) => options.command !== 'backfill' || o.skipped.length === 0;
  const ok =
    outcomes.every(
      (o) => (o.status === 'completed' || o.status === 'degraded' || o.status === 'not configured') && complete(o),
    ) &&
    (dbt === undefined || dbt.ok);
  return { outcomes, dbt, ok };
}

/** Skipped parts and dbt warnings listed in the summary; the rest are counted. */
const SKIPPED_SHOWN = 20;

export function renderSummary(result: PipelineResult, context: { demo: boolean; warehouse: string }): string {
  const rows = [...result.outcomes]
    .sort((a, b) => a.source.localeCompare(b.source))
    .map((o) => [
      o.source,
      o.status,
      formatCount(o.counts.rowsSeen),
      formatCount(o.counts.rowsLanded),
      formatCount(o.counts.rowsQuarantined),
      o.status === 'not configured' ? '' : formatDuration(o.durationMs),
      o.note.length > 100 ? o.note.slice(0, 97) + '...' : o.note,
    ]);
  const lines = [''];
  lines.push(
    context.demo
      ? `Run summary: DEMO DATA from the built-in sandboxes, in ${context.warehouse}`
      : `Run summary (${context.warehouse})`,
  );
  if (rows.length)
    lines.push(renderTable(['source', 'status', 'rows seen', 'new versions', 'quarantined', 'duration', 'note'], rows));
  if (result.dbt) lines.push(`dbt build: ${dbtStatusOf(result.dbt)} in ${formatDuration(result.dbt.durationMs)}`);
  const warnings = result.dbt?.warnings ?? [];
  if (warnings.length) {
    lines.push(`Data to look at (dbt tests that warn; described in dbt/models/**/_*.yml):`);
    lines.push(...warnings.slice(0, SKIPPED_SHOWN).map((w) => `  ${formatCount(w.rows).padStart(7)}  ${w.test}`));
    if (warnings.length > SKIPPED_SHOWN)
      lines.push(`  ... and ${formatCount(warnings.length - SKIPPED_SHOWN)} more (npm run dbt -- test)`);
  }
  const skipped = result.outcomes.flatMap((o) => o.skipped.map((part) => `  ${o.source}.${part}`));
  if (skipped.length) {
    lines.push(`Refused by the vendor and skipped (${formatCount(skipped.length)}; asked again by the next run):`);
    lines.push(...skipped.slice(0, SKIPPED_SHOWN));
    if (skipped.length > SKIPPED_SHOWN)
      lines.push(`  ... and ${formatCount(skipped.length - SKIPPED_SHOWN)} more (see the log)`);
  }
  const quarantined = result.outcomes.reduce((n, o) => n + o.counts.rowsQuarantined, 0);
  if (quarantined)
    lines.push(
      `${formatCount(quarantined)} records were quarantined with their reasons: ` +
        'see elt.quarantine ("npm run elt -- status").',
    );
  const degraded = result.outcomes.filter((o) => o.status === 'degraded').map((o) => o.source);
  if (result.ok && degraded.length)
    lines.push(
      `Result: success, DEGRADED (${degraded.join(', ')}: ` +
        'an endpoint was skipped or refused some parts; see the notes)',
    );
  else lines.push(result.ok ? 'Result: success' : 'Result: FAILED (see the notes above)');
  return lines.join('\n');
}
