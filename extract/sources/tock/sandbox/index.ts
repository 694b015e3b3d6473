/**
 * The Tock sandbox: a loopback server playing both the Tock export listing API and the GCS bucket its signed
 * URLs point to (docs/sources/tock.md). Demo data only: every name, email and phone is fictional.
 *
 *   GET /api/data/export/urls
 *     X-Tock-Authorization: <fake JWT>   X-Tock-Scope: {"businessId":..,"businessGroupId":..}
 *     -> {"result":{"guestDataUrls":[...],"reservationDataUrls":[...]}}   (403, empty body, when the headers are wrong)
 *   GET /<bucket>/exports/<group>/<business>/guest-profile-N.json?X-Goog-...
 *     (403/400 XML on a bad or expired signature)
 *
 * Export files are listed in shuffled order (clients must sort by N). The number of exports persists in
 * <stateDir>/tock.json, so each `advance()` (or a later run) sees one more increment file.
 */
import { randomBytes, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dataSettings } from '../../../kit/sandbox/settings.js';
import type { Faults } from '../../../kit/sandbox/faults.js';
import { createRandom } from '../../../kit/sandbox/random.js';
import { routeHandler, type Reply, type SandboxRequest, type SandboxSpec } from '../../../kit/sandbox/routes.js';
import { startLoopbackServer, type LoopbackServer } from '../../../kit/sandbox/server.js';
import { stateStore } from '../../../kit/sandbox/state.js';
import { fileChunks, fileEtag, tockBusiness, type TockBusiness, type TockDataConfig, type TockEntity } from './data.js';
import { gcsErrorXml, signUrl, verifySignedRequest } from './signing.js';

export interface TockSandboxOptions {
  /** Default 42. */
  seed?: number;
  /** How many exports exist (files 1..N per entity); default: the persisted count, else 1. */
  exports?: number;
  /** Where persisted state lives (default <repo>/.local/sandbox). */
  stateDir?: string;
  /** Default 300. */
  guestsInFirstExport?: number;
  /** Default 600. */
  reservationsInFirstExport?: number;
  /** New + changed records in each later export; default 60. */
  changesPerExport?: number;
  /** X-Goog-Expires of issued signed URLs; default 3600. */
  urlTtlSeconds?: number;
  /** Default: parsed from ELT_SANDBOX_FAULTS. */
  faults?: Faults;
  /** Default 1; each business has its own credentials, scope and files. */
  businesses?: number;
  /** Default 0 (any free port). */
  port?: number;
  /** Clock for signing and expiry checks (epoch ms); default Date.now. */
  now?: () => number;
  /** Key of the URL signatures; default random per instance (URLs die with the sandbox, as real ones expire). */
  signingSecret?: string;
  /**
   * Generate each file once into this directory and serve it from disk (with Content-Length), so that
   * benchmarks measure the client, not the generator.
   */
  cacheDir?: string;
}

export interface TockSandbox {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  /** TOCK_API_URL, X_TOCK_AUTH, X_TOCK_SCOPE, TOCK_ALLOWED_FILE_HOSTS for business `business` (1-based, default 1). */
  env(business?: number): Record<string, string>;
  /** Simulates one more export (persisted). */
  advance(): Promise<void>;
  /** What was served, in arrival order (path without query: signed queries are credentials). */
  requests(): { path: string; status: number }[];
  /** Current number of exports. */
  exports(): number;
  /** Business identities (ids, names), 1-based. */
  business(index?: number): TockBusiness;
  close(): Promise<void>;
}

const TOCK_BUCKET = 'tock-sandbox-data-export';
const SERVICE_ACCOUNT = 'data-export@tock-sandbox.iam.gserviceaccount.com';
const LISTING_PATH = '/api/data/export/urls';
const STATE_NAME = 'tock';

interface Credentials {
  business: TockBusiness;
  token: string;
  scope: string;
  /** Object path prefix inside the bucket. */
  prefix: string;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** A JWT-shaped credential, deterministic per seed and business (so a saved .env keeps working). */
function fakeJwt(seed: number, biz: TockBusiness): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({
      iss: 'tock-sandbox',
      aud: 'tock-data-export',
      sub: `business:${biz.id}`,
      businessId: biz.id,
      businessGroupId: biz.groupId,
      iat: 1_700_000_000,
    }),
  );
  const sig = createHmac('sha256', `tock-sandbox-jwt-${seed}`).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

export async function startTockSandbox(options: TockSandboxOptions = {}): Promise<TockSandbox> {
  const { faults, data: cfg } = dataSettings<Omit<TockDataConfig, 'seed' | 'malformedRecordRate'>>(options, {
    guestsInFirstExport: 300,
    reservationsInFirstExport: 600,
    changesPerExport: 60,
  });
  const { seed } = cfg;
  const ttl = options.urlTtlSeconds ?? 3600;
  const now = options.now ?? Date.now;
  const store = stateStore(STATE_NAME, { exports: 1 }, options.stateDir);
  let exports = options.exports ?? (await store.load()).exports;
  if (!Number.isInteger(exports) || exports < 1)
    throw new Error(`tock sandbox: exports must be a positive integer (got ${exports})`);
  const businessCount = options.businesses ?? 1;
  const signingSecret = options.signingSecret ?? randomBytes(32).toString('hex');

  const creds: Credentials[] = [];
  for (let b = 1; b <= businessCount; b++) {
    const business = tockBusiness(seed, b);
    creds.push({
      business,
      token: fakeJwt(seed, business),
      scope: JSON.stringify({ businessId: business.id, businessGroupId: business.groupId }),
      prefix: `exports/${business.groupId}/${business.id}`,
    });
  }
  const byToken = new Map(creds.map((c) => [c.token, c]));
  const byPrefix = new Map(creds.map((c) => [c.prefix, c]));

  const log: { path: string; res: { statusCode: number } }[] = [];
  let server: LoopbackServer | undefined;

  const credentialsOf = (request: SandboxRequest): Credentials | undefined => {
    const c = byToken.get(String(request.headers['x-tock-authorization'] ?? '').trim());
    return c && scopeMatches(request.headers['x-tock-scope'], c.business) ? c : undefined;
  };

  const listing = (c: Credentials): Reply => {
    const baseUrl = server?.url ?? '';
    const urls = (entity: TockEntity) => {
      const ns = Array.from({ length: exports }, (_, i) => i + 1);
      let order = createRandom(seed, c.business.index, entity, 'listing', exports).shuffle(ns);
      if (order.length > 1 && order.every((v, i) => v === i + 1)) order = [...order.slice(1), order[0] as number];
      const sign = { baseUrl, secret: signingSecret, serviceAccount: SERVICE_ACCOUNT, expiresSeconds: ttl };
      const objectPath = (n: number) => `/${TOCK_BUCKET}/${c.prefix}/${entity}-${n}.json`;
      return order.map((n) => signUrl({ ...sign, path: objectPath(n), nowMs: now() }));
    };
    return { json: { result: { guestDataUrls: urls('guest-profile'), reservationDataUrls: urls('reservation') } } };
  };

  const cached = async (
    business: number,
    entity: TockEntity,
    n: number,
    etag: string,
  ): Promise<{ path: string; size: number }> => {
    const file = path.join(options.cacheDir!, `${entity}-${n}-b${business}-${etag.replace(/"/g, '')}.json`);
    const existing = await stat(file).catch(() => undefined);
    if (existing) return { path: file, size: existing.size };
    await mkdir(options.cacheDir!, { recursive: true });
    const partial = `${file}.partial`;
    await pipeline(Readable.from(fileChunks(cfg, business, entity, n)), createWriteStream(partial));
    await rename(partial, file);
    return { path: file, size: (await stat(file)).size };
  };

  const xml = (status: number, code: string, message: string, details?: string): Reply => ({
    status,
    text: gcsErrorXml(code, message, details),
    headers: { 'content-type': 'application/xml; charset=UTF-8' },
  });
  /** Storage checks the signature before it looks for the object, as GCS does. */
  const refusedSignature = (request: SandboxRequest): Reply | undefined => {
    const { pathname, searchParams } = request.url;
    const verdict = verifySignedRequest(request.method, pathname, searchParams, signingSecret, now());
    return verdict.ok ? undefined : xml(verdict.status, verdict.code, verdict.message, verdict.details);
  };
  const noSuchKey = (request: SandboxRequest) =>
    xml(404, 'NoSuchKey', 'The specified key does not exist.', `No such object: ${request.url.pathname.slice(1)}`);

  const object = async (request: SandboxRequest): Promise<Reply> => {
    const refused = refusedSignature(request);
    if (refused) return refused;
    const c = byPrefix.get(`exports/${request.params.group}/${request.params.business}`);
    const m = /^(guest-profile|reservation)-(\d+)\.json$/.exec(request.params.file ?? '');
    const n = m ? Number(m[2]) : 0;
    if (!m || !c || n < 1 || n > exports || String(n) !== m[2]) return noSuchKey(request);
    const entity = m[1] as TockEntity;
    const etag = fileEtag(cfg, c.business.index, entity, n);
    if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
    const headers = {
      'content-type': 'application/json',
      etag,
      'cache-control': 'private, max-age=0',
      'x-goog-storage-class': 'STANDARD',
    };
    if (options.cacheDir) {
      const file = await cached(c.business.index, entity, n, etag);
      const stream = createReadStream(file.path, { highWaterMark: 256 * 1024 });
      return { stream, headers: { ...headers, 'content-length': String(file.size) } };
    }
    // Pull-based: the generator makes the next ~64 KB only when the socket has taken the previous chunk.
    const chunks = fileChunks(cfg, c.business.index, entity, n);
    return { stream: Readable.from(chunks, { objectMode: false, highWaterMark: 64 * 1024 }), headers };
  };

  const spec: SandboxSpec = {
    routes: [
      { method: 'GET', path: LISTING_PATH, handle: (request) => listing(credentialsOf(request)!) },
      // The signed query is the credential of a storage URL.
      { method: 'GET', path: `/${TOCK_BUCKET}/exports/:group/:business/:file`, public: true, handle: object },
    ],
    // As the real API: 403 with an empty body.
    auth: (request) => (credentialsOf(request) ? undefined : { status: 403, text: '' }),
    notFound(request) {
      if (request.method !== 'GET') {
        return { status: 405, json: { error: 'method_not_allowed' }, headers: { allow: 'GET' } };
      }
      if (request.url.pathname.startsWith(`/${TOCK_BUCKET}/`)) return refusedSignature(request) ?? noSuchKey(request);
      return { status: 404, json: { error: 'not_found', path: request.url.pathname } };
    },
    faults,
    faultBody,
    seed,
  };
  const handler = routeHandler(spec);
  server = await startLoopbackServer(
    (req, res) => {
      // The status is read when asked (set by writeHead); a truncated response reports the status it started with.
      log.push({ path: (req.url ?? '/').split('?')[0]!, res });
      return handler(req, res);
    },
    { port: options.port },
  );
  const srv = server;

  const pick = (business = 1): Credentials => {
    const c = creds[business - 1];
    if (!c) throw new RangeError(`tock sandbox has businesses 1..${creds.length}, not ${business}`);
    return c;
  };

  return {
    url: srv.url,
    env(business = 1) {
      const c = pick(business);
      return {
        TOCK_API_URL: srv.url,
        X_TOCK_AUTH: c.token,
        X_TOCK_SCOPE: c.scope,
        TOCK_ALLOWED_FILE_HOSTS: new URL(srv.url).host,
      };
    },
    async advance() {
      exports += 1;
      await store.save({ exports });
    },
    requests: () => log.map((e) => ({ path: e.path, status: e.res.statusCode })),
    exports: () => exports,
    business: (index = 1) => pick(index).business,
    close: () => srv.close(),
  };
}

/** Injected errors as each side answers them: storage with GCS XML, the listing's CDN with an HTML page. */
function faultBody(status: number, req: IncomingMessage): { contentType: string; body: string } {
  if ((req.url ?? '').startsWith(`/${TOCK_BUCKET}/`)) {
    const [code, message] =
      status === 429
        ? ['SlowDown', 'Please reduce your request rate.']
        : ['InternalError', 'We encountered an internal error. Please try again.'];
    return { contentType: 'application/xml; charset=UTF-8', body: gcsErrorXml(code, message) };
  }
  const head = `<head><title>${status} Service Unavailable</title></head>`;
  const body = `<body><h1>Service Unavailable</h1><p>sandbox fault ${status}</p></body>`;
  return { contentType: 'text/html; charset=UTF-8', body: `<!DOCTYPE html><html>${head}${body}</html>` };
}

function scopeMatches(header: string | string[] | undefined, biz: TockBusiness): boolean {
  if (typeof header !== 'string') return false;
  let scope: unknown;
  try {
    scope = JSON.parse(header);
  } catch {
    return false;
  }
  if (!scope || typeof scope !== 'object') return false;
  const s = scope as Record<string, unknown>;
  const asText = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  return asText(s.businessId) === biz.id && asText(s.businessGroupId) === biz.groupId;
}
