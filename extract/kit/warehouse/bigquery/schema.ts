/**
 * The BigQuery tables: raw landing tables (dataset BIGQUERY_DATASET) and the toolkit's own tables (dataset
 * <BIGQUERY_DATASET>_elt), as REST table resources. The same definitions feed the ZetaSQL catalog the
 * offline tests analyse our SQL against, so a column used in SQL but missing here fails a test.
 */
import type { BigQueryTarget } from './config.js';

export type FieldType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP' | 'JSON' | 'DATE' | 'NUMERIC';

export interface Field {
  name: string;
  type: FieldType;
  mode?: 'NULLABLE' | 'REQUIRED';
  description?: string;
}

export interface TableSpec {
  /** Which dataset: raw tables or the toolkit's meta dataset. */
  dataset: 'raw' | 'meta';
  name: string;
  description: string;
  fields: readonly Field[];
  timePartitioning?: { type: 'DAY'; field: string };
  clustering?: { fields: string[] };
}

const req = (name: string, type: FieldType, description?: string): Field => ({ name, type, mode: 'REQUIRED', ...(description ? { description } : {}) });
const opt = (name: string, type: FieldType, description?: string): Field => ({ name, type, mode: 'NULLABLE', ...(description ? { description } : {}) });

/** Raw tables: the landing contract of README "How data lands", in BigQuery types. */
export const RAW_FIELDS: readonly Field[] = [
  req('_seq', 'INT64', 'Load order: later rows were landed later (unique per table).'),
  req('_source_instance', 'STRING', 'Which account, business or restaurant the record came from.'),
  req('_key', 'STRING', "The record's natural key as text, exact (uint64 ids keep every digit)."),
  req('_hash', 'STRING', "md5 (hex) of the record's bytes as the vendor sent them."),
  req('record', 'JSON', 'The record; numbers JSON cannot hold exactly are JSON strings with the same digits.'),
  opt('_origin', 'STRING', 'File, page or window the record came from.'),
  req('_loaded_at', 'TIMESTAMP', 'When the row was landed (partitioning column).'),
  opt('_run_id', 'INT64', 'The extraction run that landed the row.'),
];

export function rawTableSpec(table: string): TableSpec {
  assertRawTableName(table);
  return {
    dataset: 'raw',
    name: table,
    description: 'Append-only raw history, one row per distinct (instance, key, hash). Landed by hospitality-elt.',
    fields: RAW_FIELDS,
    timePartitioning: { type: 'DAY', field: '_loaded_at' },
    clustering: { fields: ['_source_instance', '_key'] },
  };
}

export function assertRawTableName(table: string): void {
  if (!/^raw_[a-z0-9_]+$/.test(table)) throw new Error(`raw table names must look like raw_<source>_<entity>, got "${table}"`);
}

/** A unit's staging table: what the load job writes, one row per record (good or quarantined). */
export const STAGE_FIELDS: readonly Field[] = [
  req('rec_index', 'INT64'),
  req('rec_offset', 'INT64'),
  // Not key/hash: HASH is a reserved word in BigQuery.
  opt('record_key', 'STRING'),
  opt('content_hash', 'STRING'),
  opt('record', 'JSON'),
  opt('problem', 'STRING'),
  opt('raw_text', 'STRING'),
];
export const STAGE_PREFIX = 'stage_';

export const META_TABLES: readonly TableSpec[] = [
  {
    dataset: 'meta',
    name: 'runs',
    description: 'One row per npm run elt.',
    fields: [
      req('run_id', 'INT64'),
      req('started_at', 'TIMESTAMP'),
      opt('finished_at', 'TIMESTAMP'),
      req('status', 'STRING', 'processing, completed, degraded or failed'),
      req('demo', 'BOOL'),
      req('args', 'STRING', 'The command line, as a JSON array.'),
      req('pid', 'INT64'),
      opt('dbt_status', 'STRING'),
      opt('error', 'STRING'),
    ],
  },
  {
    dataset: 'meta',
    name: 'jobs',
    description: 'One row per source per run.',
    fields: [
      req('job_id', 'INT64'),
      req('run_id', 'INT64'),
      req('source', 'STRING'),
      req('status', 'STRING', 'queued, processing, completed, degraded or failed'),
      req('queued_at', 'TIMESTAMP'),
      opt('started_at', 'TIMESTAMP'),
      opt('finished_at', 'TIMESTAMP'),
      opt('deadline_at', 'TIMESTAMP'),
      req('rows_seen', 'INT64'),
      req('rows_landed', 'INT64'),
      req('rows_quarantined', 'INT64'),
      req('units', 'INT64'),
      opt('error', 'STRING'),
    ],
  },
  {
    dataset: 'meta',
    name: 'state',
    description: "Each source entity's state (cursors, landed files), append-only: the latest row per key wins.",
    fields: [
      req('source', 'STRING'),
      req('entity', 'STRING'),
      req('source_instance', 'STRING'),
      req('state', 'STRING', 'JSON text, exactly as the extractor wrote it.'),
      req('updated_at', 'TIMESTAMP'),
      opt('run_id', 'INT64'),
    ],
  },
  {
    dataset: 'meta',
    name: 'quarantine',
    description: 'Records that could not be landed, with the reason, the raw text and where they came from.',
    fields: [
      req('quarantine_id', 'STRING'),
      opt('run_id', 'INT64'),
      req('source', 'STRING'),
      req('entity', 'STRING'),
      req('source_instance', 'STRING'),
      opt('origin', 'STRING'),
      opt('record_index', 'INT64'),
      opt('byte_offset', 'INT64'),
      opt('record_key', 'STRING'),
      req('reason', 'STRING'),
      req('raw_text', 'STRING'),
      req('quarantined_at', 'TIMESTAMP'),
    ],
  },
  {
    dataset: 'meta',
    name: 'http_metrics',
    description: 'Per run, source and endpoint: requests, failures, 429s, retries, latency, circuit state.',
    fields: [
      req('run_id', 'INT64'),
      req('source', 'STRING'),
      req('endpoint', 'STRING'),
      req('requests', 'INT64'),
      req('failures', 'INT64'),
      req('throttled', 'INT64'),
      req('retries', 'INT64'),
      req('total_latency_ms', 'FLOAT64'),
      req('max_latency_ms', 'FLOAT64'),
      req('circuit', 'STRING'),
      opt('last_success_at', 'TIMESTAMP'),
      req('recorded_at', 'TIMESTAMP'),
    ],
  },
  {
    dataset: 'meta',
    name: 'entity_syncs',
    description: 'Per run: how each entity (per instance) of a source ended, with its counts.',
    fields: [
      req('run_id', 'INT64'),
      req('source', 'STRING'),
      req('entity', 'STRING'),
      req('source_instance', 'STRING'),
      req('status', 'STRING', 'completed, degraded or failed'),
      req('rows_seen', 'INT64'),
      req('rows_landed', 'INT64'),
      req('rows_quarantined', 'INT64'),
      req('units', 'INT64'),
      opt('error', 'STRING'),
      req('finished_at', 'TIMESTAMP'),
    ],
  },
  {
    dataset: 'meta',
    name: 'secrets',
    description: 'Encrypted secrets (OAuth tokens), sealed by the toolkit with ELT_SECRET_KEY: never plain text here.',
    fields: [req('name', 'STRING'), req('value', 'STRING'), req('updated_at', 'TIMESTAMP')],
  },
  {
    dataset: 'meta',
    name: 'run_lock',
    description: 'The one-run-at-a-time lock: a lease row taken and renewed by conditional DML.',
    fields: [
      req('lock_name', 'STRING'),
      opt('holder', 'STRING', 'host/pid/uuid of the run holding the lease, null when free'),
      opt('acquired_at', 'TIMESTAMP'),
      opt('renewed_at', 'TIMESTAMP'),
      opt('expires_at', 'TIMESTAMP'),
    ],
  },
];

export function metaTable(name: string): TableSpec {
  const spec = META_TABLES.find((t) => t.name === name);
  if (!spec) throw new Error(`no meta table ${name}`);
  return spec;
}

/** `project.dataset.table`, quoted as one path: every name was validated, so no escaping is needed. */
export function tableRef(target: BigQueryTarget, dataset: 'raw' | 'meta', table: string): string {
  return `\`${target.project}.${dataset === 'raw' ? target.dataset : target.metaDataset}.${table}\``;
}

export function latestViewName(table: string): string {
  return `${table}__latest`;
}

/** Each key's latest version, like PostgreSQL's raw.<table>__latest. */
export function latestViewSql(target: BigQueryTarget, table: string): string {
  return `SELECT * FROM ${tableRef(target, 'raw', table)}
WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY _source_instance, _key ORDER BY _seq DESC) = 1`;
}

/** The REST table resource for tables.insert. */
export function tableResource(target: BigQueryTarget, spec: TableSpec): Record<string, unknown> {
  return {
    tableReference: { projectId: target.project, datasetId: spec.dataset === 'raw' ? target.dataset : target.metaDataset, tableId: spec.name },
    description: spec.description,
    schema: { fields: spec.fields.map((f) => ({ ...f })) },
    ...(spec.timePartitioning ? { timePartitioning: spec.timePartitioning } : {}),
    ...(spec.clustering ? { clustering: spec.clustering } : {}),
  };
}
