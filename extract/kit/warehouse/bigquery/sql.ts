/**
 * Every SQL statement the BigQuery warehouse sends, as pure functions of names and typed parameters.
 * Nothing is interpolated but validated identifiers; values always travel as query parameters.
 * test/bigquery analyses each of them with ZetaSQL against the tables of schema.ts.
 */
import type { EntitySyncRow } from '../entity-status.js';
import type { BigQueryTarget } from './config.js';
import { p, type Param, type ParamType, type Statement } from './params.js';
import { tableRef } from './schema.js';

const meta = (t: BigQueryTarget, table: string) => tableRef(t, 'meta', table);
const raw = (t: BigQueryTarget, table: string) => tableRef(t, 'raw', table);

// ---------------------------------------------------------------------------------------------------
// Landing: one unit's rows, quarantine and state in one multi-statement transaction.

export interface LandingNames {
  /** The raw table, e.g. raw_tock_guest. */
  table: string;
  /** The unit's staging table in the meta dataset. */
  stage: string;
}

export interface LandingValues {
  runId: number;
  source: string;
  entity: string;
  instance: string;
  origin: string;
  /** The entity's new state, as JSON text. */
  state: string;
}

/**
 * New versions only: a (instance, key, hash) already in the raw table, or seen earlier in the same unit,
 * adds nothing. Append-only (INSERT), so it never conflicts with another transaction. _seq continues the
 * table's order: microseconds of the transaction's time times 1000 plus the record's rank, and never
 * below the table's latest _seq (looked up in the last day's partitions only).
 */
export function insertRawVersions(
  t: BigQueryTarget,
  names: LandingNames,
  v: Pick<LandingValues, 'instance' | 'origin' | 'runId'>,
): Statement {
  const table = raw(t, names.table);
  return {
    sql: `INSERT INTO ${table} (_seq, _source_instance, _key, _hash, record, _origin, _loaded_at, _run_id)
WITH staged AS (
  SELECT rec_index, record_key, content_hash, record
  FROM ${meta(t, names.stage)}
  WHERE problem IS NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY record_key, content_hash ORDER BY rec_index) = 1
),
fresh AS (
  SELECT s.rec_index, s.record_key, s.content_hash, s.record
  FROM staged AS s
  WHERE NOT EXISTS (
    SELECT 1 FROM ${table} AS r
    WHERE r._source_instance = @instance AND r._key = s.record_key AND r._hash = s.content_hash
  )
),
base AS (
  SELECT GREATEST(
    UNIX_MICROS(CURRENT_TIMESTAMP()) * 1000,
    IFNULL((
      SELECT MAX(_seq) FROM ${table}
      WHERE _loaded_at >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 DAY)
    ), 0) + 1
  ) AS first_seq
)
SELECT
  base.first_seq + ROW_NUMBER() OVER (ORDER BY fresh.rec_index) - 1,
  @instance, fresh.record_key, fresh.content_hash, fresh.record, @origin, CURRENT_TIMESTAMP(), @run_id
FROM fresh CROSS JOIN base`,
    params: { instance: p.string(v.instance), origin: p.string(v.origin), run_id: p.int(v.runId) },
  };
}

export function insertQuarantine(t: BigQueryTarget, names: LandingNames, v: Omit<LandingValues, 'state'>): Statement {
  return {
    sql: `INSERT INTO ${meta(t, 'quarantine')}
  (quarantine_id, run_id, source, entity, source_instance, origin,
   record_index, byte_offset, record_key, reason, raw_text, quarantined_at)
SELECT GENERATE_UUID(), @run_id, @source, @entity, @instance, @origin,
  rec_index, rec_offset, record_key, problem, IFNULL(raw_text, ''), CURRENT_TIMESTAMP()
FROM ${meta(t, names.stage)}
WHERE problem IS NOT NULL`,
    params: {
      run_id: p.int(v.runId),
      source: p.string(v.source),
      entity: p.string(v.entity),
      instance: p.string(v.instance),
      origin: p.string(v.origin),
    },
  };
}

/**
 * State is an append-only log (the latest row per key wins), so concurrent units of other sources never
 * conflict on it.
 */
export function insertState(
  t: BigQueryTarget,
  v: Pick<LandingValues, 'source' | 'entity' | 'instance' | 'state' | 'runId'>,
): Statement {
  return {
    sql: `INSERT INTO ${meta(t, 'state')} (source, entity, source_instance, state, updated_at, run_id)
VALUES (@source, @entity, @instance, @state, CURRENT_TIMESTAMP(), @run_id)`,
    params: {
      source: p.string(v.source),
      entity: p.string(v.entity),
      instance: p.string(v.instance),
      state: p.string(v.state),
      run_id: p.int(v.runId),
    },
  };
}

function mergeParams(statements: readonly Statement[]): Record<string, Param> {
  const params: Record<string, Param> = {};
  for (const s of statements) {
    for (const [name, param] of Object.entries(s.params)) {
      const seen = params[name];
      if (seen && (JSON.stringify(seen.type) !== JSON.stringify(param.type) || seen.value !== param.value)) {
        throw new Error(`parameter @${name} is used with two different values in one script`);
      }
      params[name] = param;
    }
  }
  return params;
}

export interface LandingScript extends Statement {
  /** The DML statements inside the transaction, for analysis. */
  statements: Statement[];
}

/**
 * The unit's transaction. All or nothing: an error anywhere rolls back every statement and the script
 * fails with BigQuery's message. The last statement's result gives the counts.
 */
export function landingScript(t: BigQueryTarget, names: LandingNames, v: LandingValues): LandingScript {
  const rows = insertRawVersions(t, names, v);
  const quarantine = insertQuarantine(t, names, v);
  const state = insertState(t, v);
  const statements = [rows, quarantine, state];
  const sql = `DECLARE landed INT64 DEFAULT 0;
DECLARE quarantined INT64 DEFAULT 0;
BEGIN
  BEGIN TRANSACTION;
${rows.sql};
  SET landed = @@row_count;
${quarantine.sql};
  SET quarantined = @@row_count;
${state.sql};
  COMMIT TRANSACTION;
EXCEPTION WHEN ERROR THEN
  ROLLBACK TRANSACTION;
  RAISE USING MESSAGE = @@error.message;
END;
SELECT landed, quarantined;`;
  return { sql, params: mergeParams(statements), statements };
}

export function loadState(t: BigQueryTarget, source: string, entity: string, instance: string): Statement {
  return {
    sql: `SELECT state FROM ${meta(t, 'state')}
WHERE source = @source AND entity = @entity AND source_instance = @instance
ORDER BY updated_at DESC
LIMIT 1`,
    params: { source: p.string(source), entity: p.string(entity), instance: p.string(instance) },
  };
}

/** Older state rows that a later one replaced, kept 30 days for inspection. */
export function pruneState(t: BigQueryTarget): Statement {
  const state = meta(t, 'state');
  return {
    sql: `DELETE FROM ${state} AS old
WHERE old.updated_at < TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 30 DAY)
  AND EXISTS (
    SELECT 1 FROM ${state} AS newer
    WHERE newer.source = old.source AND newer.entity = old.entity AND newer.source_instance = old.source_instance
      AND newer.updated_at > old.updated_at
  )`,
    params: {},
  };
}

// ---------------------------------------------------------------------------------------------------
// The run ledger.

export function nextRunId(t: BigQueryTarget): Statement {
  return { sql: `SELECT IFNULL(MAX(run_id), 0) + 1 AS run_id FROM ${meta(t, 'runs')}`, params: {} };
}

export function insertRun(
  t: BigQueryTarget,
  runId: number,
  args: readonly string[],
  demo: boolean,
  pid: number,
): Statement {
  return {
    sql: `INSERT INTO ${meta(t, 'runs')} (run_id, started_at, status, demo, args, pid)
VALUES (@run_id, CURRENT_TIMESTAMP(), 'processing', @demo, @args, @pid)`,
    params: { run_id: p.int(runId), demo: p.bool(demo), args: p.string(JSON.stringify(args)), pid: p.int(pid) },
  };
}

export function finishRun(
  t: BigQueryTarget,
  runId: number,
  status: string,
  dbtStatus: string | null,
  error: string | null,
): Statement {
  return {
    sql: `UPDATE ${meta(t, 'runs')}
SET status = @status, finished_at = CURRENT_TIMESTAMP(), dbt_status = @dbt_status, error = @error
WHERE run_id = @run_id`,
    params: { run_id: p.int(runId), status: p.string(status), dbt_status: p.string(dbtStatus), error: p.string(error) },
  };
}

export function insertJob(t: BigQueryTarget, jobId: number, runId: number, source: string): Statement {
  return {
    sql: `INSERT INTO ${meta(t, 'jobs')}
  (job_id, run_id, source, status, queued_at, rows_seen, rows_landed, rows_quarantined, units)
VALUES (@job_id, @run_id, @source, 'queued', CURRENT_TIMESTAMP(), 0, 0, 0, 0)`,
    params: { job_id: p.int(jobId), run_id: p.int(runId), source: p.string(source) },
  };
}

export function startJob(t: BigQueryTarget, jobId: number, deadline: Date): Statement {
  return {
    sql: `UPDATE ${meta(t, 'jobs')}
SET status = 'processing', started_at = CURRENT_TIMESTAMP(), deadline_at = @deadline
WHERE job_id = @job_id`,
    params: { job_id: p.int(jobId), deadline: p.timestamp(deadline) },
  };
}

export function finishJob(
  t: BigQueryTarget,
  jobId: number,
  status: string,
  counts: { rowsSeen: number; rowsLanded: number; rowsQuarantined: number; units: number },
  error: string | null,
): Statement {
  return {
    sql: `UPDATE ${meta(t, 'jobs')}
SET status = @status, finished_at = CURRENT_TIMESTAMP(), rows_seen = @rows_seen, rows_landed = @rows_landed,
    rows_quarantined = @rows_quarantined, units = @units, error = @error
WHERE job_id = @job_id`,
    params: {
      job_id: p.int(jobId),
      status: p.string(status),
      rows_seen: p.int(counts.rowsSeen),
      rows_landed: p.int(counts.rowsLanded),
      rows_quarantined: p.int(counts.rowsQuarantined),
      units: p.int(counts.units),
      error: p.string(error),
    },
  };
}

export function failAbandonedJobs(t: BigQueryTarget, reason: string): Statement {
  return {
    sql: `UPDATE ${meta(t, 'jobs')}
SET status = 'failed', finished_at = CURRENT_TIMESTAMP(), error = @reason
WHERE status IN ('queued', 'processing')`,
    params: { reason: p.string(reason) },
  };
}

export function failAbandonedRuns(t: BigQueryTarget, reason: string): Statement {
  return {
    sql: `UPDATE ${meta(t, 'runs')}
SET status = 'failed', finished_at = CURRENT_TIMESTAMP(), error = @reason
WHERE status = 'processing'`,
    params: { reason: p.string(reason) },
  };
}

export interface MetricRow {
  endpoint: string;
  requests: number;
  failures: number;
  throttled: number;
  retries: number;
  total_latency_ms: number;
  max_latency_ms: number;
  circuit: string;
  last_success_at: Date | null;
}

type StructType = Extract<ParamType, { struct: unknown }>;

export const METRIC_TYPE: StructType = {
  struct: [
    ['endpoint', 'STRING'],
    ['requests', 'INT64'],
    ['failures', 'INT64'],
    ['throttled', 'INT64'],
    ['retries', 'INT64'],
    ['total_latency_ms', 'FLOAT64'],
    ['max_latency_ms', 'FLOAT64'],
    ['circuit', 'STRING'],
    ['last_success_at', 'TIMESTAMP'],
  ],
};

export const ENTITY_SYNC_TYPE: StructType = {
  struct: [
    ['entity', 'STRING'],
    ['source_instance', 'STRING'],
    ['status', 'STRING'],
    ['rows_seen', 'INT64'],
    ['rows_landed', 'INT64'],
    ['rows_quarantined', 'INT64'],
    ['units', 'INT64'],
    ['error', 'STRING'],
    ['finished_at', 'TIMESTAMP'],
  ],
};

interface RunRowsTable {
  table: string;
  /** The query parameter that carries the rows. */
  param: string;
  /** Each field fills the table's column of the same name. */
  type: StructType;
  /** SQL of the table's other columns. */
  computed?: Record<string, string>;
}

/** Rows of one run and source in one statement. */
function insertRunRows(
  t: BigQueryTarget,
  into: RunRowsTable,
  runId: number,
  source: string,
  rows: readonly object[],
): Statement {
  const fields = into.type.struct.map(([name]) => name);
  const computed = into.computed ?? {};
  const columns = ['run_id', 'source', ...fields, ...Object.keys(computed)];
  const values = ['@run_id', '@source', ...fields.map((field) => `r.${field}`), ...Object.values(computed)];
  return {
    sql: `INSERT INTO ${meta(t, into.table)}
  (${columns.join(', ')})
SELECT ${values.join(', ')}
FROM UNNEST(@${into.param}) AS r`,
    params: { run_id: p.int(runId), source: p.string(source), [into.param]: p.array(into.type, rows) },
  };
}

const HTTP_METRICS: RunRowsTable = {
  table: 'http_metrics',
  param: 'metrics',
  type: METRIC_TYPE,
  computed: { recorded_at: 'CURRENT_TIMESTAMP()' },
};
const ENTITY_SYNCS: RunRowsTable = { table: 'entity_syncs', param: 'syncs', type: ENTITY_SYNC_TYPE };

/** Every endpoint of a source in one statement. */
export function insertHttpMetrics(
  t: BigQueryTarget,
  runId: number,
  source: string,
  metrics: readonly MetricRow[],
): Statement {
  return insertRunRows(t, HTTP_METRICS, runId, source, metrics);
}

/** Every entity of a source in one statement. */
export function insertEntitySyncs(
  t: BigQueryTarget,
  runId: number,
  source: string,
  syncs: readonly EntitySyncRow[],
): Statement {
  return insertRunRows(t, ENTITY_SYNCS, runId, source, syncs);
}

/** --check: a real write into the state table, rolled back. */
export function checkWriteScript(t: BigQueryTarget): LandingScript {
  const write = insertState(t, {
    source: 'elt-check',
    entity: 'write-check',
    instance: 'check',
    state: '{}',
    runId: 0,
  });
  return {
    sql: `BEGIN TRANSACTION;
${write.sql};
ROLLBACK TRANSACTION;`,
    params: write.params,
    statements: [write],
  };
}

// ---------------------------------------------------------------------------------------------------
// Secrets (sealed text by name; see kit/secrets.ts).

export function readSecrets(t: BigQueryTarget, prefix: string): Statement {
  return {
    sql: `SELECT name, value FROM ${meta(t, 'secrets')}
WHERE STARTS_WITH(name, @prefix)
ORDER BY name`,
    params: { prefix: p.string(prefix) },
  };
}

export function writeSecret(t: BigQueryTarget, name: string, value: string): Statement {
  return {
    sql: `MERGE ${meta(t, 'secrets')} AS s
USING (SELECT @name AS name, @value AS value) AS n
ON s.name = n.name
WHEN MATCHED THEN UPDATE SET value = n.value, updated_at = CURRENT_TIMESTAMP()
WHEN NOT MATCHED THEN INSERT (name, value, updated_at) VALUES (n.name, n.value, CURRENT_TIMESTAMP())`,
    params: { name: p.string(name), value: p.string(value) },
  };
}

// ---------------------------------------------------------------------------------------------------
// The run lock: a lease row, taken by a conditional UPDATE in a transaction.

export const LOCK_NAME = 'run';

export interface LockValues {
  holder: string;
  /** A holder known to be dead (same host, process gone): its lease may be taken before it expires. */
  staleHolder: string;
  leaseSeconds: number;
}

export function lockEnsureRow(t: BigQueryTarget): Statement {
  const lock = meta(t, 'run_lock');
  return {
    sql: `INSERT INTO ${lock} (lock_name, holder, acquired_at, renewed_at, expires_at)
SELECT @lock_name, CAST(NULL AS STRING), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP)
FROM UNNEST([1])
WHERE NOT EXISTS (SELECT 1 FROM ${lock} WHERE lock_name = @lock_name)`,
    params: { lock_name: p.string(LOCK_NAME) },
  };
}

export function lockTake(t: BigQueryTarget, v: LockValues): Statement {
  return {
    sql: `UPDATE ${meta(t, 'run_lock')}
SET holder = @holder, acquired_at = CURRENT_TIMESTAMP(), renewed_at = CURRENT_TIMESTAMP(),
    expires_at = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL @lease_seconds SECOND)
WHERE lock_name = @lock_name
  AND (holder IS NULL OR expires_at IS NULL OR expires_at < CURRENT_TIMESTAMP()
       OR holder = @holder OR holder = @stale_holder)`,
    params: {
      lock_name: p.string(LOCK_NAME),
      holder: p.string(v.holder),
      stale_holder: p.string(v.staleHolder),
      lease_seconds: p.int(v.leaseSeconds),
    },
  };
}

export function lockHolders(t: BigQueryTarget): Statement {
  return {
    sql: `SELECT holder, expires_at FROM ${meta(t, 'run_lock')} WHERE lock_name = @lock_name`,
    params: { lock_name: p.string(LOCK_NAME) },
  };
}

/**
 * Creates the lock row if missing and takes the lease if it is free, expired, ours or a dead holder's,
 * in one transaction: BigQuery cancels one of two transactions that update the same table at once, so
 * two runs can never both take it. Returns the holder(s) after the commit.
 */
export function lockAcquireScript(t: BigQueryTarget, v: LockValues): LandingScript {
  const ensure = lockEnsureRow(t);
  const take = lockTake(t, v);
  const holders = lockHolders(t);
  return {
    sql: `BEGIN TRANSACTION;
${ensure.sql};
${take.sql};
COMMIT TRANSACTION;
${holders.sql};`,
    params: mergeParams([ensure, take, holders]),
    statements: [ensure, take, holders],
  };
}

export function lockRenew(t: BigQueryTarget, holder: string, leaseSeconds: number): Statement {
  return {
    sql: `UPDATE ${meta(t, 'run_lock')}
SET renewed_at = CURRENT_TIMESTAMP(), expires_at = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL @lease_seconds SECOND)
WHERE lock_name = @lock_name AND holder = @holder`,
    params: { lock_name: p.string(LOCK_NAME), holder: p.string(holder), lease_seconds: p.int(leaseSeconds) },
  };
}

export function lockRelease(t: BigQueryTarget, holder: string): Statement {
  return {
    sql: `UPDATE ${meta(t, 'run_lock')}
SET holder = NULL, expires_at = NULL
WHERE lock_name = @lock_name AND holder = @holder`,
    params: { lock_name: p.string(LOCK_NAME), holder: p.string(holder) },
  };
}

// ---------------------------------------------------------------------------------------------------
// npm run elt -- status

export function statusRuns(t: BigQueryTarget): Statement {
  return {
    sql: `SELECT run_id, started_at, finished_at, status, demo, dbt_status, error
FROM ${meta(t, 'runs')}
ORDER BY run_id DESC
LIMIT 10`,
    params: {},
  };
}

export function statusLastSuccess(t: BigQueryTarget): Statement {
  return {
    sql: `SELECT source, finished_at, rows_landed
FROM ${meta(t, 'jobs')}
WHERE status = 'completed'
QUALIFY ROW_NUMBER() OVER (PARTITION BY source ORDER BY finished_at DESC) = 1
ORDER BY source`,
    params: {},
  };
}

/** Per (source, entity, instance): the latest sync, and the last completed one's time and counts. */
export function statusEntitySyncs(t: BigQueryTarget): Statement {
  const syncs = meta(t, 'entity_syncs');
  const latest =
    'QUALIFY ROW_NUMBER() OVER (PARTITION BY source, entity, source_instance ORDER BY finished_at DESC) = 1';
  return {
    sql: `WITH latest AS (
  SELECT * FROM ${syncs} WHERE TRUE
  ${latest}
),
success AS (
  SELECT * FROM ${syncs} WHERE status = 'completed'
  ${latest}
)
SELECT source, entity, source_instance, latest.status, latest.finished_at, latest.error,
  success.finished_at AS success_at, success.rows_seen, success.rows_landed, success.rows_quarantined
FROM latest LEFT JOIN success USING (source, entity, source_instance)
ORDER BY source, entity, source_instance`,
    params: {},
  };
}

/** The latest saved state per (source, entity, instance). */
export function statusStates(t: BigQueryTarget): Statement {
  return {
    sql: `SELECT source, entity, source_instance, state
FROM ${meta(t, 'state')}
WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY source, entity, source_instance ORDER BY updated_at DESC) = 1
ORDER BY source, entity, source_instance`,
    params: {},
  };
}

export function statusQuarantine(t: BigQueryTarget): Statement {
  return {
    sql: `SELECT source, entity, COUNT(*) AS count, MAX(quarantined_at) AS latest
FROM ${meta(t, 'quarantine')}
GROUP BY source, entity
ORDER BY source, entity`,
    params: {},
  };
}

export function statusTables(t: BigQueryTarget, tables: readonly string[]): Statement | undefined {
  if (!tables.length) return undefined;
  const parts = tables.map(
    (table, i) => `SELECT @table_${i} AS table_name, COUNT(DISTINCT _source_instance) AS instances,
  COUNT(DISTINCT TO_JSON_STRING([_source_instance, _key])) AS keys, COUNT(*) AS versions,
  MIN(_loaded_at) AS first_loaded_at, MAX(_loaded_at) AS last_loaded_at
FROM ${raw(t, table)}`,
  );
  return {
    sql: `${parts.join('\nUNION ALL\n')}\nORDER BY table_name`,
    params: Object.fromEntries(tables.map((table, i) => [`table_${i}`, p.string(table)])),
  };
}

export function statusEndpoints(t: BigQueryTarget): Statement {
  return {
    sql: `SELECT source, endpoint, SUM(requests) AS requests, SUM(failures) AS failures, SUM(throttled) AS throttled,
  IFNULL(SAFE_DIVIDE(SUM(total_latency_ms), SUM(requests)), 0) AS mean_latency_ms,
  MAX(last_success_at) AS last_success_at,
  ARRAY_AGG(circuit ORDER BY recorded_at DESC LIMIT 1)[OFFSET(0)] AS circuit
FROM ${meta(t, 'http_metrics')}
WHERE run_id IN (SELECT run_id FROM ${meta(t, 'runs')} ORDER BY run_id DESC LIMIT 10)
GROUP BY source, endpoint
ORDER BY source, endpoint`,
    params: {},
  };
}
