/**
 * A loopback HTTP server playing the slice of the BigQuery REST API (v2) the warehouse uses, recording every
 * request: datasets.get/insert, tables.list/insert/delete, jobs.insert (JSON and multipart upload),
 * jobs.get, jobs.getQueryResults. It also plays the GCS upload endpoints for staged loads.
 *
 * It is not a SQL engine. A query job's answer comes from `onQuery` (tests program it); the default
 * answers no rows. Two things are modelled because tests need their behaviour, not just their bytes:
 * the run lock's lease row (by statement shape) and load jobs (NDJSON lines are counted, rows a test
 * marks bad are rejected with BigQuery's error wording, good lines are kept per table).
 * Faults (HTTP errors, job errors) are injected with `fail`.
 */
import { createHash } from 'node:crypto';
import { CRC32C } from '@google-cloud/storage';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  json?: any;
  /** Multipart uploads: the job resource and the media bytes. */
  multipart?: { metadata: any; media: Buffer };
  /** The status the fake answered with. */
  status?: number;
  answer?: string;
}

export interface QueryAnswer {
  rows?: Record<string, unknown>[];
  /** BigQuery types of the result columns; strings when omitted. */
  types?: Record<string, string>;
  numDmlAffectedRows?: number;
  /** The job ends with this error. */
  error?: { reason: string; message: string };
}

export interface Fault {
  method?: string;
  path: RegExp;
  status: number;
  body?: unknown;
  /** How many matching requests fail (then it is spent). */
  times: number;
  /** Handle the request first, then answer with the error (the request "went through" but its answer was lost). */
  afterHandling?: boolean;
}

interface Job {
  resource: any;
  polls: number;
  answer: QueryAnswer;
  /** What status.errorResult / status.errors become when the job is DONE. */
  final: { errorResult?: any; errors?: any[] };
  /** For load jobs: the destination and the lines that were accepted. */
  load?: { table: string; accepted: string[] };
}

export interface FakeBigQueryOptions {
  /** jobs.get calls that answer RUNNING before DONE. */
  pollsBeforeDone?: number;
  /** Datasets that exist from the start, with their location. */
  datasets?: Record<string, string>;
}

function apiError(status: number, reason: string, message: string) {
  return { error: { code: status, message, errors: [{ reason, message, domain: 'global' }], status: reason } };
}

function parseMultipart(contentType: string, body: Buffer): { metadata: any; media: Buffer } {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    parts.push(body.subarray(start, next < 0 ? body.length : next));
    at = next;
  }
  const decoded = parts.map((part) => {
    const headerEnd = part.indexOf('\r\n\r\n');
    let content = part.subarray(headerEnd + 4);
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    return content;
  });
  return { metadata: JSON.parse(decoded[0]!.toString('utf8')), media: decoded[1] ?? Buffer.alloc(0) };
}

export class FakeBigQuery {
  readonly requests: RecordedRequest[] = [];
  readonly datasets = new Map<string, { location: string }>();
  readonly tables = new Map<string, any>(); // "dataset.table" -> resource
  /** Rows accepted by load jobs, per "dataset.table" (cleared when the table is deleted). */
  readonly loaded = new Map<string, string[]>();
  /** The same, never cleared. */
  readonly loadedHistory = new Map<string, string[]>();
  readonly jobs = new Map<string, Job>();
  /** GCS objects uploaded for staged loads: "bucket/name" -> bytes. */
  readonly objects = new Map<string, Buffer>();
  faults: Fault[] = [];
  /** Programs query answers; the default (and anything it leaves undefined) answers no rows. */
  onQuery: (sql: string, params: Record<string, unknown>, job: any) => QueryAnswer | undefined = () => undefined;
  /** Marks NDJSON lines of a load as bad: return BigQuery's reason text for a bad line. */
  rejectLine: (line: string) => string | undefined = () => undefined;
  /** Load jobs end with this error for the next `times` loads. */
  loadJobErrors: { reason: string; message: string; times: number }[] = [];
  /** The lock's lease row, modelled. */
  lock: { holder: string | null; expiresAt: number } | undefined;
  private server?: Server;
  private nextUploadSession = 0;
  private readonly uploadSessions = new Map<string, { bucket: string; name: string; bytes: Buffer; done: boolean }>();
  pollsBeforeDone: number;
  endpoint = '';

  constructor(options: FakeBigQueryOptions = {}) {
    this.pollsBeforeDone = options.pollsBeforeDone ?? 1;
    for (const [name, location] of Object.entries(options.datasets ?? {})) this.datasets.set(name, { location });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Query jobs' SQL, in order. */
  queries(): { sql: string; params: Record<string, unknown>; labels: any }[] {
    return this.requests
      .filter((r) => r.method === 'POST' && /\/jobs$/.test(r.path) && r.json?.configuration?.query)
      .map((r) => ({
        sql: r.json.configuration.query.query,
        params: paramValues(r.json.configuration.query.queryParameters ?? []),
        labels: r.json.configuration.labels,
      }));
  }

  uploads(): RecordedRequest[] {
    return this.requests.filter((r) => r.multipart);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    const contentType = String(req.headers['content-type'] ?? '');
    try {
      if (contentType.startsWith('multipart/related')) recorded.multipart = parseMultipart(contentType, body);
      else if (contentType.includes('json') && body.length) recorded.json = JSON.parse(body.toString('utf8'));
    } catch {
      // recorded as bytes
    }
    this.requests.push(recorded);
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      const text = payload === undefined ? '' : JSON.stringify(payload);
      recorded.status = status;
      recorded.answer = text;
      res.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=UTF-8' } : {}), ...headers });
      res.end(text);
    };
    // BigQuery calls must carry credentials. (The storage client sends none to a custom, non-Google
    // endpoint by design, so GCS calls are not checked.)
    if (!req.headers.authorization && /^\/(upload\/)?bigquery\//.test(recorded.path)) {
      const message =
        'Request is missing required authentication credential. ' +
        'Expected OAuth 2 access token, login cookie or other valid authentication credential.';
      send(401, apiError(401, 'required', message));
      return;
    }
    const fault = this.faults.find(
      (f) => f.times > 0 && (!f.method || f.method === recorded.method) && f.path.test(recorded.path),
    );
    if (fault) {
      fault.times--;
      const error =
        fault.body ??
        apiError(fault.status, fault.status === 429 ? 'rateLimitExceeded' : 'backendError', `injected ${fault.status}`);
      if (fault.afterHandling) this.route(recorded, () => undefined);
      send(fault.status, error);
      return;
    }
    try {
      this.route(recorded, send);
    } catch (error) {
      send(500, apiError(500, 'internalError', (error as Error).message));
    }
  }

  private route(
    r: RecordedRequest,
    send: (status: number, payload?: unknown, headers?: Record<string, string>) => void,
  ): void {
    let m: RegExpExecArray | null;
    if ((m = /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(r.path)) && r.method === 'POST') {
      return send(200, this.insertLoadJob(m[1]!, r.multipart!.metadata, r.multipart!.media));
    }
    if ((m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(r.path)) && r.method === 'POST') {
      return this.gcsUpload(m[1]!, r, send);
    }
    if ((m = /^\/gcs-session\/(\d+)$/.exec(r.path)) && r.method === 'PUT') {
      const session = this.uploadSessions.get(m[1]!);
      if (!session) return send(404, apiError(404, 'notFound', 'no session'));
      // "bytes */*" asks how much has arrived; "bytes <from>-..." sends the rest from <from> on.
      const range = /^bytes (\d+)-/.exec(String(r.headers['content-range'] ?? ''));
      const received: Record<string, string> = session.bytes.length
        ? { range: `bytes=0-${session.bytes.length - 1}` }
        : {};
      if (!range && !session.done) return send(308, undefined, received);
      if (range) session.bytes = Buffer.concat([session.bytes.subarray(0, Number(range[1])), r.body]);
      session.done = true;
      this.objects.set(`${session.bucket}/${session.name}`, session.bytes);
      return send(200, objectResource(session.bucket, session.name, session.bytes));
    }
    if ((m = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(r.path)) && r.method === 'DELETE') {
      const key = `${m[1]}/${decodeURIComponent(m[2]!)}`;
      if (!this.objects.delete(key)) return send(404, apiError(404, 'notFound', 'No such object'));
      return send(204);
    }
    m = /^\/bigquery\/v2\/projects\/([^/]+)\/(.*)$/.exec(r.path);
    if (!m) return send(404, apiError(404, 'notFound', `no route ${r.path}`));
    const project = m[1]!;
    const rest = m[2]!;
    if ((m = /^datasets\/([^/]+)$/.exec(rest))) {
      const dataset = this.datasets.get(m[1]!);
      if (r.method === 'GET') {
        if (!dataset) return send(404, apiError(404, 'notFound', `Not found: Dataset ${project}:${m[1]}`));
        return send(200, { datasetReference: { projectId: project, datasetId: m[1] }, location: dataset.location });
      }
    }
    if (rest === 'datasets' && r.method === 'POST') {
      const id = r.json.datasetReference.datasetId;
      if (this.datasets.has(id))
        return send(409, apiError(409, 'duplicate', `Already Exists: Dataset ${project}:${id}`));
      this.datasets.set(id, { location: r.json.location ?? 'US' });
      return send(200, { ...r.json, id: `${project}:${id}` });
    }
    if ((m = /^datasets\/([^/]+)\/tables$/.exec(rest))) {
      const dataset = m[1]!;
      if (!this.datasets.has(dataset))
        return send(404, apiError(404, 'notFound', `Not found: Dataset ${project}:${dataset}`));
      if (r.method === 'GET') {
        const tables = [...this.tables.entries()]
          .filter(([k]) => k.startsWith(`${dataset}.`))
          .map(([, t]) => ({ tableReference: t.tableReference, type: t.view ? 'VIEW' : 'TABLE' }));
        return send(200, { tables, totalItems: tables.length });
      }
      if (r.method === 'POST') {
        const key = `${dataset}.${r.json.tableReference.tableId}`;
        if (this.tables.has(key))
          return send(409, apiError(409, 'duplicate', `Already Exists: Table ${project}:${key}`));
        this.tables.set(key, r.json);
        return send(200, r.json);
      }
    }
    if ((m = /^datasets\/([^/]+)\/tables\/([^/]+)$/.exec(rest)) && r.method === 'DELETE') {
      const key = `${m[1]}.${m[2]}`;
      if (!this.tables.delete(key)) return send(404, apiError(404, 'notFound', `Not found: Table ${project}:${key}`));
      this.loaded.delete(key);
      return send(204);
    }
    if (rest === 'jobs' && r.method === 'POST') {
      const id = r.json.jobReference.jobId;
      if (this.jobs.has(id))
        return send(
          409,
          apiError(409, 'duplicate', `Already Exists: Job ${project}:${r.json.jobReference.location}.${id}`),
        );
      if (r.json.configuration.load)
        return send(
          200,
          this.insertLoadJob(project, r.json, this.gcsMedia(r.json.configuration.load.sourceUris ?? [])),
        );
      return send(200, this.insertQueryJob(r.json));
    }
    if ((m = /^jobs\/([^/]+)$/.exec(rest)) && r.method === 'GET') {
      const job = this.jobs.get(m[1]!);
      if (!job) return send(404, apiError(404, 'notFound', `Not found: Job ${project}:${m[1]}`));
      job.polls++;
      if (job.polls >= this.pollsBeforeDone) this.finish(job);
      return send(200, job.resource);
    }
    if ((m = /^queries\/([^/]+)$/.exec(rest)) && r.method === 'GET') {
      const job = this.jobs.get(m[1]!);
      if (!job) return send(404, apiError(404, 'notFound', `Not found: Job ${project}:${m[1]}`));
      if (job.resource.status.state !== 'DONE')
        return send(200, { jobReference: job.resource.jobReference, jobComplete: false });
      if (job.answer.error) return send(400, apiError(400, job.answer.error.reason, job.answer.error.message));
      const rows = job.answer.rows ?? [];
      const names = rows.length ? Object.keys(rows[0]!) : [];
      const fields = names.map((name) => ({ name, type: job.answer.types?.[name] ?? 'STRING' }));
      return send(200, {
        jobReference: job.resource.jobReference,
        jobComplete: true,
        schema: { fields },
        rows: rows.map((row) => ({
          f: names.map((n) => ({ v: row[n] === null || row[n] === undefined ? null : String(row[n]) })),
        })),
        totalRows: String(rows.length),
      });
    }
    return send(404, apiError(404, 'notFound', `no route ${r.method} ${r.path}`));
  }

  private finish(job: Job): void {
    if (job.resource.status.state === 'DONE') return;
    job.resource.status = { state: 'DONE', ...job.final };
    if (job.load && !job.final.errorResult) {
      const key = job.load.table;
      this.loaded.set(key, [...(this.loaded.get(key) ?? []), ...job.load.accepted]);
      this.loadedHistory.set(key, [...(this.loadedHistory.get(key) ?? []), ...job.load.accepted]);
    }
  }

  private insertQueryJob(body: any): any {
    const query = body.configuration.query;
    const params = paramValues(query.queryParameters ?? []);
    const answer = this.modelled(query.query, params) ?? this.onQuery(query.query, params, body) ?? {};
    const resource = {
      ...body,
      id: `${body.jobReference.projectId}:${body.jobReference.location}.${body.jobReference.jobId}`,
      status: { state: 'RUNNING' },
      statistics:
        answer.numDmlAffectedRows !== undefined
          ? { query: { numDmlAffectedRows: String(answer.numDmlAffectedRows) } }
          : { query: {} },
    };
    const final = answer.error ? { errorResult: answer.error, errors: [answer.error] } : {};
    this.jobs.set(body.jobReference.jobId, { resource, polls: 0, answer, final });
    return resource;
  }

  private insertLoadJob(project: string, body: any, media: Buffer): any {
    const load = body.configuration.load;
    const table = `${load.destinationTable.datasetId}.${load.destinationTable.tableId}`;
    const jobId = body.jobReference?.jobId ?? `upload_${this.jobs.size}`;
    const resource: any = {
      ...body,
      jobReference: { projectId: project, location: body.jobReference?.location, jobId },
      status: { state: 'RUNNING' },
    };
    if (this.jobs.has(jobId)) throw new Error(`duplicate job ${jobId}`);
    const injected = this.loadJobErrors.find((e) => e.times > 0);
    const failed = (error: { reason: string; message: string }) => {
      this.jobs.set(jobId, { resource, polls: 0, answer: {}, final: { errorResult: error, errors: [error] } });
      return resource;
    };
    if (injected) {
      injected.times--;
      return failed({ reason: injected.reason, message: injected.message });
    }
    if (!this.tables.has(table)) return failed({ reason: 'notFound', message: `Not found: Table ${project}:${table}` });
    const accepted: string[] = [];
    const errors: any[] = [];
    let position = 0;
    const text = media.toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      const bad = this.rejectLine(line);
      if (bad !== undefined) {
        errors.push({
          reason: 'invalid',
          location: 'file-00000000',
          message:
            'Error while reading data, error message: ' +
            `JSON parsing error in row starting at position ${position}: ${bad}`,
        });
      } else accepted.push(line);
      position += Buffer.byteLength(line) + 1;
    }
    const maxBad = Number(load.maxBadRecords ?? 0);
    let final: Job['final'] = {};
    if (errors.length > maxBad) {
      const summary = {
        reason: 'invalid',
        message:
          'Error while reading data, error message: JSON table encountered too many errors, giving up. ' +
          `Rows: ${lines.length}; errors: ${errors.length}. Please look into the errors[] collection for more details.`,
      };
      final = { errorResult: summary, errors: [summary, ...errors] };
    } else {
      resource.statistics = {
        load: {
          outputRows: String(accepted.length),
          badRecords: String(errors.length),
          inputFileBytes: String(media.length),
        },
      };
      if (errors.length) final = { errors };
    }
    this.jobs.set(jobId, { resource, polls: 0, answer: {}, final, load: { table, accepted } });
    return resource;
  }

  private gcsMedia(uris: string[]): Buffer {
    return Buffer.concat(uris.map((u) => this.objects.get(u.replace(/^gs:\/\//, '')) ?? Buffer.alloc(0)));
  }

  private gcsUpload(
    bucket: string,
    r: RecordedRequest,
    send: (status: number, payload?: unknown, headers?: Record<string, string>) => void,
  ): void {
    const type = r.query.get('uploadType');
    const name = r.query.get('name') ?? r.json?.name ?? r.multipart?.metadata?.name;
    if (type === 'resumable') {
      const id = String(this.nextUploadSession++);
      this.uploadSessions.set(id, { bucket, name, bytes: Buffer.alloc(0), done: false });
      return send(200, {}, { location: `${this.endpoint}/gcs-session/${id}` });
    }
    if (type === 'multipart' && r.multipart) {
      this.objects.set(`${bucket}/${r.multipart.metadata.name}`, r.multipart.media);
      return send(200, objectResource(bucket, r.multipart.metadata.name, r.multipart.media));
    }
    return send(400, apiError(400, 'invalid', `unsupported upload ${type}`));
  }

  /** The run lock's statements, modelled on a single lease row. */
  private modelled(sql: string, params: Record<string, unknown>): QueryAnswer | undefined {
    const now = Date.now();
    if (/run_lock/.test(sql) && /BEGIN TRANSACTION/.test(sql)) {
      const free = !this.lock || this.lock.holder === null || this.lock.expiresAt < now;
      const mine =
        this.lock?.holder === params.holder ||
        (this.lock?.holder !== undefined && this.lock?.holder === params.stale_holder);
      if (free || mine)
        this.lock = { holder: String(params.holder), expiresAt: now + Number(params.lease_seconds) * 1000 };
      return {
        rows: [{ holder: this.lock!.holder, expires_at: String(this.lock!.expiresAt * 1000) }],
        types: { expires_at: 'TIMESTAMP' },
      };
    }
    if (/^UPDATE \S+run_lock`\nSET renewed_at/.test(sql)) {
      const mine = this.lock?.holder === params.holder;
      if (mine) this.lock!.expiresAt = now + Number(params.lease_seconds) * 1000;
      return { numDmlAffectedRows: mine ? 1 : 0 };
    }
    if (/^UPDATE \S+run_lock`\nSET holder = NULL/.test(sql)) {
      const mine = this.lock?.holder === params.holder;
      if (mine) this.lock = { holder: null, expiresAt: 0 };
      return { numDmlAffectedRows: mine ? 1 : 0 };
    }
    return undefined;
  }
}

/** A GCS object resource with the checksums the storage client validates an upload against. */
function objectResource(bucket: string, name: string, bytes: Buffer) {
  const crc32c = new CRC32C();
  crc32c.update(bytes);
  return {
    bucket,
    name,
    size: String(bytes.length),
    crc32c: crc32c.toString(),
    md5Hash: createHash('md5').update(bytes).digest('base64'),
  };
}

/** Query parameters back to plain values (arrays and structs included). */
export function paramValues(parameters: any[]): Record<string, unknown> {
  const decode = (type: any, value: any): unknown => {
    if (!value || (value.value === undefined && !value.arrayValues && !value.structValues)) return null;
    if (type.type === 'ARRAY') return (value.arrayValues ?? []).map((v: any) => decode(type.arrayType, v));
    if (type.type === 'STRUCT')
      return Object.fromEntries(
        type.structTypes.map((s: any) => [s.name, decode(s.type, value.structValues?.[s.name])]),
      );
    return value.value;
  };
  return Object.fromEntries(parameters.map((p) => [p.name, decode(p.parameterType, p.parameterValue)]));
}

/** An auth client that never leaves the machine: a fixed bearer token. */
export function stubAuthClient(token = 'test-token'): any {
  return {
    universeDomain: 'googleapis.com',
    getRequestHeaders: async () => new Headers({ authorization: `Bearer ${token}` }),
    getAccessToken: async () => ({ token }),
    getUniverseDomain: async () => 'googleapis.com',
    getProjectId: async () => 'test-project',
    request: async () => {
      throw new Error('the stub auth client makes no requests');
    },
  };
}
