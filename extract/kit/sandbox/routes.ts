/**
 * Declarative sandboxes: a vendor's sandbox is a route table plus a data generator. The kit matches
 * routes (`/tasks/:id/status`), checks auth, answers rate limits with 429 and reset headers (the same
 * token bucket as the client's limiter), applies the fault switches, and pages lists the way vendors do
 * (page number, offset, cursor, Link header), so a sandbox only says where its records come from.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { TokenBucket, type RateLimit } from '../http/rate-limiter.js';
import { withFaults, type Faults, type WithFaultsOptions } from './faults.js';
import { readBody, send, startLoopbackServer, type LoopbackServer } from './server.js';

export interface SandboxRequest {
  method: string;
  url: URL;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body, if any. */
  body: unknown;
  /** A query parameter, or undefined. */
  query(name: string): string | undefined;
}

export interface Reply {
  status?: number;
  /** A value sent as JSON. */
  json?: unknown;
  /** JSON text already rendered (records with ids beyond 2^53 written digit for digit). */
  text?: string;
  /** A body too big to hold (an export file), sent as the client reads it; chunked unless `headers` give its length. */
  stream?: Readable;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/tasks/:id/status`: `:name` segments become params. */
  path: string;
  /** Routes that need no credentials (a login, a token exchange). */
  public?: boolean;
  handle(request: SandboxRequest): Reply | Promise<Reply>;
}

export interface SandboxRateLimit extends RateLimit {
  /** Which bucket a request draws from (an account, a token); default one for all; undefined: not limited by this. */
  key?(request: SandboxRequest): string | undefined;
  /** Headers of a 429, given the ms until the next token; default `Retry-After` in whole seconds. */
  headers?(waitMs: number, now: number): Record<string, string>;
  /** Body of a 429. */
  body?: unknown;
}

export interface SandboxSpec {
  routes: readonly Route[];
  /** A refusal (401) when the request's credentials are wrong, else undefined. */
  auth?(request: SandboxRequest): Reply | undefined;
  /** Switchable at run time: the limits in force (a request needs a token from each that applies), or undefined. */
  rateLimit?(): SandboxRateLimit | readonly SandboxRateLimit[] | undefined;
  faults?: Faults;
  /** Body of injected errors (a storage API answers XML); default JSON. */
  faultBody?: WithFaultsOptions['errorBody'];
  seed?: number;
  /** Answer for a path no route matches; default a JSON 404. */
  notFound?(request: SandboxRequest): Reply;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

export function reply(res: ServerResponse, answer: Reply): void {
  const status = answer.status ?? 200;
  if (answer.stream) {
    res.writeHead(status, answer.headers);
    // A client that went away or a fault that cut the body ends the pipe; nothing else to clean up.
    pipeline(answer.stream, res, () => {});
    return;
  }
  const text = answer.text ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
  send(res, status, text, { ...(text && { 'content-type': 'application/json; charset=utf-8' }), ...answer.headers });
}

/** A request as routes see it, its body already read and parsed. */
export function sandboxRequest(req: IncomingMessage, body: unknown): SandboxRequest {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const query = (name: string) => url.searchParams.get(name) ?? undefined;
  return { method: req.method ?? 'GET', url, params: {}, headers: req.headers, body, query };
}

/**
 * The route table as a function from a request to its reply: the route, its auth check, the rate limit.
 * A sandbox that keeps a request log or scripted answers for tests wraps this with its own server.
 */
export function routeTable(spec: SandboxSpec): (request: SandboxRequest) => Promise<Reply> {
  const compiled = spec.routes.map(compile);
  const buckets = new Map<string, TokenBucket>();
  return async (request) => {
    const { pathname } = request.url;
    const match = compiled
      .filter((c) => c.route.method === request.method)
      .map((c) => ({ c, m: c.pattern.exec(pathname) }))
      .find((x) => x.m);
    if (!match) return spec.notFound?.(request) ?? { status: 404, json: { error: 'not_found', path: pathname } };
    match.c.names.forEach((name, i) => (request.params[name] = decodeURIComponent(match.m![i + 1]!)));
    if (!match.c.route.public) {
      const refusal = spec.auth?.(request);
      if (refusal) return { status: 401, ...refusal };
    }
    const now = Date.now();
    const drawn: TokenBucket[] = [];
    for (const [i, limit] of ([] as SandboxRateLimit[]).concat(spec.rateLimit?.() ?? []).entries()) {
      const key = limit.key ? limit.key(request) : '*';
      if (key === undefined) continue;
      // A limit switched at run time starts a bucket of its own.
      const id = `${i} ${key} ${limit.requestsPerSecond}/${limit.burst ?? 1}`;
      const bucket = buckets.get(id) ?? new TokenBucket(limit);
      buckets.set(id, bucket);
      const at = bucket.earliest(now);
      // Refused by one limit, the request uses up nothing of the others.
      if (at > now) {
        const wait = at - now;
        const headers = limit.headers?.(wait, now) ?? { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) };
        return { status: 429, json: limit.body ?? { error: 'rate_limited' }, headers };
      }
      drawn.push(bucket);
    }
    for (const bucket of drawn) bucket.take(now);
    return match.c.route.handle(request);
  };
}

/** The request handler of a declared sandbox. */
export function routeHandler(spec: SandboxSpec) {
  const table = routeTable(spec);
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = req.method === 'GET' ? '' : await readBody(req);
    reply(res, await table(sandboxRequest(req, text ? JSON.parse(text) : undefined)));
  };
  return spec.faults ? withFaults(handler, spec.faults, { seed: spec.seed, errorBody: spec.faultBody }) : handler;
}

export function startRoutes(spec: SandboxSpec, port?: number): Promise<LoopbackServer> {
  return startLoopbackServer(routeHandler(spec), { port });
}

// ---------------------------------------------------------------- paging, as vendors do it

/** A list of records as JSON: values, or texts already rendered. */
export type Records = readonly unknown[] | { texts: readonly string[] };

function listText(records: Records): string {
  return 'texts' in records ? `[${records.texts.join(',')}]` : JSON.stringify(records);
}

/** The list alone (a bare array), or inside an envelope object with more fields (`{customers: [...], total}`). */
export function listReply(records: Records, envelope?: { key: string; fields?: Record<string, unknown> }, headers?: Record<string, string>): Reply {
  if (!envelope) return { text: listText(records), headers };
  const fields = Object.entries(envelope.fields ?? {}).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return { text: `{${JSON.stringify(envelope.key)}:${listText(records)}${fields.join('')}}`, headers };
}

export interface PageWindow {
  start: number;
  count: number;
}

/**
 * The slice a page-number request asks for: `page` (1-based) and a size parameter, with the vendor's
 * default and maximum; a bad number is a 400 reply.
 */
export function pageNumberSlice(request: SandboxRequest, options: { page?: string; size: string; defaultSize: number; maxSize: number }): PageWindow | Reply {
  const page = Number(request.query(options.page ?? 'page') ?? '1');
  const size = Number(request.query(options.size) ?? options.defaultSize);
  if (!Number.isInteger(page) || page < 1) return { status: 400, json: { error: 'invalid_page', description: `page must be a positive integer` } };
  if (!Number.isInteger(size) || size < 1) return { status: 400, json: { error: 'invalid_size', description: `${options.size} must be a positive integer` } };
  const count = Math.min(size, options.maxSize);
  return { start: (page - 1) * count, count };
}

/** An opaque cursor for a position in a list, bound to the query it belongs to. */
export function encodeCursor(position: number, query: string): string {
  return Buffer.from(JSON.stringify([position, query])).toString('base64url');
}

/** The position of a cursor made by encodeCursor for the same query; undefined when it is not one. */
export function decodeCursor(cursor: string, query: string): number | undefined {
  try {
    const [position, bound] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    return typeof position === 'number' && bound === query ? position : undefined;
  } catch {
    return undefined;
  }
}

export const isReply = (value: PageWindow | Reply): value is Reply => !('count' in value && 'start' in value);
