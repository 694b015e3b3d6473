/**
 * The Square sandbox: a loopback server playing the Square API (docs/sources/square.md) over the deterministic
 * data of data.ts, as a route table (routes.ts) with its credentials (tokens.ts). Demo data only: every name,
 * email and phone is fictional.
 *
 *   POST /oauth2/token                 authorization_code (single use) or refresh_token grants
 *   GET  /v2/locations                 POST /v2/customers/search        GET  /v2/payments
 *   POST /v2/orders/search             GET  /v2/bookings                POST /v2/catalog/search
 *   POST /v2/team-members/search       POST /v2/loyalty/accounts/search
 *
 * Behaviour: `Authorization: Bearer` checked (401 UNAUTHORIZED / ACCESS_TOKEN_EXPIRED with Square's error
 * body); a rate limit per access token answering 429 {"errors":[{"category":"RATE_LIMIT_ERROR","code":"RATE_LIMITED"}]}
 * without Retry-After; the Date header is the sandbox's clock (a fixed day plus one day per advance()).
 * Every request is logged, and tests may script answers (`intercept`).
 */
import type { IncomingMessage } from 'node:http';
import { dataSettings } from '../../../kit/sandbox/settings.js';
import { withFaults, type Faults } from '../../../kit/sandbox/faults.js';
import { reply, routeTable, sandboxRequest, type SandboxRequest } from '../../../kit/sandbox/routes.js';
import { readBody, startLoopbackServer } from '../../../kit/sandbox/server.js';
import { stateStore } from '../../../kit/sandbox/state.js';
import { SquareWorld, type Json, type SquareDataConfig } from './data.js';
import { squareError, squareRoutes } from './routes.js';
import { SandboxTokens } from './tokens.js';

export { squareError } from './routes.js';

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
  /** SQUARE_API_URL, SQUARE_ACCESS_TOKEN (merchant 1 by default), SQUARE_MAX_REQUESTS_PER_SECOND (its limit). */
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
const RATE_LIMITED = squareError('RATE_LIMIT_ERROR', 'RATE_LIMITED');

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

export async function startSquareSandbox(options: SquareSandboxOptions = {}): Promise<SquareSandbox> {
  const { faults, data: cfg } = dataSettings<Omit<SquareDataConfig, 'seed' | 'malformedRecordRate'>>(options, {
    locations: 3,
    currencies: ['USD', 'USD', 'JPY'],
    customers: 300,
    payments: 2000,
    orders: 1000,
    bookings: 300,
    teamMembers: 8,
    catalogItems: 16,
  });
  const { seed } = cfg;
  const store = stateStore(STATE_NAME, { days: 0 }, options.stateDir);
  let days = options.days ?? (await store.load()).days;
  if (!Number.isInteger(days) || days < 0)
    throw new Error(`square sandbox: days must be a non-negative integer (got ${days})`);
  const merchantCount = options.merchants ?? 1;
  let rps = options.requestsPerSecond ?? 100;

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
  const tokens = new SandboxTokens(seed, merchantCount, (m) => world(m).merchantId, options.tokenTtlMs);

  const merchantOf = (request: SandboxRequest) => tokens.holder(request.headers.authorization).merchant!;
  const routes = [
    tokens.route(),
    ...squareRoutes({ seed, world, merchantOf, malformedRecordRate: cfg.malformedRecordRate }),
  ];
  const table = routeTable({
    routes,
    auth: (request) => tokens.refusal(request),
    rateLimit: () =>
      rps > 0
        ? {
            requestsPerSecond: rps,
            burst: rps,
            key: (request) => String(request.headers.authorization),
            headers: () => ({}),
            body: RATE_LIMITED,
          }
        : undefined,
    notFound: (request) => ({
      status: 404,
      json: squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `No route ${request.method} ${request.url.pathname}`),
    }),
  });

  // Requests on their way to the route table, behind the fault switches (which see only the raw request).
  const parsed = new WeakMap<IncomingMessage, SandboxRequest>();
  const routed = withFaults(async (req, res) => reply(res, await table(parsed.get(req)!)), faults, {
    seed,
    applies: (req) => !(req.url ?? '').startsWith('/oauth2/'),
    errorBody: (status) => {
      const code = status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
      return {
        contentType: 'application/json',
        body: JSON.stringify(status === 429 ? RATE_LIMITED : squareError('API_ERROR', code, 'Sandbox fault.')),
      };
    },
  });

  const counts = new Map<string, number>();
  const log: { entry: Omit<SquareRequest, 'status'>; res: { statusCode: number } }[] = [];
  const server = await startLoopbackServer(
    async (req, res) => {
      res.setHeader('date', new Date(now()).toUTCString());
      let body: Json | undefined = {};
      if (req.method === 'POST') {
        const text = await readBody(req);
        try {
          body = text.trim() ? obj(JSON.parse(text)) : {};
        } catch {
          body = undefined;
        }
      }
      const request = sandboxRequest(req, body);
      const op = routes.find((r) => r.method === request.method && r.path === request.url.pathname)?.op;
      const n = (counts.get(op ?? '?') ?? 0) + 1;
      counts.set(op ?? '?', n);
      const merchant = tokens.holder(req.headers.authorization).merchant;
      const cursor = request.url.searchParams.has('cursor') || body?.cursor !== undefined;
      log.push({
        entry: { op: op ?? `${request.method} ${request.url.pathname}`, merchant, cursor, at: Date.now() },
        res,
      });
      const query = request.url.searchParams;
      const scripted = options.intercept?.({ op: op ?? '?', method: request.method, query, body, n, merchant });
      if (scripted)
        return reply(res, { status: scripted.status, json: scripted.body ?? {}, headers: scripted.headers });
      if (body === undefined) {
        return reply(res, {
          status: 400,
          json: squareError('INVALID_REQUEST_ERROR', 'BAD_REQUEST', 'The request body is not valid JSON.'),
        });
      }
      parsed.set(req, request);
      return routed(req, res);
    },
    { port: options.port },
  );

  const check = (m: number) => {
    if (!Number.isInteger(m) || m < 1 || m > merchantCount)
      throw new RangeError(`square sandbox has merchants 1..${merchantCount}, not ${m}`);
    return m;
  };
  const name = (m: number) => MERCHANT_NAMES[m - 1] ?? `merchant${m}`;
  const common = () => ({ SQUARE_API_URL: server.url, SQUARE_MAX_REQUESTS_PER_SECOND: String(rps) });

  return {
    url: server.url,
    env: (merchant = 1) => ({ ...common(), SQUARE_ACCESS_TOKEN: tokens.personal[check(merchant) - 1]! }),
    multiEnv: () => {
      const env: Record<string, string> = common();
      for (let m = 1; m <= merchantCount; m++)
        env[`SQUARE_ACCESS_TOKEN__${name(m).toUpperCase()}`] = tokens.personal[m - 1]!;
      return env;
    },
    oauthEnv: () => ({ ...common(), SQUARE_CLIENT_ID: tokens.clientId, SQUARE_CLIENT_SECRET: tokens.clientSecret }),
    authorizationCode: (merchant = 1) => tokens.authorizationCode(check(merchant)),
    expireIssuedTokens: () => tokens.expireIssued(),
    token: (merchant = 1) => tokens.personal[check(merchant) - 1]!,
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
    close: () => server.close(),
  };
}
