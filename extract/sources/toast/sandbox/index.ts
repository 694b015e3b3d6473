/**
 * The Toast sandbox: the Toast API (docs/sources/toast.md) as a route table on the kit's sandbox
 * server, over the deterministic data of data.ts (fictional names only). The routes are listed at the end.
 *
 * Login with the sandbox's client id and secret (401 {status, code: 10010, message: "Access Denied",
 * requestId} otherwise); tokens expire after tokenTtlMs of real time. Every other call needs
 * `Toast-Restaurant-External-ID` (400 when missing, 403 for a restaurant the client may not read). Queries
 * are validated like Toast does: ISO 8601 times with millis and an offset (an unencoded `+` arrives as a
 * space and is refused), ranges of at most 31 days, pageSize 1..100, businessDate yyyymmdd. Paging:
 * ordersBulk by page/pageSize with `Link: <...page=N+1>; rel="next"`; config/v2 by an opaque pageToken
 * (bound to restaurant, list and lastModified) in `Toast-Next-Page-Token`; the rest answer a bare array
 * (menus and restaurants one object). Limits per restaurant (the kit's token buckets with a second's worth
 * of burst, overall and ordersBulk or menus on top, and a fixed 15-minute quota) answer 429 with
 * X-Toast-RateLimit-By, X-Toast-RateLimit-Reset (epoch s) and Retry-After. Faults (ELT_SANDBOX_FAULTS)
 * spare the login; `badCashDays` / `badDayRate` make cash answer 400 for some days; `malformedRecordRate`
 * adds a record without a guid. The Date header is the sandbox clock: 2026-03-01T09:00Z plus one day per
 * advance() (persisted).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { faultsFromEnv, withFaults, type Faults } from '../../../kit/sandbox/faults.js';
import { hashSeed } from '../../../kit/sandbox/random.js';
import {
  decodeCursor,
  encodeCursor,
  reply,
  routeHandler,
  type Reply,
  type Route,
  type SandboxRateLimit,
  type SandboxRequest,
} from '../../../kit/sandbox/routes.js';
import { startLoopbackServer } from '../../../kit/sandbox/server.js';
import { stateStore } from '../../../kit/sandbox/state.js';
import type { RestaurantPlan } from './configuration.js';
import { ToastWorld, type ConfigKind, type Json } from './data.js';
import { DAY_MS, MINUTE_MS, parseBusinessDate, parseToastTime, ymdFromDay } from './time.js';

/**
 * Toast's limits per restaurant, real time (0 = off): requests per second overall, to ordersBulk and to
 * menus, and per fixed 15-minute window.
 */
export type ToastRateLimits = Record<'overall' | 'ordersBulk' | 'menus' | 'per15Minutes', number>;
const TOAST_RATE_LIMITS: ToastRateLimits = { overall: 20, ordersBulk: 5, menus: 1, per15Minutes: 10_000 };

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
  /** Per restaurant; defaults are Toast's (TOAST_RATE_LIMITS). */
  rateLimits?: Partial<ToastRateLimits>;
  /** Default: parsed from ELT_SANDBOX_FAULTS. */
  faults?: Faults;
  /** Business dates (yyyymmdd) whose cash entries and deposits answer 400, for every restaurant. */
  badCashDays?: (number | string)[];
  /** Lifetime of login tokens, real time; default 24 hours. */
  tokenTtlMs?: number;
  /** Scripted answers for tests: called for every request first; an answer returned is sent instead. */
  intercept?: (call: ToastCall) => ScriptedAnswer | undefined;
}

export interface ToastCall {
  /** 'login', 'ordersBulk', 'cashEntries', 'timeEntries', 'menuItems', 'restaurant', ... ('?' for no route). */
  endpoint: string;
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

const MAX_RANGE_MS = 31 * DAY_MS;
const QUOTA_WINDOW_MS = 15 * MINUTE_MS;
const LOGIN_PATH = '/authentication/v1/authentication/login';
const ORDERS_PATH = '/orders/v2/ordersBulk';
const MENUS_PATH = '/menus/v2/menus';
const RESTAURANT_PATH = /^\/restaurants\/v1\/restaurants\/[^/]+$/;
const CONFIG_KINDS: ConfigKind[] = [
  'revenueCenters',
  'diningOptions',
  'menuItems',
  'menuGroups',
  'salesCategories',
  'discounts',
  'serviceCharges',
  'taxRates',
];

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

function toastError(status: number, code: number, message: string): Json {
  return { status, code, message, requestId: randomUUID() };
}

const refusal = (e: ApiError): Reply => ({ status: e.status, json: toastError(e.status, e.code, e.message) });

// ---------------------------------------------------------------- query parameters

function timeParam(q: URLSearchParams, name: string): number | undefined {
  const text = q.get(name);
  if (text === null) return undefined;
  const t = parseToastTime(text);
  if (t === undefined)
    throw bad(
      `${name} must be an ISO 8601 date and time with an offset, like 2025-01-05T00:00:00.000+0000 (got "${text}")`,
    );
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
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw bad(`${name} must be a whole number from ${min} to ${max} (got "${text}")`);
  return n;
}

// ---------------------------------------------------------------- the server

interface Answer {
  body: unknown;
  headers?: Record<string, string>;
}

type Handler = (request: SandboxRequest, plan: RestaurantPlan) => Answer;

export async function startToastSandbox(options: ToastSandboxOptions = {}): Promise<ToastSandbox> {
  const seed = options.seed ?? 42;
  const faults = options.faults ?? faultsFromEnv();
  const limits: ToastRateLimits = { ...TOAST_RATE_LIMITS, ...options.rateLimits };
  const store = stateStore('toast', { days: 0 }, options.stateDir);
  let days = options.days ?? (await store.load()).days;
  if (!Number.isInteger(days) || days < 0)
    throw new Error(`toast sandbox: days must be a non-negative integer (got ${days})`);
  const cfg = { seed, restaurants: options.restaurants ?? 2, ordersPerDay: options.ordersPerDay ?? 40 };
  if (!Number.isInteger(cfg.restaurants) || cfg.restaurants < 1)
    throw new Error(`toast sandbox: restaurants must be a positive integer (got ${cfg.restaurants})`);
  let world = new ToastWorld(cfg, days);
  const tokenTtl = options.tokenTtlMs ?? DAY_MS;
  const clientId = `sandbox-client-${seed}`;
  const clientSecret = createHash('sha256').update(`toast-client-secret-${seed}`).digest('base64url').slice(0, 40);
  const tokens = new Map<string, number>();
  const badCashDays = new Set((options.badCashDays ?? []).map(Number));
  const faultSeed = faults.seed ?? seed;
  const quotas = new Map<string, { start: number; count: number }>();
  const stats: ToastSandboxStats = { logins: 0, requests: 0, status429: 0, restaurants: {} };
  const counts = new Map<string, number>();
  let baseUrl = '';

  const planOf = (request: { headers: SandboxRequest['headers'] }) => {
    const header = request.headers['toast-restaurant-external-id'];
    return typeof header === 'string' ? world.restaurant(header.trim()) : undefined;
  };

  // ---------------------------------------------------------------- endpoints

  const badDay = (plan: RestaurantPlan, day: number): boolean => {
    const ymd = ymdFromDay(day);
    return (
      badCashDays.has(ymd) || hashSeed(faultSeed, 'bad-day', plan.guid, ymd) / 4294967296 < (faults.badDayRate ?? 0)
    );
  };

  const cash =
    (part: 'entries' | 'deposits'): Handler =>
    (request, plan) => {
      const day = dayParam(request.url.searchParams);
      if (day === undefined) throw bad('businessDate is required');
      if (badDay(plan, day)) throw bad(`Cash management data for business date ${ymdFromDay(day)} could not be read`);
      return { body: world.cash(plan, day)[part] };
    };

  const ordersBulk: Handler = (request, plan) => {
    const q = request.url.searchParams;
    const page = intParam(q, 'page', 1, Number.MAX_SAFE_INTEGER, 1);
    const pageSize = intParam(q, 'pageSize', 1, 100, 100);
    const window = rangeParam(q, 'startDate', 'endDate');
    const day = dayParam(q);
    if (window && day !== undefined) throw bad('Use either startDate and endDate, or businessDate, not both');
    if (!window && day === undefined) throw bad('startDate and endDate, or businessDate, are required');
    const refs = window ? world.ordersModifiedIn(plan, window[0], window[1]) : world.ordersOfDate(plan, day!);
    const from = (page - 1) * pageSize;
    const body = refs.slice(from, from + pageSize).map((ref) => world.order(plan, ref));
    if (from + pageSize >= refs.length) return { body };
    const next = new URLSearchParams(q);
    next.set('page', String(page + 1));
    return { body, headers: { link: `<${baseUrl}${ORDERS_PATH}?${next.toString()}>; rel="next"` } };
  };

  const timeEntries: Handler = (request, plan) => {
    const q = request.url.searchParams;
    const inDate = rangeParam(q, 'startDate', 'endDate');
    const modified = rangeParam(q, 'modifiedStartDate', 'modifiedEndDate');
    const day = dayParam(q);
    if ([inDate, modified, day].filter((x) => x !== undefined).length !== 1) {
      throw bad(
        'Exactly one of startDate and endDate, modifiedStartDate and modifiedEndDate, or businessDate is required',
      );
    }
    if (inDate) return { body: world.timeEntriesIn(plan, inDate[0], inDate[1]) };
    if (modified) return { body: world.timeEntriesModifiedIn(plan, modified[0], modified[1]) };
    return { body: world.timeEntriesOfDate(plan, day!) };
  };

  /** config/v2 lists: pages behind an opaque token bound to the restaurant, the list and lastModified. */
  const config =
    (kind: ConfigKind): Handler =>
    (request, plan) => {
      const q = request.url.searchParams;
      const since = timeParam(q, 'lastModified');
      const pageSize = intParam(q, 'pageSize', 1, 100, 100);
      const query = `${plan.guid} ${kind} ${q.get('lastModified') ?? ''}`;
      const token = q.get('pageToken');
      const offset = token ? decodeCursor(token, query) : 0;
      if (offset === undefined) throw bad('The pageToken is not valid for this request');
      const records = world.configRecords(plan, kind, since);
      const body = records.slice(offset, offset + pageSize);
      if (offset + pageSize >= records.length) return { body };
      return { body, headers: { 'toast-next-page-token': encodeCursor(offset + pageSize, query) } };
    };

  const restaurant: Handler = (request) => {
    const plan = world.restaurant(request.params.guid!);
    if (!plan) throw new ApiError(404, `Restaurant ${request.params.guid} was not found`);
    return { body: world.restaurantRecord(plan) };
  };

  /** Whether a fault adds a record without a guid to this answer (seeded by the request). */
  const malformed = (endpoint: string, plan: RestaurantPlan, query: URLSearchParams) =>
    (faults.malformedRecordRate ?? 0) > 0 &&
    hashSeed(faultSeed, 'malformed', endpoint, plan.guid, query.toString()) / 4294967296 < faults.malformedRecordRate!;

  /** The 15-minute quota, per restaurant: counted in fixed windows, after the per-second buckets. */
  const overQuota = (plan: RestaurantPlan): Reply | undefined => {
    if (!(limits.per15Minutes > 0)) return undefined;
    const now = Date.now();
    const start = now - (now % QUOTA_WINDOW_MS);
    const quota = quotas.get(plan.guid)?.start === start ? quotas.get(plan.guid)! : { start, count: 0 };
    quotas.set(plan.guid, quota);
    if (quota.count++ < limits.per15Minutes) return undefined;
    return tooMany('GLOBAL', start + QUOTA_WINDOW_MS - now, now);
  };

  const route = (endpoint: string, path: string, handle: Handler): Route & { endpoint: string } => ({
    endpoint,
    method: 'GET',
    path,
    handle(request) {
      const plan = planOf(request)!;
      const over = overQuota(plan);
      if (over) return over;
      try {
        const result = handle(request, plan);
        if (Array.isArray(result.body) && malformed(endpoint, plan, request.url.searchParams))
          result.body.push({ entityType: 'sandbox fault', note: 'a record without a guid' });
        return { json: result.body, headers: result.headers };
      } catch (error) {
        if (error instanceof ApiError) return refusal(error);
        throw error;
      }
    },
  });

  const login: Route & { endpoint: string } = {
    endpoint: 'login',
    method: 'POST',
    path: LOGIN_PATH,
    public: true,
    handle(request) {
      const b = (request.body ?? {}) as Json;
      if (b.clientId !== clientId || b.clientSecret !== clientSecret)
        return refusal(new ApiError(401, 'Access Denied', 10010));
      if (b.userAccessType !== 'TOAST_MACHINE_CLIENT')
        return refusal(bad('userAccessType must be TOAST_MACHINE_CLIENT'));
      const accessToken = randomBytes(32).toString('base64url');
      tokens.set(accessToken, Date.now() + tokenTtl);
      return {
        json: {
          token: {
            tokenType: 'Bearer',
            accessToken,
            expiresIn: Math.floor(tokenTtl / 1000),
            scope: null,
            idToken: null,
            refreshToken: null,
          },
          status: 'SUCCESS',
        },
      };
    },
  };

  const routes = [
    login,
    route('ordersBulk', ORDERS_PATH, ordersBulk),
    route('cashEntries', '/cashmgmt/v1/entries', cash('entries')),
    route('cashDeposits', '/cashmgmt/v1/deposits', cash('deposits')),
    route('timeEntries', '/labor/v1/timeEntries', timeEntries),
    route('employees', '/labor/v1/employees', (_r, plan) => ({ body: world.employeeRecords(plan) })),
    route('jobs', '/labor/v1/jobs', (_r, plan) => ({ body: world.jobRecords(plan) })),
    route('menus', MENUS_PATH, (_r, plan) => ({ body: world.menusRecord(plan) })),
    route('restaurant', '/restaurants/v1/restaurants/:guid', restaurant),
    ...CONFIG_KINDS.map((kind) => route(kind, `/config/v2/${kind}`, config(kind))),
  ];

  // ---------------------------------------------------------------- auth and limits

  const authorised = (request: SandboxRequest): boolean => {
    const match = /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''));
    const expires = match ? tokens.get(match[1]!) : undefined;
    return expires !== undefined && expires > Date.now();
  };

  const auth = (request: SandboxRequest): Reply | undefined => {
    if (!authorised(request)) return refusal(new ApiError(401, 'Access Denied', 10010));
    if (!request.headers['toast-restaurant-external-id'])
      return refusal(bad('The Toast-Restaurant-External-ID header is required'));
    if (!planOf(request))
      return refusal(new ApiError(403, 'This client may not read the restaurant in Toast-Restaurant-External-ID'));
    return undefined;
  };

  const tooMany = (by: 'GLOBAL' | 'ENDPOINT', waitMs: number, now: number): Reply => ({
    status: 429,
    json: toastError(429, 429, 'Too many requests'),
    headers: {
      'x-toast-ratelimit-by': by,
      'x-toast-ratelimit-reset': String(Math.ceil((now + waitMs) / 1000)),
      'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
    },
  });

  /** Per restaurant: every request, and ordersBulk or menus on top; one second's worth of burst. */
  const perSecond = (requestsPerSecond: number, by: 'GLOBAL' | 'ENDPOINT', path?: string): SandboxRateLimit[] => {
    if (!(requestsPerSecond > 0)) return [];
    const { json: body } = tooMany(by, 0, 0);
    // A login names no restaurant: no limit applies to it.
    const key = (request: SandboxRequest) =>
      path === undefined || request.url.pathname === path ? planOf(request)?.guid : undefined;
    return [
      {
        requestsPerSecond,
        burst: requestsPerSecond,
        key,
        body,
        headers: (waitMs, now) => tooMany(by, waitMs, now).headers!,
      },
    ];
  };

  // ---------------------------------------------------------------- HTTP: counting, scripts, faults, then the routes

  const routed = routeHandler({
    routes,
    auth,
    rateLimit: () => [
      ...perSecond(limits.overall, 'GLOBAL'),
      ...perSecond(limits.ordersBulk, 'ENDPOINT', ORDERS_PATH),
      ...perSecond(limits.menus, 'ENDPOINT', MENUS_PATH),
    ],
    notFound: (request) => refusal(new ApiError(404, `No such endpoint: ${request.method} ${request.url.pathname}`)),
  });
  const faulty = withFaults(routed, faults, {
    seed,
    applies: (req) => !req.url?.startsWith(LOGIN_PATH),
    errorBody: (status) => ({
      contentType: 'application/json',
      body: JSON.stringify(
        toastError(status, status, status === 429 ? 'Too many requests' : 'Sandbox fault: internal error'),
      ),
    }),
  });

  const endpointOf = (method: string, path: string) =>
    routes.find(
      (r) => r.method === method && (r.path === path || (r.endpoint === 'restaurant' && RESTAURANT_PATH.test(path))),
    )?.endpoint;

  const count = (plan: RestaurantPlan | undefined, endpoint: string | undefined, res: ServerResponse) => {
    if (endpoint === 'login') stats.logins++;
    if (!plan || !endpoint || endpoint === 'login') return;
    const entry = ((stats.restaurants[plan.guid] ??= {})[endpoint] ??= { requests: 0, status429: 0 });
    entry.requests++;
    stats.requests++;
    res.once('close', () => {
      if (res.statusCode !== 429) return;
      entry.status429++;
      stats.status429++;
    });
  };

  const server = await startLoopbackServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    const endpoint = endpointOf(method, url.pathname);
    count(planOf(req), endpoint, res);
    const n = (counts.get(endpoint ?? '?') ?? 0) + 1;
    counts.set(endpoint ?? '?', n);
    // Every answer carries the sandbox clock.
    res.setHeader('date', new Date(world.now).toUTCString());
    const scripted = options.intercept?.({ endpoint: endpoint ?? '?', n });
    if (scripted) return reply(res, { status: scripted.status, json: scripted.body ?? {}, headers: scripted.headers });
    return faulty(req, res);
  });
  baseUrl = server.url;

  return {
    url: server.url,
    env: () => ({
      TOAST_API_URL: server.url,
      TOAST_CLIENT_ID: clientId,
      TOAST_CLIENT_SECRET: clientSecret,
      TOAST_RESTAURANT_GUIDS: world.plans.map((p) => p.guid).join(','),
    }),
    restaurants: () => world.plans.map((p) => p.guid),
    now: () => world.now,
    async advance(n = 1) {
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`toast sandbox: advance() takes a positive whole number of days (got ${n})`);
      days += n;
      world = new ToastWorld(cfg, days);
      await store.save({ days });
    },
    stats: () => structuredClone(stats),
    close: () => server.close(),
  };
}
