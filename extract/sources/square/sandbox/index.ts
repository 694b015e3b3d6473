/**
 * The Square sandbox: a loopback server playing the Square API (reference/sources.md, "Square") over the
 * deterministic data of data.ts. Demo data only: every name, email and phone is fictional.
 *
 *   POST /oauth2/token                 authorization_code (single use) or refresh_token grants
 *   GET  /v2/locations                 POST /v2/customers/search        GET  /v2/payments
 *   POST /v2/orders/search             GET  /v2/bookings                POST /v2/catalog/search
 *   POST /v2/team-members/search       POST /v2/loyalty/accounts/search
 *
 * Behaviour: `Authorization: Bearer` checked (401 UNAUTHORIZED / ACCESS_TOKEN_EXPIRED with Square's error
 * body); limits enforced (400 INVALID_VALUE above them); opaque signed cursors bound to the query they came
 * from (400 INVALID_CURSOR for garbage, another query, or another merchant); ListPayments per location_id
 * (default: the first location, created in the last year, newest first, as Square); SearchOrders with 1 to
 * 10 location_ids and the sort field matching the time filter; ListBookings start_at windows of at most 31
 * days; a rate limit per access token answering 429 {"errors":[{"category":"RATE_LIMIT_ERROR","code":"RATE_LIMITED"}]}
 * without Retry-After; the Date header is the sandbox's clock (a fixed day plus one day per advance()).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { faultsFromEnv, withFaults, type Faults } from '../../../kit/sandbox/faults.js';
import { hashSeed } from '../../../kit/sandbox/random.js';
import { readBody, sendJson, startLoopbackServer } from '../../../kit/sandbox/server.js';
import { stateStore } from '../../../kit/sandbox/state.js';
import { DAY_MS, SquareWorld, type Json, type SquareDataConfig } from './data.js';

export interface SquareSandboxOptions {
  /** Default 42. */
  seed?: number;
  /** Advanced days; default: the persisted count, else 0. */
  days?: number;
  /** Where the persisted clock lives (default <repo>/.local/sandbox). */
  stateDir?: string;
  port?: number;
  /** Merchants, each with its own token and data; default 1. */
  merchants?: number;
  /** Per merchant; default 3. */
  locations?: number;
  /** Default ['USD', 'USD', 'JPY']. */
  currencies?: string[];
  /** Defaults: 300 customers, 2,000 payments, 1,000 orders, 300 bookings, 8 team members, 16 catalog items. */
  customers?: number;
  payments?: number;
  orders?: number;
  bookings?: number;
  teamMembers?: number;
  catalogItems?: number;
  /** Requests per second per access token (token bucket, burst of one second); 0 = no limit. Default 100. */
  requestsPerSecond?: number;
  /** Default: parsed from ELT_SANDBOX_FAULTS. */
  faults?: Faults;
  /** Lifetime of access tokens issued by /oauth2/token; default 30 days. */
  tokenTtlMs?: number;
  /**
   * Scripted answers for tests: called for every request (after its body is read, before anything else);
   * an answer returned is sent instead of the normal one.
   */
  intercept?: (call: SquareCall) => ScriptedAnswer | undefined;
}

export interface SquareCall {
  op: string;
  method: string;
  query: URLSearchParams;
  body: Json | undefined;
  /** 1-based count of this operation's requests so far. */
  n: number;
  /** Merchant of the bearer token, when known. */
  merchant?: number;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SquareRequest {
  op: string;
  status: number;
  merchant?: number;
  cursor: boolean;
  /** Real time the request arrived (ms). */
  at: number;
}

export interface SquareSandbox {
  url: string;
  /** SQUARE_API_URL, SQUARE_ACCESS_TOKEN (merchant 1 by default) and SQUARE_MAX_REQUESTS_PER_SECOND (the sandbox's limit). */
  env(merchant?: number): Record<string, string>;
  /** Every merchant at once: SQUARE_ACCESS_TOKEN__<NAME> for each. */
  multiEnv(): Record<string, string>;
  /** SQUARE_API_URL, SQUARE_CLIENT_ID, SQUARE_CLIENT_SECRET of the sandbox's OAuth application. */
  oauthEnv(): Record<string, string>;
  /** A fresh single-use authorization code for a merchant. */
  authorizationCode(merchant?: number): string;
  /** Every access token issued so far by /oauth2/token now answers 401 ACCESS_TOKEN_EXPIRED. */
  expireIssuedTokens(): void;
  /** The personal access token of a merchant. */
  token(merchant?: number): string;
  merchantName(merchant?: number): string;
  world(merchant?: number): SquareWorld;
  /** The sandbox clock (epoch ms). */
  now(): number;
  days(): number;
  /** One more day: new and edited records, persisted. */
  advance(): Promise<void>;
  requests(): SquareRequest[];
  setRequestsPerSecond(rps: number): void;
  close(): Promise<void>;
}

const STATE_NAME = 'square';
const MERCHANT_NAMES = ['napa', 'sonoma', 'healdsburg', 'carmel', 'mendocino', 'paso'];

const OPERATIONS: Record<string, string> = {
  'POST /oauth2/token': 'ObtainToken',
  'GET /v2/locations': 'ListLocations',
  'POST /v2/customers/search': 'SearchCustomers',
  'GET /v2/payments': 'ListPayments',
  'POST /v2/orders/search': 'SearchOrders',
  'GET /v2/bookings': 'ListBookings',
  'POST /v2/catalog/search': 'SearchCatalogObjects',
  'POST /v2/team-members/search': 'SearchTeamMembers',
  'POST /v2/loyalty/accounts/search': 'SearchLoyaltyAccounts',
};

export function squareError(category: string, code: string, detail?: string, field?: string) {
  return { errors: [{ category, code, ...(detail ? { detail } : {}), ...(field ? { field } : {}) }] };
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const invalid = (detail: string, field?: string, code = 'INVALID_VALUE') => new ApiError(400, squareError('INVALID_REQUEST_ERROR', code, detail, field));

function time(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(t)) throw invalid(`${field} must be an RFC 3339 timestamp`, field);
  return t;
}

function limitOf(value: unknown, max: number, fallback: number, field = 'limit'): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalid(`${field} must be between 1 and ${max}`, field);
  return n;
}

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** A page from an ascending scan of candidate indices: up to `limit` items, and where the next page starts. */
function scanPage(indices: Iterable<number>, limit: number, make: (i: number) => Json | undefined): { items: Json[]; next?: number } {
  const items: Json[] = [];
  for (const i of indices) {
    const item = make(i);
    if (!item) continue;
    if (items.length === limit) return { items, next: i };
    items.push(item);
  }
  return { items };
}

function listPage<T>(list: readonly T[], offset: number, limit: number): { items: T[]; next?: number } {
  const items = list.slice(offset, offset + limit);
  return { items, next: offset + limit < list.length ? offset + limit : undefined };
}

export async function startSquareSandbox(options: SquareSandboxOptions = {}): Promise<SquareSandbox> {
  const seed = options.seed ?? 42;
  const faults = options.faults ?? faultsFromEnv();
  const cfg: SquareDataConfig = {
    seed,
    locations: options.locations ?? 3,
    currencies: options.currencies ?? ['USD', 'USD', 'JPY'],
    customers: options.customers ?? 300,
    payments: options.payments ?? 2000,
    orders: options.orders ?? 1000,
    bookings: options.bookings ?? 300,
    teamMembers: options.teamMembers ?? 8,
    catalogItems: options.catalogItems ?? 16,
    malformedRecordRate: faults.malformedRecordRate ?? 0,
  };
  const store = stateStore(STATE_NAME, { days: 0 }, options.stateDir);
  let days = options.days ?? (await store.load()).days;
  if (!Number.isInteger(days) || days < 0) throw new Error(`square sandbox: days must be a non-negative integer (got ${days})`);
  const merchantCount = options.merchants ?? 1;
  let rps = options.requestsPerSecond ?? 100;
  const tokenTtl = options.tokenTtlMs ?? 30 * DAY_MS;
  const cursorKey = randomBytes(32);
  const clientId = `sq0idp-sandbox-${seed}`;
  const clientSecret = `sq0csp-${createHash('sha256').update(`client-secret-${seed}`).digest('base64url').slice(0, 40)}`;

  const personal = Array.from({ length: merchantCount }, (_, m) => `EAAAE${createHash('sha256').update(`square-${seed}-${m + 1}`).digest('hex').slice(0, 58)}`);
  const issued = new Map<string, { merchant: number; expiresAt: number; expired: boolean }>();
  const refreshTokens = new Map<string, number>();
  const codes = new Map<string, number>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const counts = new Map<string, number>();
  const log: { entry: Omit<SquareRequest, 'status'>; res: ServerResponse }[] = [];

  let worlds = new Map<number, SquareWorld>();
  const world = (m: number) => {
    let w = worlds.get(m);
    if (!w) {
      w = new SquareWorld(cfg, m, days);
      worlds.set(m, w);
    }
    return w;
  };
  const now = () => world(1).now;

  // ---------------------------------------------------------------- cursors

  const queryKey = (op: string, params: Json) => createHash('sha1').update(JSON.stringify([op, params])).digest('hex').slice(0, 16);
  const sign = (payload: string) => createHmac('sha256', cursorKey).update(payload).digest('base64url').slice(0, 22);
  const makeCursor = (op: string, params: Json, merchant: number, position: number) => {
    const payload = Buffer.from(JSON.stringify({ k: queryKey(op, params), m: merchant, p: position })).toString('base64url');
    return `${payload}.${sign(payload)}`;
  };
  /** The position a cursor points at; INVALID_CURSOR when it is garbage or was issued for another query. */
  const readCursor = (cursor: unknown, op: string, params: Json, merchant: number): number => {
    if (cursor === undefined || cursor === null || cursor === '') return -1;
    const [payload, signature] = String(cursor).split('.');
    const bad = () => new ApiError(400, squareError('INVALID_REQUEST_ERROR', 'INVALID_CURSOR', 'The pagination cursor is not valid for this query.', 'cursor'));
    if (!payload || !signature || sign(payload) !== signature) throw bad();
    let decoded: { k?: string; m?: number; p?: number };
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof decoded;
    } catch {
      throw bad();
    }
    if (decoded.k !== queryKey(op, params) || decoded.m !== merchant || typeof decoded.p !== 'number') throw bad();
    return decoded.p;
  };
  const withoutCursor = (params: Json) => {
    const { cursor: _cursor, ...rest } = params;
    return rest;
  };

  /** Answers one page; `paged` gets the start position (-1 = first page) and returns items and the next position. */
  const page = (op: string, params: Json, merchant: number, paged: (from: number) => { items: Json[]; next?: number }) => {
    const base = withoutCursor(params);
    const from = readCursor(params.cursor, op, base, merchant);
    const { items, next } = paged(from);
    const extra = cfg.malformedRecordRate > 0 && hashSeed(seed, op, JSON.stringify(params)) / 4294967296 < cfg.malformedRecordRate;
    if (extra) items.push({ note: 'sandbox fault: a record without an id', created_at: new Date(now()).toISOString() });
    return { items, cursor: next === undefined ? undefined : makeCursor(op, base, merchant, next) };
  };

  // ---------------------------------------------------------------- operations

  const ops: Record<string, (merchant: number, query: URLSearchParams, body: Json) => Json> = {
    ListLocations: (m) => ({ locations: world(m).locations.map((l) => world(m).location(l)) }),

    SearchCustomers: (m, _q, body) => {
      const w = world(m);
      const limit = limitOf(body.limit, 100, 100);
      const filter = obj(obj(body.query).filter);
      const created = obj(filter.created_at);
      const updated = obj(filter.updated_at);
      const sort = obj(obj(body.query).sort);
      const ca = time(created.start_at, 'query.filter.created_at.start_at') ?? -Infinity;
      const cb = time(created.end_at, 'query.filter.created_at.end_at') ?? Infinity;
      const desc = sort.order === 'DESC';
      const r = page('SearchCustomers', body, m, (from) => {
        if (filter.updated_at || desc) {
          const ua = time(updated.start_at, 'query.filter.updated_at.start_at') ?? -Infinity;
          const ub = time(updated.end_at, 'query.filter.updated_at.end_at') ?? Infinity;
          let list = filter.updated_at
            ? w.updatedIn('customer', Math.max(ua, w.epoch - 3 * 365 * DAY_MS), Math.min(ub, w.now + 1)).map((x) => x.index)
            : [...w.customers.range(Math.max(ca, w.epoch - 3 * 365 * DAY_MS), Math.min(cb, w.now + 1))];
          list = list.filter((i) => { const t = w.customerCreated(i); return t >= ca && t < cb; });
          if (sort.field === 'CREATED_AT') list.sort((x, y) => x - y);
          if (desc) list.reverse();
          const p = listPage(list, Math.max(0, from), limit);
          return { items: p.items.map((i) => w.customer(i)), next: p.next };
        }
        return scanPage(w.customers.range(Math.max(ca, w.epoch - 3 * 365 * DAY_MS), Math.min(cb, w.now + 1), Math.max(0, from)), limit, (i) => w.customer(i));
      });
      return { customers: r.items, ...(r.cursor ? { cursor: r.cursor } : {}) };
    },

    ListPayments: (m, q) => {
      const w = world(m);
      const params: Json = Object.fromEntries(q.entries());
      const limit = limitOf(params.limit, 100, 100);
      const location = String(params.location_id ?? w.locations[0]!.id);
      if (!w.locations.some((l) => l.id === location)) throw invalid(`Location ${location} not found`, 'location_id', 'NOT_FOUND');
      const a = time(params.begin_time, 'begin_time') ?? w.now - 365 * DAY_MS;
      const b = time(params.end_time, 'end_time') ?? w.now + 1;
      const ua = time(params.updated_at_begin_time, 'updated_at_begin_time');
      const ub = time(params.updated_at_end_time, 'updated_at_end_time');
      const byUpdated = params.sort_field === 'UPDATED_AT' || ua !== undefined || ub !== undefined;
      const desc = (params.sort_order ?? 'DESC') === 'DESC';
      const here = (j: number) => w.paymentLocation(j).id === location;
      const r = page('ListPayments', params, m, (from) => {
        if (byUpdated || desc) {
          let list = byUpdated
            ? w.updatedIn('payment', ua ?? -Infinity, ub ?? Infinity).map((x) => x.index).filter((j) => { const t = w.payments.at(j); return t >= a && t < b; })
            : [...w.payments.range(a, b)];
          list = list.filter(here);
          if (desc) list.reverse();
          const p = listPage(list, Math.max(0, from), limit);
          return { items: p.items.map((j) => w.payment(j)), next: p.next };
        }
        return scanPage(w.payments.range(a, b, Math.max(0, from)), limit, (j) => (here(j) ? w.payment(j) : undefined));
      });
      return { payments: r.items, ...(r.cursor ? { cursor: r.cursor } : {}) };
    },

    SearchOrders: (m, _q, body) => {
      const w = world(m);
      const locations = body.location_ids;
      if (!Array.isArray(locations) || locations.length < 1 || locations.length > 10) throw invalid('location_ids must name between 1 and 10 locations', 'location_ids');
      for (const id of locations) if (!w.locations.some((l) => l.id === id)) throw invalid(`Location ${String(id)} not found`, 'location_ids', 'NOT_FOUND');
      const limit = limitOf(body.limit, 1000, 500);
      const filter = obj(obj(body.query).filter);
      const dtf = obj(filter.date_time_filter);
      const states = Array.isArray(obj(filter.state_filter).states) ? (obj(filter.state_filter).states as string[]) : undefined;
      const sort = obj(obj(body.query).sort);
      const field = ['created_at', 'updated_at', 'closed_at'].find((f) => dtf[f] !== undefined);
      const sortField = String(sort.sort_field ?? 'CREATED_AT');
      if (field && sortField !== field.toUpperCase()) {
        throw new ApiError(400, squareError('INVALID_REQUEST_ERROR', 'INVALID_SORT_ORDER', `When filtering on ${field}, sort_field must be ${field.toUpperCase()}.`, 'query.sort.sort_field'));
      }
      const range = obj(field ? dtf[field] : undefined);
      const a = time(range.start_at, `query.filter.date_time_filter.${field}.start_at`) ?? -Infinity;
      const b = time(range.end_at, `query.filter.date_time_filter.${field}.end_at`) ?? Infinity;
      const wanted = new Set(locations as string[]);
      const keep = (k: number) => {
        if (!wanted.has(w.orderLocation(k).id)) return undefined;
        const order = w.order(k);
        return !states || states.includes(String(order.state)) ? order : undefined;
      };
      const desc = sort.sort_order === 'DESC';
      const r = page('SearchOrders', body, m, (from) => {
        if (field === 'updated_at' || field === 'closed_at' || desc) {
          let list: number[];
          if (field === 'updated_at') list = w.updatedIn('order', a, b).map((x) => x.index);
          else if (field === 'closed_at') list = [...w.orders.range(a - DAY_MS, b)].filter((k) => { const c = Date.parse(String(w.order(k).closed_at ?? '')); return c >= a && c < b; });
          else list = [...w.orders.range(Math.max(a, w.epoch - 2 * 365 * DAY_MS), Math.min(b, w.now + 1))];
          if (desc) list.reverse();
          const out: Json[] = [];
          let i = Math.max(0, from);
          for (; i < list.length && out.length < limit; i++) {
            const order = keep(list[i]!);
            if (order) out.push(order);
          }
          return { items: out, next: i < list.length ? i : undefined };
        }
        return scanPage(w.orders.range(Math.max(a, w.epoch - 2 * 365 * DAY_MS), Math.min(b, w.now + 1), Math.max(0, from)), limit, keep);
      });
      return { orders: r.items, ...(r.cursor ? { cursor: r.cursor } : {}) };
    },

    ListBookings: (m, q) => {
      const w = world(m);
      const params: Json = Object.fromEntries(q.entries());
      const limit = limitOf(params.limit, 100, 100);
      const a = time(params.start_at_min, 'start_at_min') ?? w.now;
      const b = time(params.start_at_max, 'start_at_max') ?? a + 31 * DAY_MS;
      if (b - a > 31 * DAY_MS) throw invalid('start_at_max must be at most 31 days after start_at_min', 'start_at_max');
      const location = String(params.location_id ?? w.locations[0]!.id);
      const r = page('ListBookings', params, m, (from) => {
        let list = w.bookingsStarting(location, a, b).map((i) => w.booking(i));
        if (params.team_member_id) list = list.filter((x) => (x.appointment_segments as Json[])[0]?.team_member_id === params.team_member_id);
        if (params.customer_id) list = list.filter((x) => x.customer_id === params.customer_id);
        list = list.filter((x) => Date.parse(String(x.created_at)) <= w.now);
        return listPage(list, Math.max(0, from), limit);
      });
      return { bookings: r.items, ...(r.cursor ? { cursor: r.cursor } : {}) };
    },

    SearchCatalogObjects: (m, _q, body) => {
      const w = world(m);
      const limit = limitOf(body.limit, 1000, 100);
      const types = Array.isArray(body.object_types) ? (body.object_types as string[]) : undefined;
      const since = time(body.begin_time, 'begin_time');
      const r = page('SearchCatalogObjects', body, m, (from) => {
        const list = w
          .catalogObjects()
          .filter((o) => (!types || types.includes(String(o.type))) && (body.include_deleted_objects === true || !o.is_deleted))
          .filter((o) => since === undefined || Date.parse(String(o.updated_at)) > since)
          .filter((o) => Date.parse(String(o.updated_at)) <= w.now)
          .sort((x, y) => String(x.updated_at).localeCompare(String(y.updated_at)) || String(x.id).localeCompare(String(y.id)));
        return listPage(list, Math.max(0, from), limit);
      });
      return { objects: r.items, ...(r.cursor ? { cursor: r.cursor } : {}), latest_time: new Date(w.now).toISOString() };
    },

    SearchTeamMembers: (m, _q, body) => {
      const w = world(m);
      const limit = limitOf(body.limit, 200, 100);
      const filter = obj(obj(body.query).filter);
      const r = page('SearchTeamMembers', body, m, (from) => {
        let list = w.team.map((t) => w.teamMember(t.index));
        if (Array.isArray(filter.location_ids)) list = list.filter((t) => w.team.find((x) => x.id === t.id)!.locations.some((l) => (filter.location_ids as string[]).includes(l)));
        if (typeof filter.status === 'string') list = list.filter((t) => t.status === filter.status);
        return listPage(list, Math.max(0, from), limit);
      });
      return { team_members: r.items, ...(r.cursor ? { cursor: r.cursor } : {}) };
    },

    SearchLoyaltyAccounts: (m, _q, body) => {
      const w = world(m);
      const limit = limitOf(body.limit, 200, 30);
      const customerIds = obj(body.query).customer_ids;
      const wanted = Array.isArray(customerIds) ? new Set(customerIds as string[]) : undefined;
      const r = page('SearchLoyaltyAccounts', body, m, (from) =>
        scanPage(w.customers.range(-Infinity, w.now + 1, Math.max(0, from)), limit, (i) =>
          w.enrolled(i) && (!wanted || wanted.has(w.customerId(i))) ? w.loyaltyAccount(i) : undefined,
        ),
      );
      return { loyalty_accounts: r.items, ...(r.cursor ? { cursor: r.cursor } : {}) };
    },
  };

  // ---------------------------------------------------------------- OAuth

  const issue = (merchant: number): Json => {
    const accessToken = `EAAAl${randomBytes(30).toString('base64url')}`;
    const refreshToken = `EQAAl${randomBytes(30).toString('base64url')}`;
    const expiresAt = Date.now() + tokenTtl;
    issued.set(accessToken, { merchant, expiresAt, expired: false });
    refreshTokens.set(refreshToken, merchant);
    return { access_token: accessToken, token_type: 'bearer', expires_at: new Date(expiresAt).toISOString().replace('.000Z', 'Z'), merchant_id: world(merchant).merchantId, refresh_token: refreshToken, short_lived: false };
  };

  const obtainToken = (body: Json): { status: number; body: unknown } => {
    if (body.client_id !== clientId || body.client_secret !== clientSecret) {
      return { status: 401, body: squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'Invalid client credentials.') };
    }
    if (body.grant_type === 'authorization_code') {
      const merchant = codes.get(String(body.code ?? ''));
      if (merchant === undefined) return { status: 400, body: squareError('INVALID_REQUEST_ERROR', 'INVALID_GRANT', 'The authorization code is invalid or was already used.') };
      codes.delete(String(body.code));
      return { status: 200, body: issue(merchant) };
    }
    if (body.grant_type === 'refresh_token') {
      const merchant = refreshTokens.get(String(body.refresh_token ?? ''));
      if (merchant === undefined) return { status: 400, body: squareError('INVALID_REQUEST_ERROR', 'INVALID_GRANT', 'The refresh token is invalid or revoked.') };
      const answer = issue(merchant);
      // Code-flow refresh tokens live on: Square answers with the same one.
      refreshTokens.delete(String(answer.refresh_token));
      answer.refresh_token = body.refresh_token;
      return { status: 200, body: answer };
    }
    return { status: 400, body: squareError('INVALID_REQUEST_ERROR', 'UNSUPPORTED_GRANT_TYPE', `grant_type ${String(body.grant_type)} is not supported.`) };
  };

  // ---------------------------------------------------------------- HTTP

  const merchantOf = (req: IncomingMessage): { merchant?: number; expired?: boolean } => {
    const match = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!match) return {};
    const token = match[1]!;
    const p = personal.indexOf(token);
    if (p >= 0) return { merchant: p + 1 };
    const t = issued.get(token);
    if (!t) return {};
    return { merchant: t.merchant, expired: t.expired || t.expiresAt <= Date.now() };
  };

  const throttled = (token: string): boolean => {
    if (!(rps > 0)) return false;
    const t = Date.now();
    const bucket = buckets.get(token) ?? { tokens: rps, at: t };
    bucket.tokens = Math.min(rps, bucket.tokens + ((t - bucket.at) / 1000) * rps);
    bucket.at = t;
    buckets.set(token, bucket);
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  };

  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    sendJson(res, status, body, { date: new Date(now()).toUTCString(), ...headers });

  const handle = async (req: IncomingMessage, res: ServerResponse, op: string | undefined, query: URLSearchParams, body: Json | undefined) => {
    if (!op) return answer(res, 404, squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `No route ${req.method} ${req.url?.split('?')[0]}`));
    if (body === undefined && req.method === 'POST') return answer(res, 400, squareError('INVALID_REQUEST_ERROR', 'BAD_REQUEST', 'The request body is not valid JSON.'));
    if (op === 'ObtainToken') {
      const r = obtainToken(body ?? {});
      return answer(res, r.status, r.body);
    }
    const auth = merchantOf(req);
    if (auth.merchant === undefined) return answer(res, 401, squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'));
    if (auth.expired) return answer(res, 401, squareError('AUTHENTICATION_ERROR', 'ACCESS_TOKEN_EXPIRED', 'The access token has expired.'));
    if (throttled(String(req.headers.authorization))) return answer(res, 429, squareError('RATE_LIMIT_ERROR', 'RATE_LIMITED'));
    const version = req.headers['square-version'];
    if (version !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(version))) return answer(res, 400, squareError('INVALID_REQUEST_ERROR', 'INVALID_VALUE', 'Square-Version must look like YYYY-MM-DD.', 'Square-Version'));
    try {
      return answer(res, 200, ops[op]!(auth.merchant, query, body ?? {}));
    } catch (error) {
      if (error instanceof ApiError) return answer(res, error.status, error.body);
      throw error;
    }
  };

  const inner = async (req: IncomingMessage, res: ServerResponse) => {
    const entry = (req as IncomingMessage & { square?: { op?: string; query: URLSearchParams; body: Json | undefined } }).square!;
    await handle(req, res, entry.op, entry.query, entry.body);
  };
  const faulty = withFaults(inner, faults, {
    seed,
    applies: (req) => !(req.url ?? '').startsWith('/oauth2/'),
    errorBody: (status) => ({
      contentType: 'application/json',
      body: JSON.stringify(status === 429 ? squareError('RATE_LIMIT_ERROR', 'RATE_LIMITED') : squareError('API_ERROR', status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR', 'Sandbox fault.')),
    }),
  });

  const server = await startLoopbackServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const op = OPERATIONS[`${req.method} ${url.pathname}`];
    let body: Json | undefined;
    if (req.method === 'POST') {
      const text = await readBody(req);
      try {
        body = text.trim() ? obj(JSON.parse(text)) : {};
      } catch {
        body = undefined;
      }
    }
    const n = (counts.get(op ?? '?') ?? 0) + 1;
    counts.set(op ?? '?', n);
    const merchant = merchantOf(req).merchant;
    log.push({ entry: { op: op ?? `${req.method} ${url.pathname}`, merchant, cursor: url.searchParams.has('cursor') || (body?.cursor !== undefined), at: Date.now() }, res });
    const scripted = options.intercept?.({ op: op ?? '?', method: req.method ?? 'GET', query: url.searchParams, body, n, merchant });
    if (scripted) return answer(res, scripted.status, scripted.body ?? {}, scripted.headers);
    (req as IncomingMessage & { square?: unknown }).square = { op, query: url.searchParams, body };
    return faulty(req, res);
  }, { port: options.port });
  const srv = server;

  const check = (m: number) => {
    if (!Number.isInteger(m) || m < 1 || m > merchantCount) throw new RangeError(`square sandbox has merchants 1..${merchantCount}, not ${m}`);
    return m;
  };
  const name = (m: number) => MERCHANT_NAMES[m - 1] ?? `merchant${m}`;

  return {
    url: srv.url,
    env: (merchant = 1) => ({ SQUARE_API_URL: srv.url, SQUARE_ACCESS_TOKEN: personal[check(merchant) - 1]!, SQUARE_MAX_REQUESTS_PER_SECOND: String(rps) }),
    multiEnv: () => {
      const env: Record<string, string> = { SQUARE_API_URL: srv.url, SQUARE_MAX_REQUESTS_PER_SECOND: String(rps) };
      for (let m = 1; m <= merchantCount; m++) env[`SQUARE_ACCESS_TOKEN__${name(m).toUpperCase()}`] = personal[m - 1]!;
      return env;
    },
    oauthEnv: () => ({ SQUARE_API_URL: srv.url, SQUARE_CLIENT_ID: clientId, SQUARE_CLIENT_SECRET: clientSecret, SQUARE_MAX_REQUESTS_PER_SECOND: String(rps) }),
    authorizationCode: (merchant = 1) => {
      const code = `sq0cgp-${randomBytes(16).toString('base64url')}`;
      codes.set(code, check(merchant));
      return code;
    },
    expireIssuedTokens: () => {
      for (const t of issued.values()) t.expired = true;
    },
    token: (merchant = 1) => personal[check(merchant) - 1]!,
    merchantName: (merchant = 1) => name(check(merchant)),
    world: (merchant = 1) => world(check(merchant)),
    now,
    days: () => days,
    async advance() {
      days += 1;
      worlds = new Map();
      await store.save({ days });
    },
    requests: () => log.map(({ entry, res }) => ({ ...entry, status: res.statusCode })),
    setRequestsPerSecond: (value) => {
      rps = value;
    },
    close: () => srv.close(),
  };
}
