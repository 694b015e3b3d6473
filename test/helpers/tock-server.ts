/**
 * A scriptable stand-in for Tock (listing API + storage bucket) for failure scenarios the realistic sandbox
 * does not play on demand. Files are served from memory by name; URLs carry `?gen=N&X-Goog-Signature=...`
 * and a URL of an older generation is refused with 400 and a GCS-like ExpiredToken XML body.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from '../../extract/kit/sandbox/server.js';
import { createLogger, silentLogger, type Logger } from '../../extract/kit/log.js';
import { runSource, type SourceRunResult } from '../../extract/kit/runner.js';
import type { SourceDefinition } from '../../extract/kit/source.js';
import type { TockConfig } from '../../extract/sources/tock/config.js';
import { tock } from '../../extract/sources/tock/source.js';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { freshDatabase, type TestDatabase } from './database.js';

export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface ServedFile {
  body: string | Buffer;
  /** Defaults to a quoted md5 of the body. */
  etag?: string;
  /** Sends Content-Length of the whole body, then only this many bytes, then destroys the socket. */
  cutAfterBytes?: number;
}

export interface TockServerOptions {
  auth?: string;
  scope?: string;
  /** Files by name (guest-profile-N.json / reservation-N.json); listed under the entity their name says. */
  files?: Record<string, string | Buffer | ServedFile>;
  /** Runs before the normal listing answer; return an answer to send it instead. `call` is 1-based. */
  onListing?: (call: number) => ScriptedAnswer | undefined;
  /** Runs before the signature/generation check of a file request; may bump the generation or answer itself. */
  onFile?: (name: string, call: number) => ScriptedAnswer | undefined;
  /** Raw URLs appended to the listing (e.g. on hosts that are not allowed). */
  extraUrls?: { guest?: string[]; reservation?: string[] };
}

export interface TockServerRequest {
  kind: 'listing' | 'file' | 'other';
  /** File name for kind 'file'. */
  name?: string;
  /** Generation the request's URL carried (files only). */
  gen?: number;
  status: number;
}

export interface TockServer {
  url: string;
  port: number;
  auth: string;
  scope: string;
  /** Mutable: tests may replace or delete files between runs. */
  files: Map<string, ServedFile>;
  /** Env for runSource; ELT_ENV_FILE points nowhere so a developer's .env never leaks in. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Current URL generation; URLs from older listings are refused once it moves on. */
  generation(): number;
  bumpGeneration(): void;
  /** The X-Goog-Signature value of URLs issued for a generation. */
  signature(gen?: number): string;
  requests(): TockServerRequest[];
  /** Requests for one file name. */
  fileRequests(name: string): TockServerRequest[];
  listingRequests(): number;
  close(): Promise<void>;
}

const FILE_NAME = /^(guest-profile|reservation)-(\d+)\.json$/;

function normalise(file: string | Buffer | ServedFile): ServedFile {
  return typeof file === 'string' || Buffer.isBuffer(file) ? { body: file } : file;
}

function send(res: ServerResponse, answer: ScriptedAnswer): void {
  const body = Buffer.from(answer.body ?? '', 'utf8');
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
  res.end(body);
}

export function expiredTokenXml(): string {
  return (
    "<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code>" +
    '<Message>The provided token has expired.</Message>' +
    '<Details>Request signature expired at: 2025-01-01T00:00:00+00:00</Details></Error>'
  );
}

/** A CDN-style 503 page (HTML, several lines). */
export function cdn503Html(): string {
  return (
    '<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n' +
    '<body><h1>Service Unavailable</h1>\n' +
    '<p>The server is temporarily unable to service your request.</p></body></html>\n'
  );
}

export async function startTockServer(options: TockServerOptions = {}): Promise<TockServer> {
  const auth = options.auth ?? `tock-test-token-${randomBytes(12).toString('hex')}`;
  const scope = options.scope ?? JSON.stringify({ businessId: '31337', businessGroupId: '4242' });
  const files = new Map<string, ServedFile>(
    Object.entries(options.files ?? {}).map(([name, file]) => [name, normalise(file)]),
  );
  const log: { entry: TockServerRequest; res: ServerResponse }[] = [];
  const signatures = new Map<number, string>();
  let generation = 1;
  let listingCalls = 0;
  const fileCalls = new Map<string, number>();
  let server: LoopbackServer | undefined;

  const signature = (gen = generation): string => {
    let sig = signatures.get(gen);
    if (!sig) {
      sig = randomBytes(32).toString('hex');
      signatures.set(gen, sig);
    }
    return sig;
  };

  const fileUrl = (name: string) =>
    `${server?.url ?? ''}/tock-test-bucket/exports/${name}` +
    `?X-Goog-Algorithm=GOOG4-HMAC-SHA256&gen=${generation}&X-Goog-Signature=${signature()}`;

  const listing = (req: IncomingMessage, res: ServerResponse) => {
    listingCalls++;
    const scripted = options.onListing?.(listingCalls);
    if (scripted) return send(res, scripted);
    if (req.headers['x-tock-authorization'] !== auth || req.headers['x-tock-scope'] !== scope)
      return send(res, { status: 403 });
    // Descending on purpose: clients must sort by the file number.
    const names = [...files.keys()].sort((a, b) => Number(FILE_NAME.exec(b)?.[2]) - Number(FILE_NAME.exec(a)?.[2]));
    const urls = (entity: string) => names.filter((n) => FILE_NAME.exec(n)?.[1] === entity).map(fileUrl);
    const result = {
      guestDataUrls: [...urls('guest-profile'), ...(options.extraUrls?.guest ?? [])],
      reservationDataUrls: [...urls('reservation'), ...(options.extraUrls?.reservation ?? [])],
    };
    send(res, { status: 200, body: JSON.stringify({ result }), headers: { 'content-type': 'application/json' } });
  };

  const file = (res: ServerResponse, name: string, params: URLSearchParams, entry: TockServerRequest) => {
    const call = (fileCalls.get(name) ?? 0) + 1;
    fileCalls.set(name, call);
    const scripted = options.onFile?.(name, call);
    if (scripted) return send(res, scripted);
    const gen = Number(params.get('gen'));
    entry.gen = gen;
    if (gen !== generation || params.get('X-Goog-Signature') !== signature(gen)) {
      return send(res, {
        status: 400,
        body: expiredTokenXml(),
        headers: { 'content-type': 'application/xml; charset=UTF-8' },
      });
    }
    const served = files.get(name);
    if (!served)
      return send(res, {
        status: 404,
        body: '<Error><Code>NoSuchKey</Code></Error>',
        headers: { 'content-type': 'application/xml' },
      });
    const body = Buffer.isBuffer(served.body) ? served.body : Buffer.from(served.body, 'utf8');
    const etag = served.etag ?? `"${createHash('md5').update(body).digest('hex')}"`;
    res.writeHead(200, { 'content-type': 'application/json', etag, 'content-length': String(body.length) });
    if (served.cutAfterBytes !== undefined) {
      res.write(body.subarray(0, served.cutAfterBytes), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    res.end(body);
  };

  server = await startLoopbackServer((req, res) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    const entry: TockServerRequest = { kind: 'other', status: 0 };
    log.push({ entry, res });
    if (path === '/api/data/export/urls') {
      entry.kind = 'listing';
      return listing(req, res);
    }
    const m = /^\/tock-test-bucket\/exports\/([^/]+)$/.exec(path);
    if (m) {
      entry.kind = 'file';
      entry.name = decodeURIComponent(m[1]!);
      return file(res, entry.name, params, entry);
    }
    send(res, { status: 404, body: 'not found' });
  });
  const srv = server;

  const requests = () => log.map(({ entry, res }) => ({ ...entry, status: res.statusCode }));
  return {
    url: srv.url,
    port: srv.port,
    auth,
    scope,
    files,
    env: (extra = {}) => ({
      ELT_ENV_FILE: '/dev/null',
      TOCK_API_URL: srv.url,
      X_TOCK_AUTH: auth,
      X_TOCK_SCOPE: scope,
      TOCK_ALLOWED_FILE_HOSTS: `127.0.0.1:${srv.port}`,
      ...extra,
    }),
    generation: () => generation,
    bumpGeneration: () => {
      generation++;
    },
    signature,
    requests,
    fileRequests: (name) => requests().filter((r) => r.kind === 'file' && r.name === name),
    listingRequests: () => requests().filter((r) => r.kind === 'listing').length,
    close: () => srv.close(),
  };
}

/** A JSON array file of the given records (objects are serialised; strings are inserted verbatim). */
export function jsonArray(records: readonly (string | object)[]): string {
  return `[${records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(',\n')}]`;
}

export function guest(patronId: string | number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `profile-${patronId}-${String(extra.version ?? 1)}`,
    patron: { id: patronId, firstName: 'Test', lastName: `Guest ${patronId}` },
    ...extra,
  };
}

export function reservation(id: string | number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, sequenceId: 1, partySize: 2, partyState: 'BOOKED', ...extra };
}

// ---------------------------------------------------------------- running the source in-process

/** The Tock source with fast retries (5 ms base, 20 ms cap), same entities and settings otherwise. */
export const fastTock: SourceDefinition<TockConfig> = {
  ...tock,
  http: { ...tock.http, retry: { baseDelayMs: 5, maxDelayMs: 20 } },
};

export interface RunTockOptions {
  source?: SourceDefinition<TockConfig>;
  full?: boolean;
  runId?: number;
  log?: Logger;
}

const warehouses = new WeakMap<TestDatabase, ReturnType<TestDatabase['warehouse']>>();

/** One warehouse (one pool) per test database, however many runs a test file makes. */
function warehouseOf(db: TestDatabase): ReturnType<TestDatabase['warehouse']> {
  let warehouse = warehouses.get(db);
  if (!warehouse) {
    warehouse = db.warehouse();
    warehouses.set(db, warehouse);
  }
  return warehouse;
}

/** Empties what Tock runs write (raw tables, state, quarantine), so tests of one file can share a database. */
export async function resetTock(db: TestDatabase): Promise<void> {
  await warehouseOf(db);
  await db.query('truncate raw.raw_tock_guest, raw.raw_tock_reservation, elt.state, elt.quarantine restart identity');
}

export async function runTock(
  db: TestDatabase,
  env: Record<string, string>,
  options: RunTockOptions = {},
): Promise<SourceRunResult> {
  return runSource(options.source ?? fastTock, {
    warehouse: await warehouseOf(db),
    runId: options.runId ?? 1,
    env: { ELT_ENV_FILE: '/dev/null', ...env },
    full: options.full ?? false,
    log: options.log ?? silentLogger,
    signal: new AbortController().signal,
  });
}

/** A JSON-lines logger whose output the test can read. */
export function captureLogs(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  return {
    lines,
    logger: createLogger({ format: 'json', level: 'debug', sink: { write: (line) => lines.push(line) } }),
  };
}

/**
 * Per-file setup of the scripted-server suites: a fresh database, Tock state reset before each test, and
 * every server a test starts closed after it.
 */
export function tockTestbed(databaseName: string): {
  db: () => TestDatabase;
  server: (options: TockServerOptions) => Promise<TockServer>;
} {
  let db: TestDatabase | undefined;
  const servers: TockServer[] = [];
  beforeAll(async () => {
    db = await freshDatabase(databaseName);
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await resetTock(db!);
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  return {
    db: () => db!,
    async server(options) {
      const s = await startTockServer(options);
      servers.push(s);
      return s;
    },
  };
}
