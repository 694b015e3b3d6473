/**
 * The Commerce7 sandbox: the API as docs/sources/commerce7.md describes it, over the generated tenants of
 * data.ts.   GET /customer   GET /order   GET /product   GET /club-membership
 * Every call needs HTTP Basic with the sandbox app's id and secret and a `tenant` header naming one of its
 * tenants (401 otherwise). Lists come in an envelope with `total`, at most 50 records a page, by cursor
 * (`cursor=start`, then the returned cursor: the id of the next page's first record, inclusive, in id
 * order) or by `page`; both at once, or any other query parameter, answer 422 with Commerce7's message.
 * `updatedAt=<op>:<time>` filters (gte, gt, lte, lt, btw). The Date header is the sandbox's clock (a June
 * morning of 2025 plus one day per advance()). Switches: a rate limit per tenant (429 with Retry-After), a
 * listing that repeats its cursor, and the data generator's bad inputs.
 */
import type { Faults } from '../../../kit/sandbox/faults.js';
import { startSandbox, type StartedSandbox } from '../../../kit/sandbox/declared.js';
import { listReply, type Reply, type Route, type SandboxRequest } from '../../../kit/sandbox/routes.js';
import { Commerce7World, countWhile, DEFAULT_DATA, type Commerce7DataConfig, type Kind, type Listed } from './data.js';

export interface Commerce7SandboxOptions {
  /** Where the persisted clock lives (default <repo>/.local/sandbox). */
  stateDir?: string;
  port?: number;
  /** Default: parsed from ELT_SANDBOX_FAULTS. */
  faults?: Faults;
  /** Tenants, each with its own slug, ids and data; default ['default']. */
  tenants?: string[];
  /** Sizes, bad inputs, seed: the same for every tenant. */
  data?: Partial<Commerce7DataConfig>;
  /** Requests a minute per tenant, answered with 429 beyond it (and the pace the sandbox's env sets); default none. */
  requestsPerMinute?: number;
  /** This endpoint (e.g. 'customer') answers every page after the first with the cursor it was asked for. */
  repeatCursor?: string;
  /** Query parameters answered as unknown (422), as by an endpoint without that filter. */
  unknownParams?: string[];
}

interface Commerce7SandboxState {
  days: number;
}

export interface Commerce7Sandbox extends StartedSandbox<Commerce7SandboxState> {
  world(tenant?: string): Commerce7World;
  /** Tenant slug for a tenant name. */
  slug(tenant: string): string;
  /** Path and query of every authorised call so far. */
  requests(): string[];
}

export const SANDBOX_APP = { id: 'sandbox-app', secret: 'sandbox-secret' };
const BASIC = `Basic ${Buffer.from(`${SANDBOX_APP.id}:${SANDBOX_APP.secret}`).toString('base64')}`;
const ENDPOINTS: Record<string, Kind> = {
  customer: 'customers',
  order: 'orders',
  product: 'products',
  'club-membership': 'clubMemberships',
};
const PAGE_SIZE = 50;
const KNOWN = new Set(['cursor', 'page', 'limit', 'updatedAt']);
const OPS: Record<string, (t: number, a: number, b: number) => boolean> = {
  gte: (t, a) => t >= a,
  gt: (t, a) => t > a,
  lte: (t, a) => t <= a,
  lt: (t, a) => t < a,
  btw: (t, a, b) => t >= a && t <= b,
};
const error = (statusCode: number, type: string, message: string): Reply => ({
  status: statusCode,
  json: { statusCode, type, message },
});
const invalid = (message: string) => error(422, 'validationError', message);

/** The records an `updatedAt=<op>:<time>[|<time>]` filter keeps, or the 422 for a filter it cannot read. */
function filtered(listed: Listed[], filter: string | undefined): Listed[] | Reply {
  if (filter === undefined) return listed;
  const [, op, from, to] = /^(\w+):([^|]+)(?:\|(.+))?$/.exec(filter) ?? [];
  const [a, b] = [Date.parse(from ?? ''), Date.parse(to ?? '')];
  const test = op ? OPS[op] : undefined;
  if (!test || Number.isNaN(a) || (op === 'btw') !== !Number.isNaN(b))
    return invalid(`Invalid filter for updatedAt: ${filter}`);
  return listed.filter((r) => test(r.updatedAt, a, b));
}

/** The page a request asks for: by cursor (inclusive, in id order) or by page number. */
function page(req: SandboxRequest, listed: Listed[], repeat: boolean): Reply | { rows: Listed[]; cursor?: string } {
  const [cursor, number] = [req.query('cursor'), req.query('page')];
  if (cursor !== undefined && number !== undefined)
    return invalid('Can not use both page and cursor for paging. Use one or the other.');
  const asked = Number(req.query('limit') ?? PAGE_SIZE);
  const size = Number.isInteger(asked) && asked >= 1 && asked <= PAGE_SIZE ? asked : PAGE_SIZE;
  if (cursor === undefined) {
    const n = Number(number ?? '1');
    if (!Number.isInteger(n) || n < 1) return invalid(`Invalid page: ${number}`);
    return { rows: listed.slice((n - 1) * size, n * size) };
  }
  if (cursor !== 'start' && !/^[0-9a-f-]{36}$/.test(cursor)) return invalid(`Invalid cursor: ${cursor}`);
  const start = cursor === 'start' ? 0 : countWhile(listed.length, (k) => listed[k]!.id < cursor);
  const rows = listed.slice(start, start + size);
  const next = repeat && cursor !== 'start' ? cursor : listed[start + size]?.id;
  return { rows, cursor: next };
}

export async function startCommerce7Sandbox(options: Commerce7SandboxOptions = {}): Promise<Commerce7Sandbox> {
  const tenants = options.tenants ?? ['default'];
  const requests: string[] = [];
  let state = (): Commerce7SandboxState => ({ days: 0 });
  /** Worlds and filtered listings of the current day (a listing is asked for page after page). */
  let cache = { days: -1, worlds: new Map<string, Commerce7World>(), listings: new Map<string, Listed[] | Reply>() };
  const slug = (tenant: string) => (tenant === 'default' ? 'sandbox-winery' : `sandbox-${tenant}`);
  const world = (tenant = tenants[0]!): Commerce7World => {
    if (cache.days !== state().days) cache = { days: state().days, worlds: new Map(), listings: new Map() };
    const w =
      cache.worlds.get(tenant) ??
      new Commerce7World({ ...DEFAULT_DATA, ...options.data, tenant: tenants.indexOf(tenant) }, cache.days);
    cache.worlds.set(tenant, w);
    return w;
  };
  const tenantOf = (req: SandboxRequest) => tenants.find((t) => req.headers.tenant === slug(t));

  const list = (name: string, kind: Kind): Route => ({
    method: 'GET',
    path: `/${name}`,
    handle(req) {
      const tenant = tenantOf(req);
      const w = world(tenant);
      const unknown = [...req.url.searchParams.keys()].find(
        (key) => !KNOWN.has(key) || options.unknownParams?.includes(key),
      );
      if (unknown) return invalid(`Invalid query param: ${unknown}`);
      const key = `${tenant} ${kind} ${req.query('updatedAt')}`;
      const rows = cache.listings.get(key) ?? filtered(w.listing(kind), req.query('updatedAt'));
      cache.listings.set(key, rows);
      if (!Array.isArray(rows)) return rows;
      const paged = page(req, rows, options.repeatCursor === name);
      if (!('rows' in paged)) return paged;
      const fields = { total: rows.length, ...(paged.cursor && { cursor: paged.cursor }) };
      const texts = paged.rows.map((r) => w.json(kind, r.key));
      return listReply({ texts }, { key: kind, fields }, { date: new Date(w.now).toUTCString() });
    },
  });

  const sandbox = await startSandbox<Commerce7SandboxState>(
    {
      name: 'commerce7',
      initial: { days: 0 },
      spec: (current, { faults }) => {
        state = current;
        return {
          routes: Object.entries(ENDPOINTS).map(([name, kind]) => list(name, kind)),
          faults,
          seed: options.data?.seed ?? DEFAULT_DATA.seed,
          auth(req) {
            if (req.headers.authorization !== BASIC || !tenantOf(req))
              return error(401, 'unauthorized', 'Invalid credentials or tenant');
            requests.push(`${req.url.pathname}${req.url.search}`);
            return undefined;
          },
          // Commerce7 counts a minute: a twentieth of it may come at once.
          rateLimit: () => {
            const perMinute = options.requestsPerMinute;
            if (!perMinute) return undefined;
            const burst = Math.max(1, Math.round(perMinute / 20));
            return { requestsPerSecond: perMinute / 60, burst, key: (req) => tenantOf(req) ?? '?' };
          },
        };
      },
      env(url) {
        const env: Record<string, string> = {
          COMMERCE7_API_URL: url,
          COMMERCE7_MAX_REQUESTS_PER_MINUTE: String(options.requestsPerMinute ?? 0),
        };
        for (const tenant of tenants) {
          const suffix = tenant === 'default' ? '' : `__${tenant.toUpperCase()}`;
          env[`COMMERCE7_TENANT${suffix}`] = slug(tenant);
          env[`COMMERCE7_APP_ID${suffix}`] = SANDBOX_APP.id;
          env[`COMMERCE7_APP_SECRET${suffix}`] = SANDBOX_APP.secret;
        }
        return env;
      },
      advance: (s) => ({
        state: { days: s.days + 1 },
        said: `commerce7 sandbox: day ${s.days + 1} of orders, sign-ups, holds, cancellations and edits`,
      }),
    },
    { stateDir: options.stateDir, port: options.port, faults: options.faults },
  );
  return { ...sandbox, world, slug, requests: () => [...requests] };
}
