/**
 * The Toast sandbox: a loopback server playing the Toast API (docs/sources/toast.md, and the Toast
 * contract) over the deterministic data of data.ts. Demo data only: every name, email and phone is fictional.
 *
 *   POST /authentication/v1/authentication/login    machine-client login -> bearer token
 *   GET  /orders/v2/ordersBulk                       startDate/endDate (on modifiedDate) or businessDate; page, pageSize
 *   GET  /cashmgmt/v1/entries, /cashmgmt/v1/deposits businessDate (required)
 *   GET  /labor/v1/timeEntries                       exactly one of startDate/endDate, modifiedStartDate/modifiedEndDate, businessDate
 *   GET  /labor/v1/employees, /labor/v1/jobs
 *   GET  /config/v2/{revenueCenters,diningOptions,menuItems,menuGroups,salesCategories,discounts,serviceCharges,taxRates}
 *   GET  /menus/v2/menus                             GET /restaurants/v1/restaurants/{guid}
 *
 * Behaviour: login with the sandbox's client id and secret (401 {status, code: 10010, message: "Access
 * Denied", requestId} otherwise); bearer tokens expire after tokenTtlMs of real time (401). Every other call
 * needs `Toast-Restaurant-External-ID` (400 when missing, 403 for a restaurant the client may not read).
 * Queries are validated like Toast does: ISO 8601 times with millis and an offset (an unencoded `+` arrives
 * as a space and is refused), ranges [start, end) of at most 31 days, pageSize 1..100, businessDate yyyymmdd
 * (400 otherwise). Paging: ordersBulk by page/pageSize with `Link: <...page=N+1>; rel="next"` while more
 * exist; config/v2 by opaque signed pageToken (bound to restaurant, endpoint and lastModified) with a
 * `Toast-Next-Page-Token` header; everything else answers a bare array (menus and restaurants one object).
 * Rate limits per restaurant (limits.ts) answer 429 {status, code, message: "Too many requests", requestId}
 * with X-Toast-RateLimit-By, X-Toast-RateLimit-Reset (epoch s) and Retry-After (s). Faults from
 * ELT_SANDBOX_FAULTS apply to everything but login; `badCashDays` and the `badDayRate` fault make the cash
 * endpoints answer 400 for some business dates; `malformedRecordRate` adds a record without a guid to some
 * answers. The Date header is the sandbox clock: 2026-03-01T09:00:00Z plus one day per advance() (persisted).
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { faultsFromEnv, withFaults, type Faults } from '../../../kit/sandbox/faults.js';
import { hashSeed } from '../../../kit/sandbox/random.js';
import { readBody, sendJson, startLoopbackServer } from '../../../kit/sandbox/server.js';
import { stateStore } from '../../../kit/sandbox/state.js';
import type { RestaurantPlan } from './configuration.js';
import { ToastWorld, type ConfigKind, type Json } from './data.js';
import { RateLimiter, TOAST_RATE_LIMITS, type ToastRateLimits } from './limits.js';
import { DAY_MS, parseBusinessDate, parseToastTime, ymdFromDay } from './time.js';

export type { ToastRateLimits } from './limits.js';

export interface ToastSandboxOptions {
  /** Default 42. */
  seed?: number;
  /** Default 2. */
  restaurants?: number;
  /** Average orders per restaurant and business date; default 40. */
  ordersPerDay?: number;
  /** Advanced days; default: the persisted count, else 0. */
  days?: number;
  /** Where the persisted clock lives (default <repo>/.local/sandbox). */
  stateDir?: string;
  port?: number;
  /** Per restaurant; defaults are Toast's ({overall: 20, ordersBulk: 5, menus: 1, per15Minutes: 10000}); 0 = off. */
  rateLimits?: Partial<ToastRateLimits>;
  /** Default: parsed from ELT_SANDBOX_FAULTS. */
  faults?: Faults;
  /** Business dates (yyyymmdd) whose cash entries and deposits answer 400, for every restaurant. */
  badCashDays?: (number | string)[];
  /** Lifetime of login tokens, real time; default 24 hours. */
  tokenTtlMs?: number;
  /**
   * Scripted answers for tests: called for every request (after a login body is read, before anything
   * else); an answer returned is sent instead of the normal one.
   */
  intercept?: (call: ToastCall) => ScriptedAnswer | undefined;
}

export interface ToastCall {
  /** 'login', 'ordersBulk', 'cashEntries', 'timeEntries', 'menuItems', 'restaurant', ... ('?' for no route). */
  endpoint: string;
  method: string;
  path: string;
  query: URLSearchParams;
  /** The Toast-Restaurant-External-ID header, when sent. */
  restaurant?: string;
  /** The parsed login body. */
  body?: unknown;
  /** 1-based count of this endpoint's requests so far. */
  n: number;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface EndpointStats {
  requests: number;
  status429: number;
}

export interface ToastSandboxStats {
  /** Login requests, whatever their outcome. */
  logins: number;
  requests: number;
  status429: number;
  /** Requests naming a sandbox restaurant: restaurant guid -> endpoint -> counts. */
  restaurants: Record<string, Record<string, EndpointStats>>;
}

export interface ToastSandbox {
  url: string;
  /** TOAST_API_URL, TOAST_CLIENT_ID, TOAST_CLIENT_SECRET, TOAST_RESTAURANT_GUIDS (comma-separated). */
  env(): Record<string, string>;
  /** The restaurants' guids. */
  restaurants(): string[];
  /** The sandbox clock (epoch ms). */
  now(): number;
  /** Moves the clock on (one more business day of orders, cash and labor; weekly config changes), persisted. */
  advance(days?: number): Promise<void>;
  stats(): ToastSandboxStats;
  close(): Promise<void>;
}

const STATE_NAME = 'toast';
const MAX_RANGE_MS = 31 * DAY_MS;
const LOGIN_PATH = '/authentication/v1/authentication/login';
const CONFIG_KINDS: ConfigKind[] = ['revenueCenters', 'diningOptions', 'menuItems', 'menuGroups', 'salesCategories', 'discounts', 'serviceCharges', 'taxRates'];

const PATHS: Record<string, string> = {
  '/orders/v2/ordersBulk': 'ordersBulk',
  '/cashmgmt/v1/entries': 'cashEntries',
  '/cashmgmt/v1/deposits': 'cashDeposits',
  '/labor/v1/timeEntries': 'timeEntries',
  '/labor/v1/employees': 'employees',
  '/labor/v1/jobs': 'jobs',
  '/menus/v2/menus': 'menus',
  ...Object.fromEntries(CONFIG_KINDS.map((k) => [`/config/v2/${k}`, k])),
};
const RESTAURANT_PATH = /^\/restaurants\/v1\/restaurants\/([^/]+)$/;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: number = status,
  ) {
    super(message);
  }
}

const bad = (message: string) => new ApiError(400, message);

export function toastError(status: number, code: number, message: string): Json {
  return { status, code, message, requestId: randomUUID() };
}

// ---------------------------------------------------------------- query parameters

function timeParam(q: URLSearchParams, name: string): number | undefined {
  const text = q.get(name);
  if (text === null) return undefined;
  const t = parseToastTime(text);
  if (t === undefined) throw bad(`${name} must be an ISO 8601 date and time with an offset, like 2025-01-05T00:00:00.000+0000 (got "${text}")`);
  return t;
}

/** A [start, end) pair of query times, both or neither, at most one month apart. */
function rangeParam(q: URLSearchParams, startName: string, endName: string): [number, number] | undefined {
  const a = timeParam(q, startName);
  const b = timeParam(q, endName);
  if (a === undefined && b === undefined) return undefined;
  if (a === undefined || b === undefined) throw bad(`${startName} and ${endName} must be given together`);
  if (b < a) throw bad(`${endName} must not be before ${startName}`);
  if (b - a > MAX_RANGE_MS) throw bad(`The time between ${startName} and ${endName} cannot be more than one month`);
  return [a, b];
}

function dayParam(q: URLSearchParams): number | undefined {
  const text = q.get('businessDate');
  if (text === null) return undefined;
  const day = parseBusinessDate(text);
  if (day === undefined) throw bad(`businessDate must be a date in the format yyyymmdd (got "${text}")`);
  return day;
}

function intParam(q: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const text = q.get(name);
  if (text === null) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw bad(`${name} must be a whole number from ${min} to ${max} (got "${text}")`);
  return n;
}

// ---------------------------------------------------------------- the server

interface Answer {
  body: unknown;
  headers?: Record<string, string>;
}

interface Call {
  plan: RestaurantPlan;
  query: URLSearchParams;
  path: string;
  endpoint: string;
}

export async function startToastSandbox(options: ToastSandboxOptions = {}): Promise<ToastSandbox> {
  const seed = options.seed ?? 42;
  const faults = options.faults ?? faultsFromEnv();
  const limits: ToastRateLimits = { ...TOAST_RATE_LIMITS, ...options.rateLimits };
  const store = stateStore(STATE_NAME, { days: 0 }, options.stateDir);
  let days = options.days ?? (await store.load()).days;
  if (!Number.isInteger(days) || days < 0) throw new Error(`toast sandbox: days must be a non-negative integer (got ${days})`);
  const cfg = { seed, restaurants: options.restaurants ?? 2, ordersPerDay: options.ordersPerDay ?? 40 };
  if (!Number.isInteger(cfg.restaurants) || cfg.restaurants < 1) throw new Error(`toast sandbox: restaurants must be a positive integer (got ${cfg.restaurants})`);
  let world = new ToastWorld(cfg, days);
  const tokenTtl = options.tokenTtlMs ?? DAY_MS;
  const clientId = `sandbox-client-${seed}`;
  const clientSecret = createHash('sha256').update(`toast-client-secret-${seed}`).digest('base64url').slice(0, 40);
  const tokens = new Map<string, number>();
  const limiter = new RateLimiter(limits);
  const badCashDays = new Set((options.badCashDays ?? []).map(Number));
  const faultSeed = faults.seed ?? seed;
  const pageKey = createHash('sha256').update(`toast-page-token-${seed}`).digest();
  const stats: ToastSandboxStats = { logins: 0, requests: 0, status429: 0, restaurants: {} };
  const counts = new Map<string, number>();
  let baseUrl = '';

  // ---------------------------------------------------------------- paging

  const sign = (payload: string) => createHmac('sha256', pageKey).update(payload).digest('base64url').slice(0, 22);
  const queryKey = (call: Call, since: string | null) => hashSeed(call.plan.guid, call.endpoint, since ?? '').toString(36);
  const pageToken = (call: Call, since: string | null, offset: number) => {
    const payload = Buffer.from(JSON.stringify({ k: queryKey(call, since), o: offset })).toString('base64url');
    return `${payload}.${sign(payload)}`;
  };
  /** The offset a pageToken points at; 400 for garbage or a token of another query. */
  const readPageToken = (call: Call, since: string | null): number => {
    const token = call.query.get('pageToken');
    if (token === null || token === '') return 0;
    const [payload, signature] = token.split('.');
    const invalid = bad('The pageToken is not valid for this request');
    if (!payload || !signature || sign(payload) !== signature) throw invalid;
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k?: string; o?: number };
    if (decoded.k !== queryKey(call, since) || typeof decoded.o !== 'number') throw invalid;
    return decoded.o;
  };

  // ---------------------------------------------------------------- endpoints

  const badDay = (plan: RestaurantPlan, day: number): boolean => {
    const ymd = ymdFromDay(day);
    return badCashDays.has(ymd) || hashSeed(faultSeed, 'bad-day', plan.guid, ymd) / 4294967296 < (faults.badDayRate ?? 0);
  };

  const cash = (call: Call, part: 'entries' | 'deposits'): Answer => {
    const day = dayParam(call.query);
    if (day === undefined) throw bad('businessDate is required');
    if (badDay(call.plan, day)) throw bad(`Cash management data for business date ${ymdFromDay(day)} could not be read`);
    return { body: world.cash(call.plan, day)[part] };
  };

  const ordersBulk = (call: Call): Answer => {
    const q = call.query;
    const page = intParam(q, 'page', 1, Number.MAX_SAFE_INTEGER, 1);
    const pageSize = intParam(q, 'pageSize', 1, 100, 100);
    const window = rangeParam(q, 'startDate', 'endDate');
    const day = dayParam(q);
    if (window && day !== undefined) throw bad('Use either startDate and endDate, or businessDate, not both');
    if (!window && day === undefined) throw bad('startDate and endDate, or businessDate, are required');
    const refs = window ? world.ordersModifiedIn(call.plan, window[0], window[1]) : world.ordersOfDate(call.plan, day!);
    const from = (page - 1) * pageSize;
    const body = refs.slice(from, from + pageSize).map((ref) => world.order(call.plan, ref));
    if (from + pageSize >= refs.length) return { body };
    const next = new URLSearchParams(q);
    next.set('page', String(page + 1));
    return { body, headers: { link: `<${baseUrl}${call.path}?${next.toString()}>; rel="next"` } };
  };

  const timeEntries = (call: Call): Answer => {
    const q = call.query;
    const inDate = rangeParam(q, 'startDate', 'endDate');
    const modified = rangeParam(q, 'modifiedStartDate', 'modifiedEndDate');
    const day = dayParam(q);
    if ([inDate, modified, day].filter((x) => x !== undefined).length !== 1) {
      throw bad('Exactly one of startDate and endDate, modifiedStartDate and modifiedEndDate, or businessDate is required');
    }
    if (inDate) return { body: world.timeEntriesIn(call.plan, inDate[0], inDate[1]) };
    if (modified) return { body: world.timeEntriesModifiedIn(call.plan, modified[0], modified[1]) };
    return { body: world.timeEntriesOfDate(call.plan, day!) };
  };

  const config = (call: Call): Answer => {
    const since = timeParam(call.query, 'lastModified');
    const pageSize = intParam(call.query, 'pageSize', 1, 100, 100);
    const sinceText = call.query.get('lastModified');
    const offset = readPageToken(call, sinceText);
    const records = world.configRecords(call.plan, call.endpoint as ConfigKind, since);
    const body = records.slice(offset, offset + pageSize);
    if (offset + pageSize >= records.length) return { body };
    return { body, headers: { 'toast-next-page-token': pageToken(call, sinceText, offset + pageSize) } };
  };

  const restaurant = (call: Call): Answer => {
    const guid = decodeURIComponent(RESTAURANT_PATH.exec(call.path)![1]!);
    const plan = world.restaurant(guid);
    if (!plan) throw new ApiError(404, `Restaurant ${guid} was not found`);
    return { body: world.restaurantRecord(plan) };
  };

  const handlers: Record<string, (call: Call) => Answer> = {
    ordersBulk,
    cashEntries: (call) => cash(call, 'entries'),
    cashDeposits: (call) => cash(call, 'deposits'),
    timeEntries,
    employees: (call) => ({ body: world.employeeRecords(call.plan) }),
    jobs: (call) => ({ body: world.jobRecords(call.plan) }),
    menus: (call) => ({ body: world.menusRecord(call.plan) }),
    restaurant,
    ...Object.fromEntries(CONFIG_KINDS.map((k) => [k, config])),
  };

  // ---------------------------------------------------------------- HTTP

  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    sendJson(res, status, body, { date: new Date(world.now).toUTCString(), ...headers });
  const fail = (res: ServerResponse, e: ApiError, headers?: Record<string, string>) => answer(res, e.status, toastError(e.status, e.code, e.message), headers);

  const login = (res: ServerResponse, body: unknown) => {
    const b = (body ?? {}) as Json;
    if (b.clientId !== clientId || b.clientSecret !== clientSecret) return fail(res, new ApiError(401, 'Access Denied', 10010));
    if (b.userAccessType !== 'TOAST_MACHINE_CLIENT') return fail(res, bad('userAccessType must be TOAST_MACHINE_CLIENT'));
    const accessToken = randomBytes(32).toString('base64url');
    tokens.set(accessToken, Date.now() + tokenTtl);
    return answer(res, 200, { token: { tokenType: 'Bearer', accessToken, expiresIn: Math.floor(tokenTtl / 1000), scope: null, idToken: null, refreshToken: null }, status: 'SUCCESS' });
  };

  const authorised = (req: IncomingMessage): boolean => {
    const match = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    const expires = match ? tokens.get(match[1]!) : undefined;
    return expires !== undefined && expires > Date.now();
  };

  /** Whether a fault adds a record without a guid to this answer (seeded by the request). */
  const malformed = (endpoint: string, plan: RestaurantPlan, query: URLSearchParams) =>
    (faults.malformedRecordRate ?? 0) > 0 && hashSeed(faultSeed, 'malformed', endpoint, plan.guid, query.toString()) / 4294967296 < faults.malformedRecordRate!;

  interface Context {
    endpoint?: string;
    path: string;
    query: URLSearchParams;
    body?: unknown;
    plan?: RestaurantPlan;
  }
  const contexts = new WeakMap<IncomingMessage, Context>();

  const inner = (req: IncomingMessage, res: ServerResponse) => {
    const ctx = contexts.get(req)!;
    const { endpoint, plan } = ctx;
    if (!endpoint) return fail(res, new ApiError(404, `No such endpoint: ${req.method} ${ctx.path}`));
    if (endpoint === 'login') return login(res, ctx.body);
    if (!authorised(req)) return fail(res, new ApiError(401, 'Access Denied', 10010));
    if (!req.headers['toast-restaurant-external-id']) return fail(res, bad('The Toast-Restaurant-External-ID header is required'));
    if (!plan) return fail(res, new ApiError(403, 'This client may not read the restaurant in Toast-Restaurant-External-ID'));
    const refusal = limiter.take(plan.guid, endpoint);
    if (refusal) {
      const waitS = Math.max(1, Math.ceil((refusal.resetAt - Date.now()) / 1000));
      return fail(res, new ApiError(429, 'Too many requests'), { 'x-toast-ratelimit-by': refusal.by, 'x-toast-ratelimit-reset': String(Math.ceil(refusal.resetAt / 1000)), 'retry-after': String(waitS) });
    }
    try {
      const result = handlers[endpoint]!({ plan, query: ctx.query, path: ctx.path, endpoint });
      if (Array.isArray(result.body) && malformed(endpoint, plan, ctx.query)) result.body.push({ entityType: 'sandbox fault', note: 'a record without a guid' });
      return answer(res, 200, result.body, result.headers);
    } catch (error) {
      if (error instanceof ApiError) return fail(res, error);
      throw error;
    }
  };
  const faulty = withFaults(inner, faults, {
    seed,
    applies: (req) => contexts.get(req)?.endpoint !== 'login',
    errorBody: (status) => ({ contentType: 'application/json', body: JSON.stringify(toastError(status, status, status === 429 ? 'Too many requests' : 'Sandbox fault: internal error')) }),
  });

  const count = (plan: RestaurantPlan | undefined, endpoint: string | undefined, res: ServerResponse) => {
    if (endpoint === 'login') stats.logins++;
    if (!plan || !endpoint || endpoint === 'login') return;
    const perEndpoint = (stats.restaurants[plan.guid] ??= {});
    const entry = (perEndpoint[endpoint] ??= { requests: 0, status429: 0 });
    entry.requests++;
    stats.requests++;
    res.once('close', () => {
      if (res.statusCode !== 429) return;
      entry.status429++;
      stats.status429++;
    });
  };

  const server = await startLoopbackServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname;
    const endpoint = req.method === 'POST' ? (path === LOGIN_PATH ? 'login' : undefined) : req.method === 'GET' ? (PATHS[path] ?? (RESTAURANT_PATH.test(path) ? 'restaurant' : undefined)) : undefined;
    let body: unknown;
    if (endpoint === 'login') {
      const text = await readBody(req);
      try {
        body = JSON.parse(text);
      } catch {
        return answer(res, 400, toastError(400, 400, 'The request body is not valid JSON'));
      }
    }
    const header = req.headers['toast-restaurant-external-id'];
    const plan = typeof header === 'string' ? world.restaurant(header.trim()) : undefined;
    count(plan, endpoint, res);
    const n = (counts.get(endpoint ?? '?') ?? 0) + 1;
    counts.set(endpoint ?? '?', n);
    const scripted = options.intercept?.({ endpoint: endpoint ?? '?', method: req.method ?? 'GET', path, query: url.searchParams, restaurant: typeof header === 'string' ? header : undefined, body, n });
    if (scripted) return answer(res, scripted.status, scripted.body ?? {}, scripted.headers);
    contexts.set(req, { endpoint, path, query: url.searchParams, body, plan });
    return faulty(req, res);
  }, { port: options.port });
  baseUrl = server.url;

  return {
    url: server.url,
    env: () => ({ TOAST_API_URL: server.url, TOAST_CLIENT_ID: clientId, TOAST_CLIENT_SECRET: clientSecret, TOAST_RESTAURANT_GUIDS: world.plans.map((p) => p.guid).join(',') }),
    restaurants: () => world.plans.map((p) => p.guid),
    now: () => world.now,
    async advance(n = 1) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`toast sandbox: advance() takes a positive whole number of days (got ${n})`);
      days += n;
      world = new ToastWorld(cfg, days);
      await store.save({ days });
    },
    stats: () => structuredClone(stats),
    close: () => server.close(),
  };
}
