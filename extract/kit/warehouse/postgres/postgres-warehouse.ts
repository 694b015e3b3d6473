/** The Warehouse on PostgreSQL: a pool for landing, one held connection for the run lock. */
import pg from 'pg';
import { Semaphore } from '../../concurrency.js';
import type { EndpointMetrics } from '../../http/index.js';
import { entityStatuses, entitySyncRow, type LatestSyncRow } from '../entity-status.js';
import type {
  EntitySync,
  FinishStatus,
  JobCounts,
  LandingTarget,
  LandingUnit,
  LandResult,
  StatusReport,
  Warehouse,
} from '../warehouse.js';
import { dropLeftoverStages, landUnit, loadState } from './loader.js';
import { META_SCHEMA, RAW_SCHEMA, ensureMetaSchema, ensureRawTables } from './schema.js';
import type { PostgresTarget } from './connection.js';

/** Any number will do as long as every run of this toolkit uses the same one. */
const RUN_LOCK_KEY = 727000;
const POOL_SIZE = 8;
/** Two connections each, leaving two for everything else. */
const LANDINGS_AT_ONCE = (POOL_SIZE - 2) / 2;

// bigint columns (counts) come back as strings by default; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export class PostgresWarehouse implements Warehouse {
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly landings = new Semaphore(LANDINGS_AT_ONCE);
  private lockClient?: pg.Client;
  private closed = false;

  constructor(private readonly target: PostgresTarget) {
    this.description = target.description;
    this.pool = new pg.Pool({ ...target.config, max: POOL_SIZE, application_name: 'hospitality-elt' });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  async tryLock(): Promise<boolean> {
    const client = new pg.Client({ ...this.target.config, application_name: 'hospitality-elt lock' });
    client.on('error', () => undefined);
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [
      RUN_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) {
      await client.end();
      return false;
    }
    this.lockClient = client;
    return true;
  }

  async prepare(rawTables: readonly string[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await ensureMetaSchema(client);
      await ensureRawTables(client, rawTables);
    } finally {
      client.release();
    }
  }

  async failAbandonedWork(): Promise<number> {
    const reason = 'the process running it stopped (killed or crashed) before it finished';
    const jobs = await this.pool.query(
      `update ${META_SCHEMA}.jobs set status = 'failed', finished_at = now(), error = $1
       where status in ('queued', 'processing')`,
      [reason],
    );
    await this.pool.query(
      `update ${META_SCHEMA}.runs set status = 'failed', finished_at = now(), error = $1 where status = 'processing'`,
      [reason],
    );
    const client = await this.pool.connect();
    try {
      await dropLeftoverStages(client);
    } finally {
      client.release();
    }
    return jobs.rowCount ?? 0;
  }

  async startRun(args: readonly string[], demo: boolean): Promise<number> {
    const { rows } = await this.pool.query<{ run_id: number }>(
      `insert into ${META_SCHEMA}.runs (status, demo, args, pid) values ('processing', $1, $2, $3) returning run_id`,
      [demo, JSON.stringify(args), process.pid],
    );
    return rows[0]!.run_id;
  }

  async finishRun(runId: number, status: FinishStatus, dbtStatus: string | null, error: string | null): Promise<void> {
    await this.pool.query(
      `update ${META_SCHEMA}.runs set status = $2, finished_at = now(), dbt_status = $3, error = $4 where run_id = $1`,
      [runId, status, dbtStatus, error],
    );
  }

  async queueJob(runId: number, source: string): Promise<number> {
    const { rows } = await this.pool.query<{ job_id: number }>(
      `insert into ${META_SCHEMA}.jobs (run_id, source, status) values ($1, $2, 'queued') returning job_id`,
      [runId, source],
    );
    return rows[0]!.job_id;
  }

  async startJob(jobId: number, deadline: Date): Promise<void> {
    await this.pool.query(
      `update ${META_SCHEMA}.jobs set status = 'processing', started_at = now(), deadline_at = $2 where job_id = $1`,
      [jobId, deadline],
    );
  }

  async finishJob(jobId: number, status: FinishStatus, counts: JobCounts, error: string | null): Promise<void> {
    await this.pool.query(
      `update ${META_SCHEMA}.jobs
       set status = $2, finished_at = now(), rows_seen = $3, rows_landed = $4, rows_quarantined = $5, units = $6,
           error = $7
       where job_id = $1`,
      [jobId, status, counts.rowsSeen, counts.rowsLanded, counts.rowsQuarantined, counts.units, error],
    );
  }

  async recordHttpMetrics(runId: number, source: string, metrics: readonly EndpointMetrics[]): Promise<void> {
    for (const m of metrics) {
      await this.pool.query(
        `insert into ${META_SCHEMA}.http_metrics
           (run_id, source, endpoint, requests, failures, throttled, retries, total_latency_ms, max_latency_ms, circuit,
            last_success_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          runId,
          source,
          m.endpoint,
          m.requests,
          m.failures,
          m.throttled,
          m.retries,
          m.totalLatencyMs,
          m.maxLatencyMs,
          m.circuit,
          m.lastSuccessAt ?? null,
        ],
      );
    }
  }

  async recordEntitySyncs(runId: number, source: string, syncs: readonly EntitySync[]): Promise<void> {
    if (!syncs.length) return;
    await this.pool.query(
      `insert into ${META_SCHEMA}.entity_syncs
         (run_id, source, entity, source_instance, status, rows_seen, rows_landed, rows_quarantined, units, error,
          finished_at)
       select $1, $2, s.entity, s.source_instance, s.status, s.rows_seen, s.rows_landed, s.rows_quarantined, s.units,
              s.error, s.finished_at
       from jsonb_to_recordset($3) as s(entity text, source_instance text, status text, rows_seen bigint,
                                        rows_landed bigint, rows_quarantined bigint, units integer, error text,
                                        finished_at timestamptz)`,
      // Dates become ISO text, read back as timestamptz.
      [runId, source, JSON.stringify(syncs.map(entitySyncRow))],
    );
  }

  async loadState(source: string, entity: string, instance: string): Promise<unknown> {
    const client = await this.pool.connect();
    try {
      return await loadState(client, source, entity, instance);
    } finally {
      client.release();
    }
  }

  /**
   * A landing holds two connections: landings are admitted a few at a time so that many landing side by
   * side (Toast's restaurants) never each hold one connection while waiting for a second, and the pool keeps
   * room for the ledger and state reads.
   */
  async land(target: LandingTarget, unit: LandingUnit): Promise<LandResult> {
    return this.landings.run(async () => {
      const lander = await this.pool.connect();
      const copier = await this.pool.connect();
      let broken = false;
      try {
        return await landUnit(lander, copier, target, unit);
      } catch (error) {
        // A COPY aborted mid-stream can leave a connection in an unknown state: never reuse them.
        broken = true;
        throw error;
      } finally {
        lander.release(broken);
        copier.release(broken);
      }
    });
  }

  async readSecrets(prefix: string): Promise<{ name: string; value: string }[]> {
    const { rows } = await this.pool.query<{ name: string; value: string }>(
      `select name, value from ${META_SCHEMA}.secrets where left(name, length($1)) = $1 order by name`,
      [prefix],
    );
    return rows;
  }

  async writeSecret(name: string, value: string): Promise<void> {
    await this.pool.query(
      `insert into ${META_SCHEMA}.secrets (name, value) values ($1, $2)
       on conflict (name) do update set value = excluded.value, updated_at = now()`,
      [name, value],
    );
  }

  async checkWrite(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(`create temp table elt_write_check (x int) on commit drop`);
      await client.query(`insert into elt_write_check values (1)`);
      await client.query(`select 1 from ${META_SCHEMA}.state limit 1`).catch(() => undefined);
      await client.query('rollback');
    } finally {
      client.release();
    }
  }

  async status(): Promise<StatusReport> {
    const q = <T extends pg.QueryResultRow>(sql: string) => this.pool.query<T>(sql).then((r) => r.rows);
    const runs = await q<{
      run_id: number;
      started_at: Date;
      finished_at: Date | null;
      status: string;
      demo: boolean;
      dbt_status: string | null;
      error: string | null;
    }>(
      `select run_id, started_at, finished_at, status, demo, dbt_status, error
       from ${META_SCHEMA}.runs order by run_id desc limit 10`,
    );
    const lastSuccess = await q<{ source: string; finished_at: Date; rows_landed: number }>(
      `select distinct on (source) source, finished_at, rows_landed
       from ${META_SCHEMA}.jobs where status = 'completed' order by source, finished_at desc`,
    );
    const states = await q<{ source: string; entity: string; instance: string; state: unknown }>(
      `select source, entity, source_instance as instance, state from ${META_SCHEMA}.state`,
    );
    const entities = entityStatuses(await this.latestSyncs(), states);
    const quarantine = await q<{ source: string; entity: string; count: number; latest: Date }>(
      `select source, entity, count(*) as count, max(quarantined_at) as latest
       from ${META_SCHEMA}.quarantine group by 1, 2 order by 1, 2`,
    );
    const tableNames = await q<{ table_name: string }>(
      `select table_name from information_schema.tables
       where table_schema = '${RAW_SCHEMA}' and table_type = 'BASE TABLE' order by 1`,
    );
    const tables: StatusReport['tables'] = [];
    for (const { table_name } of tableNames) {
      const [row] = await q<{
        instances: number;
        keys: number;
        versions: number;
        first: Date | null;
        last: Date | null;
      }>(
        `select count(distinct _source_instance) as instances, count(distinct (_source_instance, _key)) as keys,
                count(*) as versions, min(_loaded_at) as first, max(_loaded_at) as last
         from ${RAW_SCHEMA}.${table_name}`,
      );
      tables.push({
        table: table_name,
        instances: row!.instances,
        keys: row!.keys,
        versions: row!.versions,
        firstLoadedAt: row!.first,
        lastLoadedAt: row!.last,
      });
    }
    const endpoints = await q<{
      source: string;
      endpoint: string;
      requests: number;
      failures: number;
      throttled: number;
      mean: number;
      last_success_at: Date | null;
      circuit: string;
    }>(
      `select source, endpoint, sum(requests)::int as requests, sum(failures)::int as failures,
              sum(throttled)::int as throttled, coalesce(sum(total_latency_ms) / nullif(sum(requests), 0), 0) as mean,
              max(last_success_at) as last_success_at,
              (array_agg(circuit order by recorded_at desc))[1] as circuit
       from ${META_SCHEMA}.http_metrics
       where run_id in (select run_id from ${META_SCHEMA}.runs order by run_id desc limit 10)
       group by 1, 2 order by 1, 2`,
    );
    return {
      runs: runs.map((r) => ({
        runId: r.run_id,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        status: r.status,
        demo: r.demo,
        dbtStatus: r.dbt_status,
        error: r.error,
      })),
      lastSuccess: lastSuccess.map((r) => ({ source: r.source, finishedAt: r.finished_at, rowsLanded: r.rows_landed })),
      entities,
      quarantine,
      tables,
      endpoints: endpoints.map((e) => ({
        source: e.source,
        endpoint: e.endpoint,
        requests: e.requests,
        failures: e.failures,
        throttled: e.throttled,
        meanLatencyMs: e.mean,
        lastSuccessAt: e.last_success_at,
        circuit: e.circuit,
      })),
    };
  }

  /**
   * Each entity's latest sync with its last completed one; none on a ledger from before elt.entity_syncs
   * (until its next run).
   */
  private async latestSyncs(): Promise<LatestSyncRow[]> {
    const { rows: exists } = await this.pool.query<{ found: boolean }>(
      `select to_regclass('${META_SCHEMA}.entity_syncs') is not null as found`,
    );
    if (!exists[0]?.found) return [];
    const { rows } = await this.pool.query<{
      source: string;
      entity: string;
      instance: string;
      status: string;
      finished_at: Date;
      error: string | null;
      success_at: Date | null;
      rows_seen: number | null;
      rows_landed: number | null;
      rows_quarantined: number | null;
    }>(
      `select latest.source, latest.entity, latest.source_instance as instance, latest.status, latest.finished_at,
              latest.error, success.finished_at as success_at, success.rows_seen, success.rows_landed,
              success.rows_quarantined
       from (select distinct on (source, entity, source_instance) * from ${META_SCHEMA}.entity_syncs
             order by source, entity, source_instance, finished_at desc) as latest
       left join (select distinct on (source, entity, source_instance) * from ${META_SCHEMA}.entity_syncs
                  where status = 'completed'
                  order by source, entity, source_instance, finished_at desc) as success
         using (source, entity, source_instance)`,
    );
    return rows.map((r) => ({
      source: r.source,
      entity: r.entity,
      instance: r.instance,
      status: r.status,
      finishedAt: r.finished_at,
      error: r.error,
      success: r.success_at
        ? {
            finishedAt: r.success_at,
            rowsSeen: r.rows_seen!,
            rowsLanded: r.rows_landed!,
            rowsQuarantined: r.rows_quarantined!,
          }
        : null,
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.lockClient) {
      await this.lockClient.query('select pg_advisory_unlock($1)', [RUN_LOCK_KEY]).catch(() => undefined);
      await this.lockClient.end().catch(() => undefined);
      this.lockClient = undefined;
    }
    await this.pool.end();
  }
}
