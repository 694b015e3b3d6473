/** What every warehouse (PostgreSQL today, BigQuery next) offers the runner. Sources never see it. */
import type { RawRecord } from '../records/json-records.js';
import type { EndpointMetrics } from '../http/index.js';
import type { SecretBackend } from '../secrets.js';

export interface LandingTarget {
  source: string;
  entity: string;
  instance: string;
  table: string;
  keyPath: readonly string[];
  runId: number;
}

export interface LandResult {
  seen: number;
  landed: number;
  quarantined: number;
  bytes: number;
}

export interface LandingUnit {
  /** Where the records came from: a file name, a page, a window. Stored on every row. */
  origin: string;
  records: AsyncIterable<RawRecord>;
  /** The entity's state once this unit is landed; committed in the same transaction as its rows. */
  state: unknown;
  onProgress?: (soFar: LandResult) => void;
}

/** How a run or a job ended. 'degraded': it landed data but skipped an endpoint whose circuit was open. */
export type FinishStatus = 'completed' | 'degraded' | 'failed';

export interface JobCounts {
  rowsSeen: number;
  rowsLanded: number;
  rowsQuarantined: number;
  units: number;
}

/** How one entity of one instance ended in a run (elt.entity_syncs). */
export interface EntitySync {
  entity: string;
  instance: string;
  status: FinishStatus;
  counts: JobCounts;
  error: string | null;
  finishedAt: Date;
}

/** Per source, entity and instance: its last successful sync, where it stands, and a failure since. */
export interface EntityStatus {
  source: string;
  entity: string;
  instance: string;
  /** The last 'completed' sync and its counts; null when there was none. */
  lastSuccess: { finishedAt: Date; rowsSeen: number; rowsLanded: number; rowsQuarantined: number } | null;
  /** The latest attempt when it did not complete (degraded or failed) after the last success. */
  lastProblem: { status: string; finishedAt: Date; error: string | null } | null;
  /** The saved position (describeState of elt.state); null when nothing is saved. */
  position: string | null;
}

export interface RunSummaryRow {
  runId: number;
  startedAt: Date;
  finishedAt: Date | null;
  status: string;
  demo: boolean;
  dbtStatus: string | null;
  error: string | null;
}

export interface StatusReport {
  runs: RunSummaryRow[];
  lastSuccess: { source: string; finishedAt: Date; rowsLanded: number }[];
  entities: EntityStatus[];
  quarantine: { source: string; entity: string; count: number; latest: Date }[];
  tables: { table: string; instances: number; keys: number; versions: number; firstLoadedAt: Date | null; lastLoadedAt: Date | null }[];
  endpoints: { source: string; endpoint: string; requests: number; failures: number; throttled: number; meanLatencyMs: number; lastSuccessAt: Date | null; circuit: string }[];
}

export interface Warehouse extends SecretBackend {
  readonly description: string;
  /** Takes the one-run-at-a-time lock; false when another run holds it. */
  tryLock(): Promise<boolean>;
  /** Creates the toolkit's tables and every registered raw table, so dbt always finds its sources. */
  prepare(rawTables: readonly string[]): Promise<void>;
  /** Marks work left 'queued'/'processing' by a process that died as failed. Needs the lock. */
  failAbandonedWork(): Promise<number>;
  startRun(args: readonly string[], demo: boolean): Promise<number>;
  finishRun(runId: number, status: FinishStatus, dbtStatus: string | null, error: string | null): Promise<void>;
  queueJob(runId: number, source: string): Promise<number>;
  startJob(jobId: number, deadline: Date): Promise<void>;
  finishJob(jobId: number, status: FinishStatus, counts: JobCounts, error: string | null): Promise<void>;
  recordHttpMetrics(runId: number, source: string, metrics: readonly EndpointMetrics[]): Promise<void>;
  /** How each entity (per instance) of a source ended in this run. */
  recordEntitySyncs(runId: number, source: string, syncs: readonly EntitySync[]): Promise<void>;
  /** The saved state as stored (unchecked: the runner reads it through the entity's StateSchema). */
  loadState(source: string, entity: string, instance: string): Promise<unknown>;
  land(target: LandingTarget, unit: LandingUnit): Promise<LandResult>;
  /** Tests that a write would succeed, in a transaction that is rolled back. */
  checkWrite(): Promise<void>;
  status(): Promise<StatusReport>;
  // SecretBackend: readSecrets(prefix) gives the sealed values whose name starts with prefix (elt.secrets);
  // writeSecret(name, sealed) inserts or replaces one. Values arrive already encrypted (kit/secrets.ts).
  close(): Promise<void>;
}
