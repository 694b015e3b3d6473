/**
 * The Arrivy sandbox: the API as docs/sources/arrivy.md describes it, over the generated accounts of data.ts.
 *   GET /users/profile   GET /customers   GET /entities   GET /tasks (from/to, or unscheduled=true)
 *   GET /tasks/:id/status
 * Every call needs an account's X-Auth-Key and X-Auth-Token (401 otherwise). Lists are bare JSON arrays,
 * paged by `page` (1-based) and `items_per_page` (customers and entities whole when no page is asked for).
 * Errors carry Arrivy's {status, code, description}. The Date header is the sandbox's clock (a fixed day of
 * March 2025 plus one day per advance()). Switches: a rate limit per account (429 with Retry-After), an HTML
 * page answered with 200, credentials revoked mid-run, and the data generator's bad inputs.
 */
import type { Faults } from '../../../kit/sandbox/faults.js';
import { startSandbox, type StartedSandbox } from '../../../kit/sandbox/declared.js';
import {
  isReply,
  listReply,
  pageNumberSlice,
  type Reply,
  type Route,
  type SandboxRequest,
} from '../../../kit/sandbox/routes.js';
import { ArrivyWorld, DEFAULT_DATA, type ArrivyDataConfig } from './data.js';
import { ExactNumber, jsonText } from './json-text.js';

export interface ArrivySandboxOptions {
  /** Where the persisted clock lives (default <repo>/.local/sandbox). */
  stateDir?: string;
  port?: number;
  /** Default: parsed from ELT_SANDBOX_FAULTS. */
  faults?: Faults;
  /** Accounts, each with its own credentials, ids, time zone and data; default ['default']. */
  accounts?: string[];
  /** Sizes, bad inputs, seed: the same for every account. */
  data?: Partial<ArrivyDataConfig>;
  /** Requests per second per account, answered with 429 beyond it; default none. */
  requestsPerSecond?: number;
  /** GET /tasks calls number `from` to `from + count - 1` (1-based) answer 200 with an HTML page. */
  htmlPages?: { from: number; count: number };
  /** Every call after this many answers 401, as when a token is revoked mid-run. */
  revokeAfter?: number;
}

interface ArrivySandboxState {
  days: number;
}

export interface ArrivySandbox extends StartedSandbox<ArrivySandboxState> {
  world(account?: string): ArrivyWorld;
  /** Path and query of every authorised call so far. */
  requests(): string[];
}

const ZONES = ['America/Los_Angeles', 'America/New_York', 'America/Denver', 'America/Chicago'];
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const HTML_PAGE = '<html><body><h1>Service temporarily unavailable</h1></body></html>';
const credentials = (account: string) => ({ key: `sandbox-key-${account}`, token: `sandbox-token-${account}` });
const error = (status: number, code: string, description: string): Reply => ({
  status,
  json: { status, code, description },
});

export async function startArrivySandbox(options: ArrivySandboxOptions = {}): Promise<ArrivySandbox> {
  const accounts = options.accounts ?? ['default'];
  const requests: string[] = [];
  let taskCalls = 0;
  let state = (): ArrivySandboxState => ({ days: 0 });
  /** Worlds and task ranges of the current day (a range is asked for page after page). */
  let cache = { days: -1, worlds: new Map<string, ArrivyWorld>(), ranges: new Map<string, number[]>() };

  const world = (account = accounts[0]!): ArrivyWorld => {
    if (cache.days !== state().days) cache = { days: state().days, worlds: new Map(), ranges: new Map() };
    const index = accounts.indexOf(account);
    const timeZone = ZONES[index % ZONES.length]!;
    const w =
      cache.worlds.get(account) ??
      new ArrivyWorld({ ...DEFAULT_DATA, ...options.data, account: index, timeZone }, cache.days);
    cache.worlds.set(account, w);
    return w;
  };
  const accountOf = (req: SandboxRequest) =>
    accounts.find(
      (a) => req.headers['x-auth-key'] === credentials(a).key && req.headers['x-auth-token'] === credentials(a).token,
    );
  /** The records `text(i)` of `indexes`, paged; the whole list when `whole` and no page is asked for. */
  const page = (
    req: SandboxRequest,
    indexes: number[],
    text: (i: number) => string,
    size: number,
    whole = false,
  ): Reply => {
    if (whole && !req.query('page') && !req.query('items_per_page')) return listReply({ texts: indexes.map(text) });
    const slice = pageNumberSlice(req, { size: 'items_per_page', defaultSize: size, maxSize: 1000 });
    if (isReply(slice)) return error(400, 'INVALID_VALUE', (slice.json as { description: string }).description);
    return listReply({ texts: indexes.slice(slice.start, slice.start + slice.count).map(text) });
  };
  /** Every answer dated by the sandbox's clock: the extractor's windows end at its now, not ours. */
  const route = (path: string, handle: (req: SandboxRequest, w: ArrivyWorld) => Reply): Route => ({
    method: 'GET',
    path,
    handle(req) {
      const w = world(accountOf(req));
      const reply = handle(req, w);
      return { ...reply, headers: { ...reply.headers, date: new Date(w.now).toUTCString() } };
    },
  });

  const routes: Route[] = [
    route('/users/profile', (_req, w) => ({
      text: jsonText({
        id: new ExactNumber(w.id('owner', 0)),
        email: 'owner@example.com',
        company_name: 'Sandbox Field Services',
      }),
    })),
    route('/customers', (req, w) => page(req, w.customerIndexes(), (j) => w.customerJson(j), 500, true)),
    route('/entities', (req, w) => page(req, w.teamMemberIndexes(), (m) => w.teamMemberJson(m), 500, true)),
    route('/tasks', (req, w) => {
      const html = options.htmlPages;
      if (html && ++taskCalls >= html.from && taskCalls < html.from + html.count) {
        return { text: HTML_PAGE, headers: { 'content-type': 'text/html' } };
      }
      if (req.query('unscheduled') === 'true') return page(req, w.unscheduledTaskIndexes(), (i) => w.taskJson(i)!, 500);
      const range: string[] = [];
      for (const name of ['from', 'to']) {
        const value = req.query(name);
        if (!value) return error(400, 'MISSING_VALUE', `${name} is required`);
        if (!ISO_WITH_OFFSET.test(value)) {
          return error(400, 'INVALID_VALUE', `${name} must be ISO 8601 with an offset (send + as %2B): "${value}"`);
        }
        range.push(value);
      }
      const key = `${w.cfg.account} ${range.join(' ')}`;
      const indexes = cache.ranges.get(key) ?? w.scheduledTaskIndexes(Date.parse(range[0]!), Date.parse(range[1]!));
      cache.ranges.set(key, indexes);
      return page(req, indexes, (i) => w.taskJson(i)!, 500);
    }),
    route('/tasks/:id/status', (req, w) => {
      const i = w.indexOf('task', req.params.id ?? '');
      if (i === undefined || !w.task(i)) return error(404, 'NOT_FOUND', `Task ${req.params.id} not found`);
      const rows = w.statusJson(i);
      return page(req, [...rows.keys()], (k) => rows[k]!, 100);
    }),
  ];

  const sandbox = await startSandbox<ArrivySandboxState>(
    {
      name: 'arrivy',
      initial: { days: 0 },
      spec: (current, { faults }) => {
        state = current;
        return {
          routes,
          faults,
          seed: options.data?.seed ?? DEFAULT_DATA.seed,
          auth(req) {
            if (!accountOf(req) || requests.length >= (options.revokeAfter ?? Infinity)) {
              return error(401, 'UNAUTHORIZED', 'Invalid X-Auth-Key or X-Auth-Token');
            }
            requests.push(`${req.url.pathname}${req.url.search}`);
            return undefined;
          },
          // A second's worth of requests may come at once (a limit per second, not a spacing).
          rateLimit: () => {
            const rps = options.requestsPerSecond;
            return rps ? { requestsPerSecond: rps, burst: rps, key: (req) => accountOf(req) ?? '?' } : undefined;
          },
        };
      },
      env(url) {
        const env: Record<string, string> = { ARRIVY_API_URL: url };
        for (const account of accounts) {
          const suffix = account === 'default' ? '' : `__${account.toUpperCase()}`;
          env[`ARRIVY_AUTH_KEY${suffix}`] = credentials(account).key;
          env[`ARRIVY_AUTH_TOKEN${suffix}`] = credentials(account).token;
        }
        return env;
      },
      advance: (s) => ({
        state: { days: s.days + 1 },
        said: `arrivy sandbox: day ${s.days + 1} of bookings, reports, edits`,
      }),
    },
    { stateDir: options.stateDir, port: options.port, faults: options.faults },
  );
  return { ...sandbox, world, requests: () => [...requests] };
}
