/**
 * Square: locations, customers, payments, orders (line items and modifiers inside), bookings, catalog
 * objects (deleted ones included), team members and loyalty accounts, for one or more merchants.
 * See docs/sources/square.md and api.ts for the API contract, windows.ts for how syncing works, reading.ts for
 * how lists are read.
 *
 * Order of work per merchant: locations, customers and payments first, orders, bookings, team members,
 * then catalog and loyalty. Payments and bookings are asked per location; orders for up to 10 locations
 * per request. Every list is read to its last page.
 */
import { z } from 'zod';
import { checkSteps } from '../../kit/check.js';
import { runningSandbox } from '../../kit/source.js';
import type { EntityContext, EntityDefinition, SourceDefinition, Unit } from '../../kit/source.js';
import { DAY_MS, isoTime as iso, monthsBefore, fixedWindows } from '../../kit/windows.js';
import type { Listing } from './api.js';
import { REFRESH_BEFORE_MS } from './auth.js';
import { configureSquare, oauthClient, oauthMerchantConfig, squareHttpOptions, type SquareConfig } from './config.js';
import { connectionFor, SquareConnection } from './connection.js';
import { OAUTH_SECRET_PREFIX, squareAuthCommand, type StoredTokens } from './oauth.js';
import { cutShort, windowRecords, type AheadListing } from './reading.js';
import { startSquareSandbox } from './sandbox/index.js';
import {
  OVERLAP_MS,
  WINDOWED_STATE,
  firstVersion,
  timestamp,
  advance,
  newStream,
  planStream,
  updatedWindows,
  type SquareWindow,
  type StreamPlanSpec,
  type WindowedState,
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
/** ListBookings answers start-at windows of at most 31 days. */
const BOOKINGS_WINDOW_MS = 31 * DAY_MS;
const ORDER_STATES = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'];

// ---------------------------------------------------------------- windowed entities

interface WindowedSpec {
  /** Also names the raw table: raw_square_<name>. */
  name: string;
  /** Streams: one for the merchant, or one per location. */
  perLocation: boolean;
  /** Locations asked for in one request (streams in the same position share requests). */
  batch: number;
  plan(horizon: number, now: number, windowMs: number): StreamPlanSpec;
  /** The request of one window (without cursor). */
  listing(locations: string[], window: SquareWindow, horizon: number): Listing;
  /** Records of a window to keep (default all). */
  keep?(window: SquareWindow, cursorBefore: number): ((item: Record<string, unknown>) => boolean) | undefined;
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
    table: `raw_square_${spec.name}`,
    keyPath: ['id'],
    state: WINDOWED_STATE,
    async *extract(context: EntityContext<SquareConfig, WindowedState>): AsyncIterable<Unit<WindowedState>> {
      const { signal, log, instance, limits } = context;
      const connection = connectionFor(context);
      const { locations, now } = await connection.begin(signal);
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
      const work: { streams: string[]; window: SquareWindow; listing: Listing }[] = [];
      for (const ids of groups.values()) {
        const windows = planStream(state.streams[ids[0]!]!, now, plan, limits.since);
        for (let i = 0; i < ids.length; i += spec.batch) {
          const streams = ids.slice(i, i + spec.batch);
          for (const window of windows) {
            work.push({ streams, window, listing: spec.listing(spec.perLocation ? streams : [], window, horizon) });
          }
        }
      }
      // Read-ahead across windows: the next window's first page is asked for when this one's last arrives.
      const listings: AheadListing[] = work.map(({ listing }, i) =>
        connection.ahead(listing, signal, () => listings[i + 1]?.start(), limits.maxPages),
      );
      for (const [i, { streams, window }] of work.entries()) {
        const where = spec.perLocation
          ? ` ${streams.length === 1 ? `location ${streams[0]}` : `${streams.length} locations`}`
          : '';
        const label = `${window.phase} ${window.id}${where}`;
        context.progress({ label, fraction: i / work.length });
        const keep = spec.keep?.(window, limits.since ?? Date.parse(state.streams[streams[0]!]!.cursor));
        const reading = cutShort(() => listings[i]!.pages());
        const before = structuredClone(state);
        for (const id of streams) state.streams[id] = advance(state.streams[id]!, window);
        const after = structuredClone(state);
        yield {
          origin: `${spec.name} ${label}`,
          records: windowRecords(reading.pages, log, keep),
          // A window cut short by --max-pages is not done: the state stays, and the run stops here.
          get state() {
            return reading.cut() ? before : after;
          },
        };
        if (reading.cut()) return;
      }
      context.progress({ label: 'up to date', fraction: 1 });
    },
  };
}

const range = (w: SquareWindow) => ({ start_at: iso(w.start), end_at: iso(w.end) });

const customers = windowed({
  name: 'customers',
  perLocation: false,
  batch: 1,
  plan: createdThenUpdated(() => SQUARE_BEGINNING, true),
  listing: (_locations, w) => ({
    op: 'SearchCustomers',
    field: 'customers',
    body: {
      limit: 100,
      query: {
        filter: w.phase === 'history' ? { created_at: range(w) } : { updated_at: range(w) },
        sort: { field: 'CREATED_AT', order: 'ASC' },
      },
    },
  }),
});

const payments = windowed({
  name: 'payments',
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
        ? {
            location_id: location,
            begin_time: iso(w.start),
            end_time: iso(w.end),
            sort_field: 'CREATED_AT',
            sort_order: 'ASC',
            limit: 100,
          }
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
  perLocation: true,
  batch: 1,
  plan: (horizon, now) => ({
    historyStart: horizon,
    historyEnd: now + BOOKINGS_AHEAD_MS,
    historySize: () => BOOKINGS_WINDOW_MS,
    // No updated-at filter exists: read start times around now again and keep what changed since the cursor.
    changes: (cursor, at) => {
      const from = Math.min(cursor, at) - BOOKINGS_BEHIND_MS;
      const windows: SquareWindow[] = fixedWindows(from, at + BOOKINGS_AHEAD_MS, BOOKINGS_WINDOW_MS).map((w) => ({
        ...w,
        phase: 'changes',
      }));
      windows.at(-1)!.cursorAfter = at;
      return windows;
    },
  }),
  listing: ([location], w) => ({
    op: 'ListBookings',
    field: 'bookings',
    query: { location_id: location, start_at_min: iso(w.start), start_at_max: iso(w.end), limit: 100 },
  }),
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

const snapshotState = z.object({ lastRun: timestamp });

/** A small list read whole on every run (into raw_square_<name>): one unit; unchanged records add nothing. */
function snapshot(name: string, list?: Listing): EntityDefinition<SquareConfig, z.infer<typeof snapshotState>> {
  return {
    name,
    table: `raw_square_${name}`,
    keyPath: ['id'],
    state: firstVersion(snapshotState),
    async *extract(context) {
      const connection = connectionFor(context);
      const { now, locations, records: located } = await connection.begin(context.signal);
      context.progress({ label: 'whole list', fraction: 0 });
      // The locations came with the start of the run.
      const pages = list
        ? () => connection.pages(list, context.signal, context.limits.maxPages)
        : async function* () {
            yield { number: 1, records: located, values: locations, cut: false };
          };
      yield { origin: `${name} ${iso(now)}`, records: windowRecords(pages, context.log), state: { lastRun: iso(now) } };
    },
  };
}

const catalogState = z.object({
  /** Objects updated after this (minus the overlap) are asked for; absent before the first full read. */
  cursor: timestamp.optional(),
});

const CATALOG_TYPES = ['ITEM', 'ITEM_VARIATION', 'MODIFIER', 'MODIFIER_LIST', 'CATEGORY'];

const catalog: EntityDefinition<SquareConfig, z.infer<typeof catalogState>> = {
  name: 'catalog_objects',
  table: 'raw_square_catalog_objects',
  keyPath: ['id'],
  state: firstVersion(catalogState),
  async *extract(context) {
    const connection = connectionFor(context);
    const { now } = await connection.begin(context.signal);
    const saved = context.state?.cursor ? Date.parse(context.state.cursor) - OVERLAP_MS : undefined;
    const since = context.limits.since ?? saved;
    // begin_time is exclusive and selects objects updated after it; deleted objects come too.
    const body = {
      object_types: CATALOG_TYPES,
      include_deleted_objects: true,
      include_related_objects: false,
      limit: 1000,
      ...(since ? { begin_time: iso(since) } : {}),
    };
    const label = since ? `changes since ${iso(since)}` : 'whole catalog';
    context.progress({ label, fraction: 0 });
    const listing: Listing = { op: 'SearchCatalogObjects', field: 'objects', body };
    const reading = cutShort(() => connection.pages(listing, context.signal, context.limits.maxPages));
    yield {
      origin: `catalog_objects ${label}`,
      records: windowRecords(reading.pages, context.log),
      get state() {
        return reading.cut() ? (context.state ?? {}) : { cursor: iso(now) };
      },
    };
  },
};

// ---------------------------------------------------------------- check, source

const checkSquare = checkSteps<SquareConfig>([
  {
    name: 'stored tokens',
    async run({ instance, secrets }) {
      if (instance.config.accessToken) return 'not needed: an access token is configured';
      const stored = await secrets.get<StoredTokens>(OAUTH_SECRET_PREFIX + instance.name);
      if (!stored) throw new Error('none: run npm run elt -- square-auth --code <code>');
      const days = Math.floor((Date.parse(stored.expires_at) - Date.now()) / DAY_MS);
      const renewal = `runs refresh it when fewer than ${REFRESH_BEFORE_MS / DAY_MS} remain`;
      return `access token valid for ${days} more days (${renewal})`;
    },
  },
  {
    name: 'token valid (list locations)',
    async run({ instance, http, secrets, log, signal }) {
      // A connection of its own: the check must not share (or refresh into) a run's token state.
      const { locations } = await new SquareConnection(instance, http, secrets, log).begin(signal);
      const names = locations
        .map((l) => l.name ?? l.id)
        .slice(0, 5)
        .join(', ');
      return `${locations.length} location${locations.length === 1 ? '' : 's'}${names ? `: ${names}` : ''}`;
    },
  },
]);

export const square: SourceDefinition<SquareConfig> = {
  name: 'square',
  title: 'Square',
  configure: configureSquare,
  entities: [
    snapshot('locations'),
    customers,
    payments,
    orders,
    bookings,
    snapshot('team_members', {
      op: 'SearchTeamMembers',
      field: 'team_members',
      body: { limit: 200 },
    }),
    catalog,
    snapshot('loyalty_accounts', {
      op: 'SearchLoyaltyAccounts',
      field: 'loyalty_accounts',
      body: { limit: 200 },
    }),
  ],
  check: checkSquare,
  http: squareHttpOptions,
  async discoverInstances(configured, { env, secrets }) {
    const client = oauthClient(env);
    const instances = [...configured];
    if (client) {
      for (const name of await secrets.list(OAUTH_SECRET_PREFIX)) {
        const merchant = name.slice(OAUTH_SECRET_PREFIX.length);
        if (!instances.some((i) => i.name === merchant))
          instances.push({ name: merchant, config: oauthMerchantConfig(env, client) });
      }
    }
    if (instances.length === 0) {
      const authorise = 'authorise one with npm run elt -- square-auth --code <authorization code>';
      throw new Error(`Square has no merchant yet: set SQUARE_ACCESS_TOKEN, or ${authorise}.`);
    }
    return instances;
  },
  commands: [squareAuthCommand],
  startSandbox: async () =>
    runningSandbox(await startSquareSandbox(), (sandbox) => {
      const day = 'one more day of payments, orders, customers and bookings';
      return `the Square sandbox is now at ${new Date(sandbox.now()).toISOString()} (${day})`;
    }),
};
