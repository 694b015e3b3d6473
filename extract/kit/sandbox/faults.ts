/**
 * Fault switches shared by every sandbox, set from code or from the environment:
 *   ELT_SANDBOX_FAULTS="error5xxRate=0.1,status429Burst=3,slowMs=200,truncateBodies,malformedRecordRate=0.01"
 * `withFaults()` applies the HTTP-level ones in front of a sandbox handler; `malformedRecordRate` and
 * `badDayRate` are read by the sandboxes themselves. Every decision is seeded: the same seed and the same
 * request order give the same faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRandom } from './random.js';
import type { SandboxHandler } from './server.js';

export interface Faults {
  /** Share of requests (after the 429 burst) answered with a 5xx (500, 502 or 503). */
  error5xxRate?: number;
  /** The first N requests answer 429 with `Retry-After: 1`. */
  status429Burst?: number;
  /** Delay before every answer. */
  slowMs?: number;
  /** Cut response bodies mid-way and destroy the socket. */
  truncateBodies?: boolean;
  /** With truncateBodies: share of bodies cut (default 1 = every body). */
  truncateRate?: number;
  /** Share of generated records that are not objects or lack their key (used by data generators). */
  malformedRecordRate?: number;
  /** Share of business days whose day-keyed endpoints (e.g. Toast's cash management) answer 400 (used by sandboxes). */
  badDayRate?: number;
  /** Seed for the fault decisions (default: the sandbox's seed). */
  seed?: number;
}

export const FAULTS_ENV = 'ELT_SANDBOX_FAULTS';

const NUMERIC_KEYS = [
  'error5xxRate',
  'status429Burst',
  'slowMs',
  'truncateRate',
  'malformedRecordRate',
  'badDayRate',
  'seed',
] as const;
const BOOLEAN_KEYS = ['truncateBodies'] as const;

/**
 * Parses `key=value,key=value` (`;` and whitespace also separate; a bare boolean key means true). Unknown
 * keys throw.
 */
export function parseFaults(text: string | undefined | null): Faults {
  const faults: Faults = {};
  if (!text) return faults;
  for (const raw of text.split(/[,;\s]+/)) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? undefined : item.slice(eq + 1).trim();
    if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      const v = (value ?? 'true').toLowerCase();
      if (!['true', '1', 'yes', 'on', 'false', '0', 'no', 'off'].includes(v))
        throw new Error(`${FAULTS_ENV}: ${key}=${value} is not a boolean`);
      (faults as Record<string, unknown>)[key] = ['true', '1', 'yes', 'on'].includes(v);
    } else if ((NUMERIC_KEYS as readonly string[]).includes(key)) {
      const n = Number(value);
      if (value === undefined || value === '' || !Number.isFinite(n) || n < 0)
        throw new Error(`${FAULTS_ENV}: ${key}=${value ?? ''} is not a non-negative number`);
      if (key.endsWith('Rate') && n > 1) throw new Error(`${FAULTS_ENV}: ${key}=${value} must be between 0 and 1`);
      (faults as Record<string, unknown>)[key] = n;
    } else {
      throw new Error(
        `${FAULTS_ENV}: unknown fault "${key}" (known: ${[...NUMERIC_KEYS, ...BOOLEAN_KEYS].join(', ')})`,
      );
    }
  }
  return faults;
}

/** The inverse of parseFaults, for logs and child processes. */
export function formatFaults(faults: Faults): string {
  return Object.entries(faults)
    .filter(([, v]) => v !== undefined && v !== false && v !== 0)
    .map(([k, v]) => (v === true ? k : `${k}=${String(v)}`))
    .join(',');
}

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): Faults {
  return parseFaults(env[FAULTS_ENV]);
}

export function hasHttpFaults(f: Faults): boolean {
  return !!(f.error5xxRate || f.status429Burst || f.slowMs || f.truncateBodies);
}

export interface WithFaultsOptions {
  /** Seed for fault decisions when faults.seed is not set. */
  seed?: number;
  /** Requests for which this returns false pass through untouched (and do not count towards the 429 burst). */
  applies?: (req: IncomingMessage) => boolean;
  /** Body of injected errors; default JSON. Storage sandboxes pass an XML one. */
  errorBody?: (status: number, req: IncomingMessage) => { contentType: string; body: string };
  /** Bytes after which a body of unknown length is cut (default 32 KiB; shorter bodies are cut at half). */
  truncateAfterBytes?: number;
}

const defaultErrorBody = (status: number) => ({
  contentType: 'application/json',
  body: JSON.stringify({ error: status === 429 ? 'rate_limited' : 'sandbox_fault', status }),
});

/** Wraps a handler so the HTTP fault switches apply to it. */
export function withFaults(handler: SandboxHandler, faults: Faults, opts: WithFaultsOptions = {}): SandboxHandler {
  if (!hasHttpFaults(faults)) return handler;
  const rng = createRandom(faults.seed ?? opts.seed ?? 0, 'faults');
  const errorBody = opts.errorBody ?? defaultErrorBody;
  let counted = 0;

  return async (req, res) => {
    if (opts.applies && !opts.applies(req)) return handler(req, res);
    const index = counted++;
    // Draw every decision up front, in request order, so one request's faults don't depend on another's timing.
    const burst = index < (faults.status429Burst ?? 0);
    const fail = !burst && rng.chance(faults.error5xxRate ?? 0);
    const failStatus = rng.pick([500, 502, 503]);
    const truncate = !!faults.truncateBodies && rng.chance(faults.truncateRate ?? 1);

    if (faults.slowMs) await new Promise((r) => setTimeout(r, faults.slowMs));
    if (burst || fail) {
      const status = burst ? 429 : failStatus;
      const { contentType, body } = errorBody(status, req);
      const headers: Record<string, string> = {
        'content-type': contentType,
        'content-length': String(Buffer.byteLength(body)),
      };
      if (burst) headers['retry-after'] = '1';
      req.resume();
      res.writeHead(status, headers);
      res.end(body);
      return;
    }
    if (truncate) truncateBody(res, opts.truncateAfterBytes ?? 32 * 1024);
    return handler(req, res);
  };
}

/**
 * Makes the response stop mid-body: the bytes up to the cut point are flushed, then the socket is destroyed.
 * With Content-Length the cut is at half the declared length; otherwise after `afterBytes`, or at half the
 * body when it ends sooner. Writes after the cut are dropped.
 */
export function truncateBody(res: ServerResponse, afterBytes: number): void {
  const write = res.write.bind(res) as (chunk: unknown, cb?: () => void) => boolean;
  let written = 0;
  let cut = false;

  const cutPoint = (): number => {
    const declared = Number(res.getHeader('content-length'));
    return Number.isFinite(declared) && declared > 0 ? Math.floor(declared / 2) : afterBytes;
  };
  const toBuffer = (chunk: unknown, encoding?: unknown): Buffer =>
    Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk, (typeof encoding === 'string' ? encoding : 'utf8') as BufferEncoding)
        : Buffer.from(chunk as Uint8Array);
  const cutHere = (head: Buffer): void => {
    cut = true;
    const destroy = () => res.destroy();
    if (head.length > 0) write(head, destroy);
    else if (!res.headersSent) {
      res.flushHeaders();
      setImmediate(destroy);
    } else destroy();
  };

  res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
    if (cut) return false;
    const buf = toBuffer(chunk, encoding);
    const limit = cutPoint();
    if (written + buf.length > limit) {
      cutHere(buf.subarray(0, Math.max(0, limit - written)));
      return false;
    }
    written += buf.length;
    return write(
      buf,
      typeof cb === 'function'
        ? (cb as () => void)
        : typeof encoding === 'function'
          ? (encoding as () => void)
          : undefined,
    );
  }) as ServerResponse['write'];

  res.end = ((chunk?: unknown, encoding?: unknown): ServerResponse => {
    if (cut) return res;
    const buf = chunk === undefined || typeof chunk === 'function' ? Buffer.alloc(0) : toBuffer(chunk, encoding);
    const total = written + buf.length;
    const limit = Math.min(cutPoint(), Math.floor(total / 2));
    cutHere(buf.subarray(0, Math.max(0, limit - written)));
    return res;
  }) as ServerResponse['end'];
}
