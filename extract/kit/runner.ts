/**
 * Runs one source: every configured instance, every selected entity, unit after unit, each unit landed
 * with its state in one transaction. A failing entity stops at its failing unit (so a rerun resumes there,
 * in order) and the other entities still run.
 */
import { setMaxListeners } from 'node:events';
import { forEachLimited } from './concurrency.js';
import { HttpClient, httpErrorOf } from './http/index.js';
import type { Logger } from './log.js';
import { redact } from './redact.js';
import { secretStore, type SecretStore } from './secrets.js';
import {
  httpOptionsFor,
  type EntityDefinition,
  type Progress,
  type RunLimits,
  type Shared,
  type SourceDefinition,
  type SourceInstance,
} from './source.js';
import { readState, storedState } from './state.js';
import type { JobCounts, Warehouse } from './warehouse/warehouse.js';

export interface EntityOutcome {
  entity: string;
  instance: string;
  /** False when the entity failed; a degraded entity is ok (what it landed is committed). */
  ok: boolean;
  /**
   * The entity stopped early because an endpoint's circuit is open: the rest of its work is skipped for
   * this run, its committed data and state stay, and the next run resumes there.
   */
  degraded?: boolean;
  error?: string;
  /** Parts the vendor refused and the entity left out (one line each); they are asked again next time. */
  skipped: string[];
  counts: JobCounts;
  finishedAt: Date;
}

export interface SourceRunOptions {
  warehouse: Warehouse;
  runId: number;
  env: NodeJS.ProcessEnv;
  /** Entity names to run; all when undefined. */
  entities?: ReadonlySet<string>;
  /** Instance names to run (e.g. some Toast restaurants); all when undefined. Unknown names are an error. */
  instances?: ReadonlySet<string>;
  /** A backfill of this range (ms, half-open) by the entities that support it, with its own saved progress. */
  backfill?: { from: number; to: number };
  full: boolean;
  /** --max-pages, --since. */
  limits?: RunLimits;
  log: Logger;
  signal: AbortSignal;
  onProgress?: (entity: string, progress: Progress) => void;
}

export interface SourceRunResult {
  outcomes: EntityOutcome[];
  counts: JobCounts;
  http: HttpClient;
}

export function emptyCounts(): JobCounts {
  return { rowsSeen: 0, rowsLanded: 0, rowsQuarantined: 0, units: 0 };
}

function addCounts(into: JobCounts, from: JobCounts): void {
  into.rowsSeen += from.rowsSeen;
  into.rowsLanded += from.rowsLanded;
  into.rowsQuarantined += from.rowsQuarantined;
  into.units += from.units;
}

/** An error message safe to print and store: one line, secrets removed. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redact(message.split('\n')[0] ?? message);
}

/** The configured instances plus those the source finds in the warehouse (e.g. OAuth-authorised accounts). */
export async function sourceInstances<Config>(
  source: SourceDefinition<Config>,
  env: NodeJS.ProcessEnv,
  secrets: SecretStore,
): Promise<SourceInstance<Config>[]> {
  const configuration = source.configure(env);
  if (!configuration.configured)
    throw new Error(`${source.title} is not configured: set ${configuration.missing.join(', ')}.`);
  return source.discoverInstances
    ? source.discoverInstances(configuration.instances, { env, secrets })
    : configuration.instances;
}

export async function runSource<Config>(
  source: SourceDefinition<Config>,
  options: SourceRunOptions,
): Promise<SourceRunResult> {
  const secrets = secretStore(options.warehouse, options.env);
  const instances = pickInstances(source, await sourceInstances(source, options.env, secrets), options.instances);
  const http = new HttpClient({ name: source.name, logger: options.log, ...httpOptionsFor(source, options.env) });
  const outcomes: EntityOutcome[] = [];
  const total = emptyCounts();
  const entities = source.entities.filter(
    (e) => (!options.entities || options.entities.has(e.name)) && (!options.backfill || e.backfill),
  );
  const limits = source.concurrency?.(options.env) ?? { instances: 1, entities: 1 };
  // Every request in flight listens to the run's signal; side by side that is more than Node's default 10.
  setMaxListeners(0, options.signal);
  const progress = progressBoard(instances.length, options.onProgress);
  const sharedFor = sharedPerRun();
  await forEachLimited(instances, limits.instances, (instance) => {
    const shared = sharedFor();
    return forEachLimited(entities, limits.entities, async (entity) => {
      if (options.signal.aborted) return;
      const run = { http, secrets, shared, progress: progress(entity.name, instance.name) };
      const outcome = { ...(await runEntity(source, entity, instance, run, options)), finishedAt: new Date() };
      outcomes.push(outcome);
      addCounts(total, outcome.counts);
    });
  });
  // Finished in any order when run side by side; reported in the source's order.
  const rank = (o: EntityOutcome) =>
    instances.findIndex((i) => i.name === o.instance) * entities.length +
    entities.findIndex((e) => e.name === o.entity);
  outcomes.sort((a, b) => rank(a) - rank(b));
  return { outcomes, counts: total, http };
}

function pickInstances<Config>(
  source: SourceDefinition<Config>,
  all: SourceInstance<Config>[],
  wanted: ReadonlySet<string> | undefined,
): SourceInstance<Config>[] {
  if (!wanted) return all;
  const unknown = [...wanted].filter((name) => !all.some((i) => i.name === name));
  if (unknown.length)
    throw new Error(
      `${source.title} has no ${unknown.join(', ')} configured (configured: ${all.map((i) => i.name).join(', ')}).`,
    );
  return all.filter((i) => wanted.has(i.name));
}

/** One progress line per entity even when several instances run it side by side: shares and rows add up. */
function progressBoard(instanceCount: number, report: SourceRunOptions['onProgress']) {
  const byEntity = new Map<string, Map<string, Progress>>();
  return (entity: string, instance: string) => (p: Progress) => {
    if (!report) return;
    if (instanceCount === 1) return report(entity, p);
    const running = byEntity.get(entity) ?? new Map<string, Progress>();
    byEntity.set(entity, running);
    running.set(instance, p);
    const all = [...running.values()];
    const busy = all.filter((q) => q.fraction !== 1).length;
    report(entity, {
      label: `${busy} of ${instanceCount} running${p.label ? `, ${instance} ${p.label}` : ''}`,
      rows: all.reduce((n, q) => n + (q.rows ?? 0), 0),
      fraction: all.reduce((n, q) => n + (q.fraction ?? 0), 0) / instanceCount,
    });
  };
}

/**
 * Where backfills keep which windows are done, apart from the entity's cursor. Windows are aligned to the
 * calendar (not to --from), so a backfill resumed on a later day, or a wider one, skips what is done.
 */
export function backfillStateName(entity: string): string {
  return `${entity} backfill`;
}

/**
 * `npm run elt -- sample`: the first records of an entity through the real client, nothing landed and no
 * state read or saved. Reads the first page of the first unit(s) of each instance until `limit` records.
 */
export async function sampleEntity<Config>(
  source: SourceDefinition<Config>,
  entityName: string,
  options: Pick<SourceRunOptions, 'warehouse' | 'env' | 'instances' | 'log' | 'signal'> & { limit: number },
): Promise<{ instance: string; text: string }[]> {
  const entity = source.entities.find((e) => e.name === entityName);
  if (!entity) throw new Error(`${source.title} has no entity ${entityName}.`);
  const secrets = secretStore(options.warehouse, options.env);
  const instances = pickInstances(source, await sourceInstances(source, options.env, secrets), options.instances);
  const http = new HttpClient({ name: source.name, logger: options.log, ...httpOptionsFor(source, options.env) });
  const out: { instance: string; text: string }[] = [];
  const sharedFor = sharedPerRun();
  for (const instance of instances) {
    // Stops the entity's read-ahead once enough records are in.
    const stop = new AbortController();
    const signal = AbortSignal.any([options.signal, stop.signal]);
    const context = {
      instance,
      state: undefined,
      full: true,
      http,
      log: options.log,
      signal,
      secrets,
      progress: () => {},
    };
    const units = entity.extract({ ...context, limits: { maxPages: 1 }, shared: sharedFor() });
    try {
      units: for await (const unit of units) {
        for await (const record of unit.records) {
          // As sent: a uint64 id keeps every digit.
          out.push({ instance: instance.name, text: record.bytes.toString('utf8') });
          if (out.length >= options.limit) break units;
        }
      }
    } finally {
      stop.abort();
    }
    if (out.length >= options.limit) break;
  }
  return out;
}

function memo(): <T>(key: string, make: () => T) => T {
  const made = new Map<string, unknown>();
  return <T>(key: string, make: () => T): T => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as T;
  };
}

/** A source's memos for one run (EntityContext.shared): call it once per instance. */
export function sharedPerRun(): () => Shared {
  const source = memo();
  return () => {
    const instance = memo();
    return (key, make, scope) => (scope === 'source' ? source : instance)(key, make);
  };
}

interface EntityRun {
  http: HttpClient;
  secrets: SecretStore;
  shared: Shared;
  progress: (progress: Progress) => void;
}

async function runEntity<Config>(
  source: SourceDefinition<Config>,
  entity: EntityDefinition<Config>,
  instance: SourceInstance<Config>,
  { http, secrets, shared, progress: onProgress }: EntityRun,
  options: SourceRunOptions,
): Promise<Omit<EntityOutcome, 'finishedAt'>> {
  const log = options.log.child({ source: source.name, entity: entity.name, instance: instance.name });
  const counts = emptyCounts();
  const skipped: string[] = [];
  const stateName = options.backfill ? backfillStateName(entity.name) : entity.name;
  const target = {
    source: source.name,
    entity: stateName,
    instance: instance.name,
    table: entity.table,
    keyPath: entity.keyPath,
    runId: options.runId,
  };
  let origin: string | undefined;
  try {
    const schema = options.backfill ? (entity.backfillState ?? entity.state) : entity.state;
    const saved = options.full ? undefined : await options.warehouse.loadState(source.name, stateName, instance.name);
    const who = `${source.name}.${entity.name} (${instance.name})`;
    const state = readState(schema, saved, who);
    // What the source says it is working on (window, share done), merged with the rows landed so far.
    let reported: Progress = {};
    const progress = (p: Progress) => {
      reported = p;
      onProgress({ ...p, rows: counts.rowsSeen });
    };
    const units = entity.extract({
      instance,
      state,
      full: options.full,
      http,
      log,
      signal: options.signal,
      secrets,
      progress,
      backfill: options.backfill,
      limits: options.limits ?? {},
      shared,
    });
    for await (const unit of units) {
      options.signal.throwIfAborted();
      origin = unit.origin;
      log.debug('landing', { origin: unit.origin });
      const before = counts.rowsSeen;
      const result = await options.warehouse.land(target, {
        origin: unit.origin,
        records: unit.records,
        // Read at commit, once the records are consumed: a unit may settle its state while it reads.
        get state() {
          return storedState(schema, unit.state);
        },
        onProgress: (soFar) => onProgress({ label: unit.origin, ...reported, rows: before + soFar.seen }),
      });
      counts.rowsSeen += result.seen;
      counts.rowsLanded += result.landed;
      counts.rowsQuarantined += result.quarantined;
      counts.units++;
      log.info('landed', {
        origin: unit.origin,
        seen: result.seen,
        new_versions: result.landed,
        quarantined: result.quarantined,
      });
      if (result.quarantined)
        log.warn('records quarantined', { origin: unit.origin, count: result.quarantined, see: 'elt.quarantine' });
      for (const part of unit.skipped ?? [])
        log.warn('skipped: the vendor refused it; asked again next time', { part });
      skipped.push(...(unit.skipped ?? []));
      origin = undefined;
    }
    if (skipped.length) {
      const parts = `${skipped.length} part${skipped.length === 1 ? '' : 's'}`;
      const error = `${parts} refused and skipped (asked again next time), first: ${skipped[0]}`;
      return { entity: entity.name, instance: instance.name, ok: true, degraded: true, error, skipped, counts };
    }
    return { entity: entity.name, instance: instance.name, ok: true, skipped, counts };
  } catch (error) {
    const reason =
      options.signal.aborted && options.signal.reason instanceof Error
        ? options.signal.reason.message
        : describeError(error);
    // Name the unit that failed: nothing of it was committed, and the rerun starts there.
    const message = origin ? `${origin}: ${reason}` : reason;
    if (!options.signal.aborted && httpErrorOf(error)?.kind === 'circuit_open') {
      log.warn('skipped for this run: endpoint circuit open (degraded)', { error: message });
      return {
        entity: entity.name,
        instance: instance.name,
        ok: true,
        degraded: true,
        error: message,
        skipped,
        counts,
      };
    }
    log.error('failed', { error: message });
    return { entity: entity.name, instance: instance.name, ok: false, error: message, skipped, counts };
  }
}
