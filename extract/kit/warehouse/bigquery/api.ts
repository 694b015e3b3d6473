/**
 * The slice of the BigQuery REST API the warehouse uses, on the official client (@google-cloud/bigquery:
 * auth, endpoint, user agent, multipart upload) with our own retries and job polling:
 *
 * - every request is retried with exponential backoff and full jitter on 429/5xx, network errors and
 *   the rate-limit/quota/backend error reasons (the client's own auto-retry is off, so there is one policy);
 * - jobs get their id from us, so a retried jobs.insert that had in fact gone through answers 409 and we
 *   adopt the job instead of running it twice;
 * - a job that ends with a retryable error (backendError, rateLimitExceeded, quotaExceeded, a
 *   transaction aborted by a concurrent update) is run again as a new job, up to the same limit;
 * - errors become one sentence (see describe()).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { BigQuery } from '@google-cloud/bigquery';
import {
  RETRYABLE_STATUS_CODES,
  backoffDelayMs,
  isRetryableNetworkCode,
  retrying,
  sleepReal,
  type RetryPolicy,
} from '../../retry.js';
import type { BigQueryTarget } from './config.js';
import { restParameters, type Statement } from './params.js';
import type { Field } from './schema.js';

type BigQueryOptions = NonNullable<ConstructorParameters<typeof BigQuery>[0]>;

export interface BigQueryApiOptions {
  /** Another endpoint than https://bigquery.googleapis.com (tests: a loopback server). */
  apiEndpoint?: string;
  /** An auth client instead of Application Default Credentials (tests: a stub). */
  authClient?: BigQueryOptions['authClient'];
  retry?: Partial<RetryPolicy>;
  /** Job polling: first wait and the cap of the growing wait between jobs.get calls. */
  poll?: { initialMs: number; maxMs: number };
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_BIGQUERY_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 32_000 };
const DEFAULT_POLL = { initialMs: 250, maxMs: 2000 };

/** Error reasons BigQuery documents as transient. */
const RETRYABLE_REASONS = new Set(['backendError', 'internalError', 'rateLimitExceeded', 'quotaExceeded', 'jobBackendError', 'jobInternalError', 'jobRateLimitExceeded', 'tableUnavailable']);
/** A transaction cancelled because another one updated the same table: running it again is safe. */
const RETRYABLE_MESSAGE = /concurrent update|could not serialize access|retry the (?:transaction|job)|try again later/i;

export interface ErrorProto {
  reason?: string;
  message?: string;
  location?: string;
}

export class BigQueryError extends Error {
  override name = 'BigQueryError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    readonly retryable: boolean,
    readonly errors: readonly ErrorProto[] = [],
  ) {
    super(message);
  }
}

export interface JobResource {
  jobReference: { projectId: string; jobId: string; location?: string };
  configuration?: Record<string, unknown>;
  status?: { state?: string; errorResult?: ErrorProto; errors?: ErrorProto[] };
  statistics?: {
    query?: { numDmlAffectedRows?: string; statementType?: string };
    load?: { outputRows?: string; badRecords?: string; inputFiles?: string; inputFileBytes?: string };
  };
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  job: JobResource;
  /** For a single DML statement: rows inserted, updated or deleted. */
  numDmlAffectedRows?: number;
}

export interface LoadResult {
  job: JobResource;
  outputRows: number;
  badRecords: number;
  /** Per-row errors (reason, location, message); only filled when rows were rejected. */
  errors: ErrorProto[];
}

export interface LoadSpec {
  /** Destination: a table of the meta dataset. */
  table: string;
  schema: readonly Field[];
  /** A local NDJSON file (uploaded with the job) or gs:// URIs. */
  source: { file: string } | { uris: string[] };
  maxBadRecords: number;
  label: string;
}

interface RawError {
  code?: number | string;
  errors?: ErrorProto[];
  message?: string;
  response?: { statusCode?: number };
  cause?: { code?: string };
}

function statusOf(e: RawError): number | undefined {
  if (typeof e.code === 'number') return e.code;
  return e.response?.statusCode;
}

/** The client joins several messages of one answer into a numbered list: make it one line. */
function oneLine(message: string): string {
  if (!message.startsWith('Multiple errors occurred')) return message;
  const items = [...message.matchAll(/^\s+\d+\. (.*)$/gm)].map((m) => m[1]!.trim()).filter((m) => m && m !== 'undefined');
  return items.length ? items.join('; ') : message;
}

/** Wraps whatever the client or the network threw into a BigQueryError that knows if a retry may help. */
export function classify(error: unknown): BigQueryError {
  if (error instanceof BigQueryError) return error;
  const e = (error ?? {}) as RawError;
  const status = statusOf(e);
  const reason = e.errors?.find((x) => x.reason)?.reason;
  const networkCode = typeof e.code === 'string' ? e.code : e.cause?.code;
  const message = oneLine((error instanceof Error ? error.message : String(error)) || `HTTP ${status}`);
  const retryable =
    (status !== undefined && RETRYABLE_STATUS_CODES.includes(status)) ||
    (reason !== undefined && RETRYABLE_REASONS.has(reason)) ||
    isRetryableNetworkCode(networkCode) ||
    /socket hang up|network socket disconnected/i.test(message);
  return new BigQueryError(message, status, reason, retryable, e.errors ?? []);
}

function jobError(job: JobResource): BigQueryError | undefined {
  const result = job.status?.errorResult;
  if (!result) return undefined;
  const retryable = (result.reason !== undefined && RETRYABLE_REASONS.has(result.reason)) || RETRYABLE_MESSAGE.test(result.message ?? '');
  return new BigQueryError(result.message ?? 'job failed', undefined, result.reason, retryable, job.status?.errors ?? []);
}

export class BigQueryApi {
  readonly client: BigQuery;
  private readonly retry: RetryPolicy;
  private readonly poll: { initialMs: number; maxMs: number };
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly target: BigQueryTarget,
    options: BigQueryApiOptions = {},
  ) {
    this.retry = { ...DEFAULT_BIGQUERY_RETRY, ...options.retry };
    this.poll = options.poll ?? DEFAULT_POLL;
    this.sleep = options.sleep ?? sleepReal;
    this.client = new BigQuery({
      projectId: target.project,
      location: target.location,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
      ...(options.authClient ? { authClient: options.authClient } : {}),
      retryOptions: { autoRetry: false, maxRetries: 0 },
      userAgent: 'hospitality-elt',
    });
  }

  /** Runs fn (given the attempt number, from 1) until it succeeds, fails for good, or runs out of attempts. */
  async withRetry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    try {
      return await retrying(this.retry, (error) => classify(error).retryable, fn, this.sleep);
    } catch (error) {
      throw classify(error);
    }
  }

  /** One REST call (path relative to /projects/<project>), retried. */
  request<T>(method: string, uri: string, options: { qs?: Record<string, unknown>; json?: unknown } = {}): Promise<T> {
    return this.withRetry(
      () =>
        new Promise<T>((resolve, reject) => {
          this.client.request({ method, uri, qs: options.qs, json: options.json }, (error, body) => (error ? reject(error) : resolve(body as T)));
        }),
    );
  }

  /** The dataset's resource, or undefined when it does not exist. */
  async getDataset(datasetId: string): Promise<{ location?: string } | undefined> {
    try {
      return await this.request<{ location?: string }>('GET', `/datasets/${datasetId}`);
    } catch (error) {
      if ((error as BigQueryError).status === 404 && !/not found: project/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  async insertDataset(datasetId: string, description: string): Promise<void> {
    try {
      await this.request('POST', '/datasets', {
        json: { datasetReference: { projectId: this.target.project, datasetId }, location: this.target.location, description },
      });
    } catch (error) {
      if ((error as BigQueryError).status !== 409) throw error;
    }
  }

  async listTables(datasetId: string): Promise<{ tableId: string; type: string }[]> {
    const tables: { tableId: string; type: string }[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.request<{ tables?: { tableReference: { tableId: string }; type: string }[]; nextPageToken?: string }>('GET', `/datasets/${datasetId}/tables`, {
        qs: { maxResults: 1000, ...(pageToken ? { pageToken } : {}) },
      });
      for (const t of page.tables ?? []) tables.push({ tableId: t.tableReference.tableId, type: t.type });
      pageToken = page.nextPageToken;
    } while (pageToken);
    return tables;
  }

  /** Creates the table; one that exists already is left as it is. */
  async insertTable(datasetId: string, resource: Record<string, unknown>): Promise<void> {
    try {
      await this.request('POST', `/datasets/${datasetId}/tables`, { json: resource });
    } catch (error) {
      if ((error as BigQueryError).status !== 409) throw error;
    }
  }

  async deleteTable(datasetId: string, tableId: string): Promise<void> {
    try {
      await this.request('DELETE', `/datasets/${datasetId}/tables/${tableId}`);
    } catch (error) {
      if ((error as BigQueryError).status !== 404) throw error;
    }
  }

  private newJobId(label: string): string {
    return `elt_${label}_${randomUUID().replace(/-/g, '')}`;
  }

  /** jobs.insert with our job id; a retry that finds the job already there adopts it. */
  private async insertJob(jobId: string, configuration: Record<string, unknown>): Promise<JobResource> {
    const reference = { projectId: this.target.project, jobId, location: this.target.location };
    return this.withRetry(async (attempt) => {
      try {
        return await new Promise<JobResource>((resolve, reject) => {
          this.client.request({ method: 'POST', uri: '/jobs', json: { jobReference: reference, configuration } }, (error, body) =>
            error ? reject(error) : resolve(body as JobResource),
          );
        });
      } catch (error) {
        if (attempt > 1 && classify(error).status === 409) return this.getJob(jobId);
        throw error;
      }
    });
  }

  getJob(jobId: string): Promise<JobResource> {
    return this.request<JobResource>('GET', `/jobs/${jobId}`, { qs: { location: this.target.location } });
  }

  /** Polls jobs.get until the job is done, waiting a little longer each time. */
  private async waitForJob(job: JobResource): Promise<JobResource> {
    let wait = this.poll.initialMs;
    while (job.status?.state !== 'DONE') {
      await this.sleep(wait);
      wait = Math.min(this.poll.maxMs, wait * 1.5);
      job = await this.getJob(job.jobReference.jobId);
    }
    return job;
  }

  /**
   * Runs a job to completion, running it again (as a new job) when the job itself failed for a transient
   * reason. Requests are retried on their own (withRetry inside start and the polling), so a request that
   * keeps failing is not retried once more here.
   */
  private async runJob(label: string, start: (jobId: string) => Promise<JobResource>): Promise<JobResource> {
    for (let attempt = 1; ; attempt++) {
      const job = await this.waitForJob(await start(this.newJobId(label)));
      const error = jobError(job);
      if (!error) return job;
      if (!error.retryable || attempt >= this.retry.attempts) throw error;
      await this.sleep(backoffDelayMs(attempt, this.retry));
    }
  }

  /** A query or script with named parameters; resolves with its (last statement's) rows. */
  async query(statement: Statement, label = 'query'): Promise<QueryResult> {
    const configuration = {
      query: { query: statement.sql, useLegacySql: false, parameterMode: 'NAMED', queryParameters: restParameters(statement.params) },
      labels: { tool: 'hospitality-elt', step: label.replace(/[^a-z0-9_-]/g, '_') },
    };
    const job = await this.runJob(label, (jobId) => this.insertJob(jobId, configuration));
    const rows = await this.readRows(job.jobReference.jobId);
    const affected = job.statistics?.query?.numDmlAffectedRows;
    return { rows, job, ...(affected !== undefined ? { numDmlAffectedRows: Number(affected) } : {}) };
  }

  private async readRows(jobId: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.request<{
        jobComplete?: boolean;
        schema?: { fields: { name: string; type: string }[] };
        rows?: { f: { v: unknown }[] }[];
        pageToken?: string;
      }>('GET', `/queries/${jobId}`, {
        qs: { location: this.target.location, maxResults: 10_000, 'formatOptions.useInt64Timestamp': true, ...(pageToken ? { pageToken } : {}) },
      });
      if (page.jobComplete === false) {
        await this.sleep(this.poll.initialMs);
        continue;
      }
      const fields = page.schema?.fields ?? [];
      for (const row of page.rows ?? []) rows.push(Object.fromEntries(fields.map((f, i) => [f.name, decodeValue(f.type, row.f[i]?.v)])));
      pageToken = page.pageToken;
    } while (pageToken);
    return rows;
  }

  /** A load job into a meta-dataset table; rows BigQuery rejects (up to maxBadRecords) are reported, not fatal. */
  async load(spec: LoadSpec): Promise<LoadResult> {
    const load = {
      destinationTable: { projectId: this.target.project, datasetId: this.target.metaDataset, tableId: spec.table },
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      schema: { fields: spec.schema.map((f) => ({ ...f })) },
      writeDisposition: 'WRITE_APPEND',
      createDisposition: 'CREATE_NEVER',
      maxBadRecords: spec.maxBadRecords,
      ignoreUnknownValues: false,
      encoding: 'UTF-8',
    };
    const source = spec.source;
    const job = await this.runJob(spec.label, (jobId) =>
      'file' in source ? this.upload(jobId, load, source.file) : this.insertJob(jobId, { load: { ...load, sourceUris: source.uris } }),
    );
    const stats = job.statistics?.load;
    return { job, outputRows: Number(stats?.outputRows ?? 0), badRecords: Number(stats?.badRecords ?? 0), errors: job.status?.errors ?? [] };
  }

  /** jobs.insert with the file as the media of a multipart upload, streamed from disk (so a retry can resend it). */
  private upload(jobId: string, load: Record<string, unknown>, file: string): Promise<JobResource> {
    return this.withRetry(async (attempt) => {
      const table = this.client.dataset(this.target.metaDataset, { location: this.target.location }).table(String((load.destinationTable as { tableId: string }).tableId), {
        location: this.target.location,
      });
      const stream = table.createWriteStream_({ ...load, jobId });
      const created = once(stream, 'job') as Promise<[{ metadata: JobResource } | null]>;
      created.catch(() => undefined);
      try {
        await pipeline(createReadStream(file), stream);
        const [job] = await created;
        if (!job) throw new BigQueryError('the upload answered without a job reference', undefined, undefined, true);
        return job.metadata;
      } catch (error) {
        if (attempt > 1 && classify(error).status === 409) return this.getJob(jobId);
        throw error;
      }
    });
  }
}

function decodeValue(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'INTEGER':
    case 'INT64':
    case 'FLOAT':
    case 'FLOAT64':
      return Number(value);
    case 'BOOLEAN':
    case 'BOOL':
      return value === 'true' || value === true;
    case 'TIMESTAMP': {
      const text = String(value);
      // formatOptions.useInt64Timestamp: microseconds since the epoch; older answers: seconds as a float.
      return /^-?\d+$/.test(text) ? new Date(Number(BigInt(text) / 1000n)) : new Date(Number(text) * 1000);
    }
    default:
      return value;
  }
}
