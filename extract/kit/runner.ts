/**
 * Runs one source: every configured instance, every selected entity, unit after unit, each unit landed
 * with its state in one transaction. A failing entity stops at its failing unit (so a rerun resumes there,
 * in order) and the other entities still run.
 */
import { HttpClient, HttpError } from './http/index.js';
import type { Logger } from './log.js';
import { redact } from './redact.js';
import { secretStore, type SecretStore } from './secrets.js';
import { httpOptionsFor, type EntityDefinition, type Progress, type SourceDefinition, type SourceInstance } from './source.js';
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
  counts: JobCounts;
}

export interface SourceRunOptions {
  warehouse: Warehouse;
  runId: number;
  env: NodeJS.ProcessEnv;
  /** Entity names to run; all when undefined. */
  entities?: ReadonlySet<string>;
  full: boolean;
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
  if (!configuration.configured) throw new Error(`${source.title} is not configured: set ${configuration.missing.join(', ')}.`);
  return source.discoverInstances ? source.discoverInstances(configuration.instances, { env, secrets }) : configuration.instances;
}

export async function runSource<Config>(source: SourceDefinition<Config>, options: SourceRunOptions): Promise<SourceRunResult> {
  const secrets = secretStore(options.warehouse, options.env);
  const instances = await sourceInstances(source, options.env, secrets);
  const http = new HttpClient({ name: source.name, logger: options.log, ...httpOptionsFor(source, options.env) });
  const outcomes: EntityOutcome[] = [];
  const total = emptyCounts();
  const entities = source.entities.filter((e) => !options.entities || options.entities.has(e.name));
  for (const instance of instances) {
    for (const entity of entities) {
      const outcome = await runEntity(source, entity, instance, http, secrets, options);
      outcomes.push(outcome);
      addCounts(total, outcome.counts);
      if (options.signal.aborted) break;
    }
  }
  return { outcomes, counts: total, http };
}

async function runEntity<Config>(
  source: SourceDefinition<Config>,
  entity: EntityDefinition<Config>,
  instance: { name: string; config: Config },
  http: HttpClient,
  secrets: SecretStore,
  options: SourceRunOptions,
): Promise<EntityOutcome> {
  const log = options.log.child({ source: source.name, entity: entity.name, instance: instance.name });
  const counts = emptyCounts();
  const target = { source: source.name, entity: entity.name, instance: instance.name, table: entity.table, keyPath: entity.keyPath, runId: options.runId };
  let origin: string | undefined;
  try {
    const state = options.full ? undefined : await options.warehouse.loadState(source.name, entity.name, instance.name);
    // What the source says it is working on (window, share done), merged with the rows landed so far.
    let reported: Progress = {};
    const progress = (p: Progress) => {
      reported = p;
      options.onProgress?.(entity.name, { ...p, rows: counts.rowsSeen });
    };
    const units = entity.extract({ instance, state, full: options.full, http, log, signal: options.signal, secrets, progress });
    for await (const unit of units) {
      options.signal.throwIfAborted();
      origin = unit.origin;
      log.debug('landing', { origin: unit.origin });
      const before = counts.rowsSeen;
      const result = await options.warehouse.land(target, {
        ...unit,
        onProgress: (soFar) => options.onProgress?.(entity.name, { label: unit.origin, ...reported, rows: before + soFar.seen }),
      });
      counts.rowsSeen += result.seen;
      counts.rowsLanded += result.landed;
      counts.rowsQuarantined += result.quarantined;
      counts.units++;
      log.info('landed', { origin: unit.origin, seen: result.seen, new_versions: result.landed, quarantined: result.quarantined });
      if (result.quarantined) log.warn('records quarantined', { origin: unit.origin, count: result.quarantined, see: 'elt.quarantine' });
      origin = undefined;
    }
    return { entity: entity.name, instance: instance.name, ok: true, counts };
  } catch (error) {
    const reason = options.signal.aborted && options.signal.reason instanceof Error ? options.signal.reason.message : describeError(error);
    // Name the unit that failed: nothing of it was committed, and the rerun starts there.
    const message = origin ? `${origin}: ${reason}` : reason;
    if (!options.signal.aborted && error instanceof HttpError && error.kind === 'circuit_open') {
      log.warn('skipped for this run: endpoint circuit open (degraded)', { error: message });
      return { entity: entity.name, instance: instance.name, ok: true, degraded: true, error: message, counts };
    }
    log.error('failed', { error: message });
    return { entity: entity.name, instance: instance.name, ok: false, error: message, counts };
  }
}
