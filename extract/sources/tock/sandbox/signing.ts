/**
 * GCS V4-style signed URLs for the sandbox's fake bucket. The query looks like Google's
 * (X-Goog-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, -Signature); the signature is a hex
 * HMAC-SHA256, keyed by a per-sandbox secret, over "METHOD\nPATH\nCANONICAL_QUERY" (the host is left out so
 * 127.0.0.1 and localhost both work). Errors answer with GCS-shaped XML bodies.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNING_ALGORITHM = 'GOOG4-HMAC-SHA256';
export const MAX_EXPIRES_SECONDS = 604_800; // 7 days, as GCS

export interface SignOptions {
  /** Base URL of the storage host, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** Object path starting with "/", already percent-encoded where needed. */
  path: string;
  secret: string;
  serviceAccount: string;
  nowMs: number;
  expiresSeconds: number;
  method?: string;
}

/** YYYYMMDDTHHMMSSZ */
export function googDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseGoogDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** RFC 3986 encoding, as GCS canonical queries use. */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(params: URLSearchParams): string {
  const pairs: [string, string][] = [];
  for (const [k, v] of params) if (k !== 'X-Goog-Signature') pairs.push([rfc3986(k), rfc3986(v)]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function signature(secret: string, method: string, path: string, query: string): string {
  return createHmac('sha256', secret).update(`${method}\n${path}\n${query}`).digest('hex');
}

export function signUrl(o: SignOptions): string {
  const date = googDate(o.nowMs);
  const params = new URLSearchParams({
    'X-Goog-Algorithm': SIGNING_ALGORITHM,
    'X-Goog-Credential': `${o.serviceAccount}/${date.slice(0, 8)}/auto/storage/goog4_request`,
    'X-Goog-Date': date,
    'X-Goog-Expires': String(o.expiresSeconds),
    'X-Goog-SignedHeaders': 'host',
  });
  const query = canonicalQuery(params);
  const sig = signature(o.secret, o.method ?? 'GET', o.path, query);
  return `${o.baseUrl}${o.path}?${query}&X-Goog-Signature=${sig}`;
}

export type VerifyResult = { ok: true } | { ok: false; status: number; code: string; message: string; details: string };

/** Checks a request against its signed query: signature first (403), then expiry (400), like GCS. */
export function verifySignedRequest(
  method: string,
  rawPath: string,
  params: URLSearchParams,
  secret: string,
  nowMs: number,
): VerifyResult {
  const given = params.get('X-Goog-Signature');
  const date = params.get('X-Goog-Date');
  const expires = params.get('X-Goog-Expires');
  if (
    !given ||
    !date ||
    !expires ||
    params.get('X-Goog-Algorithm') !== SIGNING_ALGORITHM ||
    !params.get('X-Goog-Credential')
  ) {
    return {
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'Access denied.',
      details: 'Anonymous caller does not have storage.objects.get access to the Google Cloud Storage object.',
    };
  }
  const query = canonicalQuery(params);
  const expected = signature(secret, method, rawPath, query);
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return {
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'Access denied.',
      details:
        'The request signature we calculated does not match the signature you provided. ' +
        'Check your Google secret key and signing method.',
    };
  }
  const start = parseGoogDate(date);
  const seconds = Number(expires);
  if (start === undefined || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRES_SECONDS) {
    return {
      ok: false,
      status: 400,
      code: 'AuthorizationQueryParametersError',
      message: 'Invalid argument.',
      details: 'X-Goog-Date or X-Goog-Expires is invalid.',
    };
  }
  if (nowMs > start + seconds * 1000) {
    return {
      ok: false,
      status: 400,
      code: 'ExpiredToken',
      message: 'Invalid argument.',
      details: `Request has expired: ${date}`,
    };
  }
  return { ok: true };
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function gcsErrorXml(code: string, message: string, details?: string): string {
  const detailsXml = details ? `<Details>${xmlEscape(details)}</Details>` : '';
  return (
    `<?xml version='1.0' encoding='UTF-8'?>` +
    `<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>${detailsXml}</Error>`
  );
}
