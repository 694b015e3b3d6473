/**
 * The Warehouse on BigQuery: raw tables in BIGQUERY_DATASET, the ledger, state, quarantine, lock and
 * staging tables in <BIGQUERY_DATASET>_elt, all in BIGQUERY_LOCATION. See loader.ts for landing and
 * lock.ts for the one-run-at-a-time lock.
 */
import type { EndpointMetrics } from '../../http/index.js';
import { entityStatuses, entitySyncRow } from '../entity-status.js';
import type { EntitySync, FinishStatus, JobCounts, LandingTarget, LandingUnit, LandResult, StatusReport, Warehouse } from '../warehouse.js';
import { BigQueryApi, type BigQueryApiOptions } from './api.js';
import type { BigQueryTarget } from './config.js';
import { BigQueryConnectError, explainConnectError, locationMismatch } from './errors.js';
import { GcsStagingStore, type GcsStagingOptions } from './gcs.js';
import { DEFAULT_LOADER_OPTIONS, dropLeftoverStages, landUnit, type LoaderOptions, type StagingStore } from './loader.js';
import { DEFAULT_LOCK_OPTIONS, LeaseLock, type LockOptions } from './lock.js';
import type { Statement } from './params.js';
import { latestViewName, latestViewSql, META_TABLES, metaTable, rawTableSpec, tableResource } from './schema.js';
import * as sql from './sql.js';

export interface BigQueryWarehouseOptions extends BigQueryApiOptions {
  loader?: Partial<LoaderOptions>;
  lock?: Partial<LockOptions>;
  /** Replaces the GCS store built from BIGQUERY_STAGING_BUCKET (tests). */
  staging?: StagingStore;
  /** Endpoint and auth of the GCS client when BIGQUERY_STAGING_BUCKET is set (retries: as for BigQuery). */
  storage?: Pick<GcsStagingOptions, 'apiEndpoint' | 'authClient'>;
}

/** Jobs of a run are numbered run_id * JOBS_PER_RUN + 1, 2, ... (ids need no round trip). */
const JOBS_PER_RUN = 1000;
const ABANDONED = 'the process running it stopped (killed or crashed) before it finished';

export class BigQueryWarehouse implements Warehouse {
  readonly description: string;
  readonly api: BigQueryApi;
  private readonly lock: LeaseLock;
  private readonly loaderOptions: LoaderOptions;
  private readonly ensuredDatasets = new Set<string>();
  private jobsQueued = new Map<number, number>();
  private closed = false;

  constructor(
    readonly target: BigQueryTarget,
    options: BigQueryWarehouseOptions = {},
  ) {
    this.description = target.description;
    this.api = new BigQueryApi(target, options);
    this.lock = new LeaseLock(this.api, target, { ...DEFAULT_LOCK_OPTIONS, ...options.lock });
    const gcs = { retry: options.retry, sleep: options.sleep, ...options.storage };
    const staging = options.staging ?? (target.stagingBucket ? new GcsStagingStore(target, gcs) : undefined);
    this.loaderOptions = {
      ...DEFAULT_LOADER_OPTIONS,
      // Through GCS an upload is resumable, so chunks can be larger.
      ...(staging ? { chunkBytes: 256 << 20 } : {}),
      ...options.loader,
      ...(staging ? { staging } : {}),
      beforeCommit: () => this.lock.assertHeld(),
    };
  }

  /**
   * Checks credentials, project and the datasets' location with the first requests; throws a
   * BigQueryConnectError with one sentence when any of them is wrong.
   */
  async connect(): Promise<void> {
    try {
      for (const dataset of [this.target.dataset, this.target.metaDataset]) {
        const found = await this.api.getDataset(dataset);
        if (found?.location && found.location.toLowerCase() !== this.target.location.toLowerCase()) {
          throw new BigQueryConnectError(locationMismatch(this.target, dataset, found.location));
        }
      }
    } catch (error) {
      throw this.explain(error);
    }
  }

  private explain(error: unknown): unknown {
    if (error instanceof BigQueryConnectError) return error;
    const sentence = explainConnectError(error, this.target);
    return sentence ? new BigQueryConnectError(sentence) : error;
  }

  private async ensureDataset(dataset: string, description: string): Promise<void> {
    if (this.ensuredDatasets.has(dataset)) return;
    const found = await this.api.getDataset(dataset);
    if (!found) await this.api.insertDataset(dataset, description);
    else if (found.location && found.location.toLowerCase() !== this.target.location.toLowerCase()) {
      throw new BigQueryConnectError(locationMismatch(this.target, dataset, found.location));
    }
    this.ensuredDatasets.add(dataset);
  }

  private ensureMetaDataset(): Promise<void> {
    return this.ensureDataset(this.target.metaDataset, 'hospitality-elt: run ledger, state, quarantine, run lock and staging tables.');
  }

  private async run(statement: Statement, label: string) {
    return this.api.query(statement, label);
  }

  async tryLock(): Promise<boolean> {
    try {
      await this.ensureMetaDataset();
      await this.api.insertTable(this.target.metaDataset, tableResource(this.target, metaTable('run_lock')));
      return await this.lock.tryAcquire();
    } catch (error) {
      throw this.explain(error);
    }
  }

  async prepare(rawTables: readonly string[]): Promise<void> {
    await this.ensureMetaDataset();
    await this.ensureDataset(this.target.dataset, 'hospitality-elt: raw landing tables (append-only history per source entity).');
    const meta = new Set((await this.api.listTables(this.target.metaDataset)).map((t) => t.tableId));
    for (const spec of META_TABLES) {
      if (!meta.has(spec.name)) await this.api.insertTable(this.target.metaDataset, tableResource(this.target, spec));
    }
    const raw = new Set((await this.api.listTables(this.target.dataset)).map((t) => t.tableId));
    for (const table of rawTables) {
      if (!raw.has(table)) await this.api.insertTable(this.target.dataset, tableResource(this.target, rawTableSpec(table)));
      const view = latestViewName(table);
      if (!raw.has(view)) {
        await this.api.insertTable(this.target.dataset, {
          tableReference: { projectId: this.target.project, datasetId: this.target.dataset, tableId: view },
          description: `Each key's latest version in ${table}.`,
          view: { query: latestViewSql(this.target, table), useLegacySql: false },
        });
      }
    }
  }

  async failAbandonedWork(): Promise<number> {
    const jobs = await this.run(sql.failAbandonedJobs(this.target, ABANDONED), 'fail_abandoned');
    await this.run(sql.failAbandonedRuns(this.target, ABANDONED), 'fail_abandoned');
    await dropLeftoverStages(this.api, this.target);
    await this.run(sql.pruneState(this.target), 'prune_state');
    return jobs.numDmlAffectedRows ?? 0;
  }

  async startRun(args: readonly string[], demo: boolean): Promise<number> {
    const { rows } = await this.run(sql.nextRunId(this.target), 'start_run');
    const runId = Number(rows[0]?.run_id ?? 1);
    await this.run(sql.insertRun(this.target, runId, args, demo, process.pid), 'start_run');
    return runId;
  }

  async finishRun(runId: number, status: FinishStatus, dbtStatus: string | null, error: string | null): Promise<void> {
    await this.run(sql.finishRun(this.target, runId, status, dbtStatus, error), 'finish_run');
  }

  async queueJob(runId: number, source: string): Promise<number> {
    const n = (this.jobsQueued.get(runId) ?? 0) + 1;
    if (n >= JOBS_PER_RUN) throw new Error(`more than ${JOBS_PER_RUN - 1} jobs in one run`);
    this.jobsQueued.set(runId, n);
    const jobId = runId * JOBS_PER_RUN + n;
    await this.run(sql.insertJob(this.target, jobId, runId, source), 'queue_job');
    return jobId;
  }

  async startJob(jobId: number, deadline: Date): Promise<void> {
    await this.run(sql.startJob(this.target, jobId, deadline), 'start_job');
  }

  async finishJob(jobId: number, status: FinishStatus, counts: JobCounts, error: string | null): Promise<void> {
    await this.run(sql.finishJob(this.target, jobId, status, counts, error), 'finish_job');
  }

  async recordHttpMetrics(runId: number, source: string, metrics: readonly EndpointMetrics[]): Promise<void> {
    if (!metrics.length) return;
    const rows = metrics.map((m) => ({
      endpoint: m.endpoint,
      requests: m.requests,
      failures: m.failures,
      throttled: m.throttled,
      retries: m.retries,
      total_latency_ms: m.totalLatencyMs,
      max_latency_ms: m.maxLatencyMs,
      circuit: m.circuit,
      last_success_at: m.lastSuccessAt ?? null,
    }));
    await this.run(sql.insertHttpMetrics(this.target, runId, source, rows), 'http_metrics');
  }

  async recordEntitySyncs(runId: number, source: string, syncs: readonly EntitySync[]): Promise<void> {
    if (!syncs.length) return;
    await this.run(sql.insertEntitySyncs(this.target, runId, source, syncs.map(entitySyncRow)), 'entity_syncs');
  }

  async loadState(source: string, entity: string, instance: string): Promise<unknown> {
    const { rows } = await this.run(sql.loadState(this.target, source, entity, instance), 'load_state');
    const text = rows[0]?.state;
    return typeof text === 'string' ? (JSON.parse(text) as unknown) : undefined;
  }

  land(target: LandingTarget, unit: LandingUnit): Promise<LandResult> {
    return landUnit(this.api, this.target, target, unit, this.loaderOptions);
  }

  async readSecrets(prefix: string): Promise<{ name: string; value: string }[]> {
    const { rows } = await this.run(sql.readSecrets(this.target, prefix), 'read_secrets');
    return rows.map((r) => ({ name: String(r.name), value: String(r.value) }));
  }

  async writeSecret(name: string, value: string): Promise<void> {
    await this.run(sql.writeSecret(this.target, name, value), 'write_secret');
  }

  async checkWrite(): Promise<void> {
    await this.run(sql.checkWriteScript(this.target), 'check_write');
  }

  async status(): Promise<StatusReport> {
    // Before the first run there is no ledger yet: nothing to report.
    if (!(await this.api.getDataset(this.target.metaDataset))) return { runs: [], lastSuccess: [], entities: [], quarantine: [], tables: [], endpoints: [] };
    const q = async (statement: Statement | undefined) => (statement ? (await this.run(statement, 'status')).rows : []);
    const runs = await q(sql.statusRuns(this.target));
    const lastSuccess = await q(sql.statusLastSuccess(this.target));
    // A ledger from before entity_syncs has none until its next run's prepare creates the table.
    const metaTables = new Set((await this.api.listTables(this.target.metaDataset)).map((t) => t.tableId));
    const syncs = await q(metaTables.has('entity_syncs') ? sql.statusEntitySyncs(this.target) : undefined);
    const states = await q(sql.statusStates(this.target));
    const quarantine = await q(sql.statusQuarantine(this.target));
    const rawTables = (await this.api.getDataset(this.target.dataset))
      ? (await this.api.listTables(this.target.dataset)).filter((t) => t.type === 'TABLE' && /^raw_[a-z0-9_]+$/.test(t.tableId)).map((t) => t.tableId)
      : [];
    const tables = await q(sql.statusTables(this.target, rawTables));
    const endpoints = await q(sql.statusEndpoints(this.target));
    const date = (v: unknown) => (v instanceof Date ? v : null);
    return {
      runs: runs.map((r) => ({
        runId: Number(r.run_id),
        startedAt: r.started_at as Date,
        finishedAt: date(r.finished_at),
        status: String(r.status),
        demo: Boolean(r.demo),
        dbtStatus: (r.dbt_status as string | null) ?? null,
        error: (r.error as string | null) ?? null,
      })),
      lastSuccess: lastSuccess.map((r) => ({ source: String(r.source), finishedAt: r.finished_at as Date, rowsLanded: Number(r.rows_landed) })),
      entities: entityStatuses(
        syncs.map((r) => ({
          source: String(r.source),
          entity: String(r.entity),
          instance: String(r.source_instance),
          status: String(r.status),
          finishedAt: r.finished_at as Date,
          error: (r.error as string | null) ?? null,
          success:
            r.success_at instanceof Date
              ? { finishedAt: r.success_at, rowsSeen: Number(r.rows_seen), rowsLanded: Number(r.rows_landed), rowsQuarantined: Number(r.rows_quarantined) }
              : null,
        })),
        states.map((r) => ({ source: String(r.source), entity: String(r.entity), instance: String(r.source_instance), state: JSON.parse(String(r.state)) as unknown })),
      ),
      quarantine: quarantine.map((r) => ({ source: String(r.source), entity: String(r.entity), count: Number(r.count), latest: r.latest as Date })),
      tables: tables.map((r) => ({
        table: String(r.table_name),
        instances: Number(r.instances),
        keys: Number(r.keys),
        versions: Number(r.versions),
        firstLoadedAt: date(r.first_loaded_at),
        lastLoadedAt: date(r.last_loaded_at),
      })),
      endpoints: endpoints.map((e) => ({
        source: String(e.source),
        endpoint: String(e.endpoint),
        requests: Number(e.requests),
        failures: Number(e.failures),
        throttled: Number(e.throttled),
        meanLatencyMs: Number(e.mean_latency_ms),
        lastSuccessAt: date(e.last_success_at),
        circuit: String(e.circuit),
      })),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lock.release().catch(() => undefined);
  }
}
