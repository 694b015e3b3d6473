/**
 * Square: locations, customers, payments, orders (line items and modifiers inside), bookings, catalog
 * objects (deleted ones included), team members and loyalty accounts, for one or more merchants.
 * See docs/sources/square.md and api.ts for the API contract, windows.ts for how syncing works.
 *
 * Order of work per merchant: locations, customers and payments first, orders, bookings, team members,
 * then catalog and loyalty. Payments and bookings are asked per location; orders for up to 10 locations
 * per request. Every list is read to its last page.
 */
import type { HttpClient } from '../../kit/http/index.js';
import type { Logger } from '../../kit/log.js';
import type { SecretStore } from '../../kit/secrets.js';
import type { CheckStep, EntityContext, EntityDefinition, SourceDefinition, SourceInstance, Unit } from '../../kit/source.js';
import { SquareSession, type Listing, type Location, type Operation, type Page } from './api.js';
import { configureSquare, oauthClient, oauthMerchantConfig, squareHttpOptions, type SquareConfig } from './config.js';
import { OAUTH_SECRET_PREFIX, squareAuthCommand, type StoredTokens } from './oauth.js';
import { startSquareSandbox } from './sandbox/index.js';
import {
  DAY_MS,
  OVERLAP_MS,
  advance,
  describeWindow,
  monthsBefore,
  newStream,
  planStream,
  split,
  updatedWindows,
  windowRecords,
  type StreamPlanSpec,
  type WindowedState,
  type Window,
} from './windows.js';

/** Customers older than the history are imported too (they are the directory), in yearly windows from here. */
const SQUARE_BEGINNING = Date.UTC(2009, 0, 1);
/** Bookings: the first run imports start times up to this far ahead; later runs look again at this range. */
const BOOKINGS_AHEAD_MS = 92 * DAY_MS;
/**
 * Bookings have no updated-at filter: later runs re-read start times from this long before the cursor
 * (appointments are marked no-show or completed within days) up to BOOKINGS_AHEAD_MS ahead.
 */
const BOOKINGS_BEHIND_MS = 7 * DAY_MS;
const ORDER_STATES = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'];

const sessions = new WeakMap<object, SquareSession>();

function sessionFor(context: { instance: SourceInstance<SquareConfig>; http: HttpClient; secrets: SecretStore; log: Logger }): SquareSession {
  let session = sessions.get(context.instance);
  if (!session) {
    session = new SquareSession(context.instance, context.http, context.secrets, context.log);
    sessions.set(context.instance, session);
  }
  return session;
}

const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------- windowed entities

interface WindowedSpec {
  name: string;
  table: string;
  /** Streams: one for the merchant, or one per location. */
  perLocation: boolean;
  /** Locations asked for in one request (streams in the same position share requests). */
  batch: number;
  plan(horizon: number, now: number, windowMs: number): StreamPlanSpec;
  /** The request of one window (without cursor). */
  listing(locations: string[], window: Window, horizon: number): Listing;
  /** Records of a window to keep (default all). */
  keep?(window: Window, cursorBefore: number): ((item: Record<string, unknown>) => boolean) | undefined;
}

/** The usual plan: history on created-at from `historyStart` to now, then updated-at windows. */
function createdThenUpdated(historyStart: (horizon: number) => number, yearlyBefore?: boolean) {
  return (horizon: number, now: number, windowMs: number): StreamPlanSpec => ({
    historyStart: historyStart(horizon),
    historyEnd: now,
    historySize: (start) => (yearlyBefore && start < horizon ? Math.min(366 * DAY_MS, horizon - start) : windowMs),
    changes: (cursor, at) => updatedWindows(cursor, at, windowMs),
  });
}

function windowed(spec: WindowedSpec): EntityDefinition<SquareConfig, WindowedState> {
  return {
    name: spec.name,
    table: spec.table,
    keyPath: ['id'],
    async *extract(context: EntityContext<SquareConfig, WindowedState>): AsyncIterable<Unit<WindowedState>> {
      const { signal, log, instance } = context;
      const session = sessionFor(context);
      const { locations, now } = await session.begin(signal);
      const windowMs = instance.config.windowDays * DAY_MS;
      const state: WindowedState = context.state
        ? structuredClone(context.state)
        : { horizon: iso(monthsBefore(now, instance.config.historyMonths)), streams: {} };
      const horizon = Date.parse(state.horizon);
      const plan = spec.plan(horizon, now, windowMs);
      const streamIds = spec.perLocation ? locations.map((l) => l.id) : ['*'];
      for (const id of streamIds) state.streams[id] ??= newStream(plan, now);

      // Streams with the same state have the same windows: they share requests, up to `batch` at a time.
      const groups = new Map<string, string[]>();
      for (const id of streamIds) {
        const key = JSON.stringify(state.streams[id]);
        groups.set(key, [...(groups.get(key) ?? []), id]);
      }
      const work: { streams: string[]; window: Window; listing: Listing }[] = [];
      for (const ids of groups.values()) {
        const windows = planStream(state.streams[ids[0]!]!, now, plan);
        for (let i = 0; i < ids.length; i += spec.batch) {
          const streams = ids.slice(i, i + spec.batch);
          for (const window of windows) work.push({ streams, window, listing: spec.listing(spec.perLocation ? streams : [], window, horizon) });
        }
      }
      // Read-ahead across windows: the next window's first page is asked for when this one's last arrives.
      const firstPages = new Map<number, Promise<Page<unknown>>>();
      const pages = (i: number) => () => {
        const first = firstPages.get(i);
        firstPages.delete(i);
        const following = work[i + 1];
        const onLast = () => {
          if (!following || firstPages.has(i + 1)) return;
          const ahead = session.page<unknown>(following.listing, undefined, signal);
          ahead.catch(() => undefined);
          firstPages.set(i + 1, ahead);
        };
        return session.paginate<unknown>(work[i]!.listing, signal, { first, onLast });
      };
      for (const [i, { streams, window }] of work.entries()) {
        const where = spec.perLocation ? ` ${streams.length === 1 ? `location ${streams[0]}` : `${streams.length} locations`}` : '';
        const label = `${window.phase} ${describeWindow(window)}${where}`;
        context.progress({ label, fraction: i / work.length });
        const keep = spec.keep?.(window, Date.parse(state.streams[streams[0]!]!.cursor));
        const records = windowRecords(pages(i), log, keep);
        for (const id of streams) state.streams[id] = advance(state.streams[id]!, window);
        yield { origin: `${spec.name} ${label}`, records, state: structuredClone(state) };
      }
      context.progress({ label: 'up to date', fraction: 1 });
    },
  };
}

const range = (w: Window) => ({ start_at: iso(w.start), end_at: iso(w.end) });

const customers = windowed({
  name: 'customers',
  table: 'raw_square_customers',
  perLocation: false,
  batch: 1,
  plan: createdThenUpdated(() => SQUARE_BEGINNING, true),
  listing: (_locations, w) => ({
    op: 'SearchCustomers',
    field: 'customers',
    body: {
      limit: 100,
      query: { filter: w.phase === 'history' ? { created_at: range(w) } : { updated_at: range(w) }, sort: { field: 'CREATED_AT', order: 'ASC' } },
    },
  }),
});

const payments = windowed({
  name: 'payments',
  table: 'raw_square_payments',
  perLocation: true,
  batch: 1,
  plan: createdThenUpdated((horizon) => horizon),
  // Always both ends: without end_time pages overlap and payments come twice. Changes keep a created-at
  // range too, since ListPayments otherwise defaults to the last year of created payments.
  listing: ([location], w, horizon) => ({
    op: 'ListPayments',
    field: 'payments',
    query:
      w.phase === 'history'
        ? { location_id: location, begin_time: iso(w.start), end_time: iso(w.end), sort_field: 'CREATED_AT', sort_order: 'ASC', limit: 100 }
        : {
            location_id: location,
            begin_time: iso(Math.min(horizon, w.start)),
            end_time: iso(w.end),
            updated_at_begin_time: iso(w.start),
            updated_at_end_time: iso(w.end),
            sort_field: 'UPDATED_AT',
            sort_order: 'ASC',
            limit: 100,
          },
  }),
});

const orders = windowed({
  name: 'orders',
  table: 'raw_square_orders',
  perLocation: true,
  batch: 10,
  plan: createdThenUpdated((horizon) => horizon),
  listing: (locations, w) => {
    // The sort field must be the field the time filter is on.
    const field = w.phase === 'history' ? 'created_at' : 'updated_at';
    return {
      op: 'SearchOrders',
      field: 'orders',
      body: {
        location_ids: locations,
        limit: 500,
        return_entries: false,
        query: {
          filter: { date_time_filter: { [field]: range(w) }, state_filter: { states: ORDER_STATES } },
          sort: { sort_field: field.toUpperCase(), sort_order: 'ASC' },
        },
      },
    };
  },
});

const bookings = windowed({
  name: 'bookings',
  table: 'raw_square_bookings',
  perLocation: true,
  batch: 1,
  plan: (horizon, now) => ({
    historyStart: horizon,
    historyEnd: now + BOOKINGS_AHEAD_MS,
    historySize: () => 31 * DAY_MS,
    // No updated-at filter exists: read start times around now again and keep what changed since the cursor.
    changes: (cursor, at) => {
      const windows: Window[] = split(Math.min(cursor, at) - BOOKINGS_BEHIND_MS, at + BOOKINGS_AHEAD_MS, () => 31 * DAY_MS).map((w) => ({ phase: 'changes', ...w }));
      windows.at(-1)!.cursorAfter = at;
      return windows;
    },
  }),
  listing: ([location], w) => ({ op: 'ListBookings', field: 'bookings', query: { location_id: location, start_at_min: iso(w.start), start_at_max: iso(w.end), limit: 100 } }),
  keep: (w, cursorBefore) => {
    if (w.phase === 'history') return undefined;
    const since = cursorBefore - OVERLAP_MS;
    return (item) => {
      const updated = typeof item.updated_at === 'string' ? Date.parse(item.updated_at) : NaN;
      return !(updated < since);
    };
  },
});

// ---------------------------------------------------------------- whole listings

interface SnapshotState {
  lastRun: string;
}

/** A small list read whole on every run: one unit; unchanged records add nothing. */
function snapshot(name: string, table: string, op: Operation, field: string, body: Record<string, unknown> | undefined): EntityDefinition<SquareConfig, SnapshotState> {
  return {
    name,
    table,
    keyPath: ['id'],
    async *extract(context) {
      const session = sessionFor(context);
      const { now, locations } = await session.begin(context.signal);
      context.progress({ label: 'whole list', fraction: 0 });
      if (op === 'ListLocations') {
        const records = windowRecords(async function* () {
          yield { items: locations };
        }, context.log);
        yield { origin: `${name} ${iso(now)}`, records, state: { lastRun: iso(now) } };
        return;
      }
      const records = windowRecords(() => session.paginate({ op, field, body }, context.signal), context.log);
      yield { origin: `${name} ${iso(now)}`, records, state: { lastRun: iso(now) } };
    },
  };
}

interface CatalogState {
  /** Objects updated after this (minus the overlap) are asked for; absent before the first full read. */
  cursor?: string;
}

const CATALOG_TYPES = ['ITEM', 'ITEM_VARIATION', 'MODIFIER', 'MODIFIER_LIST', 'CATEGORY'];

const catalog: EntityDefinition<SquareConfig, CatalogState> = {
  name: 'catalog_objects',
  table: 'raw_square_catalog_objects',
  keyPath: ['id'],
  async *extract(context) {
    const session = sessionFor(context);
    const { now } = await session.begin(context.signal);
    const since = context.state?.cursor ? Date.parse(context.state.cursor) - OVERLAP_MS : undefined;
    // begin_time is exclusive and selects objects updated after it; deleted objects come too.
    const body = { object_types: CATALOG_TYPES, include_deleted_objects: true, include_related_objects: false, limit: 1000, ...(since ? { begin_time: iso(since) } : {}) };
    const label = since ? `changes since ${iso(since)}` : 'whole catalog';
    context.progress({ label, fraction: 0 });
    const records = windowRecords(() => session.paginate({ op: 'SearchCatalogObjects', field: 'objects', body }, context.signal), context.log);
    yield { origin: `catalog_objects ${label}`, records, state: { cursor: iso(now) } };
  },
};

// ---------------------------------------------------------------- check, source

async function* checkSquare(context: { instance: SourceInstance<SquareConfig>; http: HttpClient; signal: AbortSignal; secrets: SecretStore; log: Logger }): AsyncIterable<CheckStep> {
  const { instance, secrets } = context;
  if (!instance.config.accessToken) {
    const stored = await secrets.get<StoredTokens>(OAUTH_SECRET_PREFIX + instance.name).catch((error: Error) => error);
    if (stored instanceof Error || !stored) {
      yield { name: 'stored tokens', ok: false, detail: stored instanceof Error ? stored.message : 'none: run npm run elt -- square-auth --code <code>' };
      return;
    }
    const days = Math.floor((Date.parse(stored.expires_at) - Date.now()) / DAY_MS);
    yield { name: 'stored tokens', ok: true, detail: `access token valid for ${days} more days (runs refresh it when fewer than 7 remain)` };
  }
  try {
    // A separate session: the check must not share (or refresh into) a run's token state.
    const session = new SquareSession(instance, context.http, secrets, context.log);
    const { locations } = await session.begin(context.signal);
    const names = locations.map((l: Location) => l.name ?? l.id).slice(0, 5).join(', ');
    yield { name: 'token valid (list locations)', ok: true, detail: `${locations.length} location${locations.length === 1 ? '' : 's'}${names ? `: ${names}` : ''}` };
  } catch (error) {
    yield { name: 'token valid (list locations)', ok: false, detail: (error as Error).message };
  }
}

export const square: SourceDefinition<SquareConfig> = {
  name: 'square',
  title: 'Square',
  configure: configureSquare,
  entities: [
    snapshot('locations', 'raw_square_locations', 'ListLocations', 'locations', undefined),
    customers,
    payments,
    orders,
    bookings,
    snapshot('team_members', 'raw_square_team_members', 'SearchTeamMembers', 'team_members', { limit: 200 }),
    catalog,
    snapshot('loyalty_accounts', 'raw_square_loyalty_accounts', 'SearchLoyaltyAccounts', 'loyalty_accounts', { limit: 200 }),
  ],
  check: checkSquare,
  http: squareHttpOptions,
  async discoverInstances(configured, { env, secrets }) {
    const client = oauthClient(env);
    const instances = [...configured];
    if (client) {
      for (const name of await secrets.list(OAUTH_SECRET_PREFIX)) {
        const merchant = name.slice(OAUTH_SECRET_PREFIX.length);
        if (!instances.some((i) => i.name === merchant)) instances.push({ name: merchant, config: oauthMerchantConfig(env, client) });
      }
    }
    if (instances.length === 0) {
      throw new Error('Square has no merchant yet: set SQUARE_ACCESS_TOKEN, or authorise one with npm run elt -- square-auth --code <authorization code>.');
    }
    return instances;
  },
  commands: [squareAuthCommand],
  async startSandbox() {
    const sandbox = await startSquareSandbox();
    return {
      env: sandbox.env(),
      advance: async () => {
        await sandbox.advance();
        return `the Square sandbox is now at ${new Date(sandbox.now()).toISOString()} (one more day of payments, orders, customers and bookings)`;
      },
      close: () => sandbox.close(),
    };
  },
};
