/** DDL for the toolkit's own tables (schema elt) and for raw landing tables (schema raw). */
import type pg from 'pg';

export const META_SCHEMA = 'elt';
export const RAW_SCHEMA = 'raw';

const RUN_STATUSES = "'processing', 'completed', 'degraded', 'failed'";
const JOB_STATUSES = "'queued', 'processing', 'completed', 'degraded', 'failed'";

/** For ledgers created before the 'degraded' status existed: widens a table's status check, once. */
function widenStatusCheck(table: 'runs' | 'jobs', statuses: string): string {
  const constraint = `${table}_status_check`;
  return `
  if exists (select 1 from pg_constraint
             where conname = '${constraint}' and conrelid = '${META_SCHEMA}.${table}'::regclass
               and pg_get_constraintdef(oid) not like '%degraded%') then
    alter table ${META_SCHEMA}.${table} drop constraint ${constraint};
    alter table ${META_SCHEMA}.${table} add constraint ${constraint} check (status in (${statuses}));
  end if;`;
}

const META_DDL = `
create schema if not exists ${META_SCHEMA};
create schema if not exists ${RAW_SCHEMA};

create table if not exists ${META_SCHEMA}.runs (
  run_id bigint generated always as identity primary key,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null check (status in (${RUN_STATUSES})),
  demo boolean not null,
  args jsonb not null default '[]',
  pid integer not null,
  dbt_status text,
  error text
);

create table if not exists ${META_SCHEMA}.jobs (
  job_id bigint generated always as identity primary key,
  run_id bigint not null references ${META_SCHEMA}.runs,
  source text not null,
  status text not null check (status in (${JOB_STATUSES})),
  queued_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  deadline_at timestamptz,
  rows_seen bigint not null default 0,
  rows_landed bigint not null default 0,
  rows_quarantined bigint not null default 0,
  units integer not null default 0,
  error text
);
create index if not exists jobs_source_idx on ${META_SCHEMA}.jobs (source, finished_at);

create table if not exists ${META_SCHEMA}.state (
  source text not null,
  entity text not null,
  source_instance text not null,
  state jsonb not null,
  updated_at timestamptz not null default now(),
  run_id bigint,
  primary key (source, entity, source_instance)
);

create table if not exists ${META_SCHEMA}.quarantine (
  quarantine_id bigint generated always as identity primary key,
  run_id bigint,
  source text not null,
  entity text not null,
  source_instance text not null,
  origin text,
  record_index bigint,
  byte_offset bigint,
  record_key text,
  reason text not null,
  raw_text text not null,
  quarantined_at timestamptz not null default now()
);
create index if not exists quarantine_source_idx on ${META_SCHEMA}.quarantine (source, entity);

create table if not exists ${META_SCHEMA}.http_metrics (
  run_id bigint not null,
  source text not null,
  endpoint text not null,
  requests integer not null,
  failures integer not null,
  throttled integer not null,
  retries integer not null,
  total_latency_ms double precision not null,
  max_latency_ms double precision not null,
  circuit text not null,
  last_success_at timestamptz,
  recorded_at timestamptz not null default now()
);

-- How each entity (per instance) of a source ended in each run: what status shows per entity.
create table if not exists ${META_SCHEMA}.entity_syncs (
  run_id bigint not null,
  source text not null,
  entity text not null,
  source_instance text not null,
  status text not null check (status in ('completed', 'degraded', 'failed')),
  rows_seen bigint not null,
  rows_landed bigint not null,
  rows_quarantined bigint not null,
  units integer not null,
  error text,
  finished_at timestamptz not null
);
create index if not exists entity_syncs_entity_idx
  on ${META_SCHEMA}.entity_syncs (source, entity, source_instance, finished_at);

-- Encrypted secrets (OAuth tokens): sealed by the toolkit with ELT_SECRET_KEY, never plain text here.
create table if not exists ${META_SCHEMA}.secrets (
  name text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);

do $$
begin${widenStatusCheck('runs', RUN_STATUSES)}${widenStatusCheck('jobs', JOB_STATUSES)}
end $$;
`;

export async function ensureMetaSchema(client: pg.ClientBase): Promise<void> {
  // One implicit transaction; the lock serialises concurrent first runs (CREATE IF NOT EXISTS races otherwise).
  await client.query(`select pg_advisory_xact_lock(727001);\n${META_DDL}`);
}

export function rawTableName(table: string): string {
  if (!/^raw_[a-z0-9_]+$/.test(table))
    throw new Error(`raw table names must look like raw_<source>_<entity>, got "${table}"`);
  return `${RAW_SCHEMA}.${table}`;
}

/**
 * One raw table per source entity (indexed on its version key and load order), plus a view of each key's
 * latest version for ad-hoc queries.
 */
export function rawTableDdl(table: string): string {
  const name = rawTableName(table);
  return `
create table if not exists ${name} (
  _seq bigint generated always as identity,
  _source_instance text not null,
  _key text not null,
  _hash text not null,
  record jsonb not null,
  _origin text,
  _loaded_at timestamptz not null default now(),
  _run_id bigint
);
create unique index if not exists ${table}_version_idx on ${name} (_source_instance, _key, _hash);
-- Load order: incremental dbt models and their tests read only the versions landed since their last build
-- (_seq > watermark). Rows land in _seq order, so a BRIN index (a few pages, next to nothing to maintain)
-- finds them without a scan of the whole table.
create index if not exists ${table}_seq_idx on ${name} using brin (_seq);
create or replace view ${name}__latest as
  select distinct on (_source_instance, _key) *
  from ${name}
  order by _source_instance, _key, _seq desc;
`;
}

export async function ensureRawTables(client: pg.ClientBase, tables: readonly string[]): Promise<void> {
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock(727002)');
    for (const table of tables) await client.query(rawTableDdl(table));
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
