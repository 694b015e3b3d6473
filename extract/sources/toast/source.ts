/**
 * Toast: orders (checks, selections, payments inside), cash entries and deposits, labor (time entries,
 * employees, jobs) and configuration, for one or more restaurants of one machine client. See api.ts for
 * the API contract.
 *
 * Parts (`--only toast.orders|cash|labor|config`) follow the usual schedule: orders, cash and labor daily,
 * configuration weekly. Restaurants run side by side, each within its own rate limits.
 */
import { z } from 'zod';
import { httpErrorOf } from '../../kit/http/index.js';
import type { RawRecord } from '../../kit/records/json-records.js';
import { restSource, type RestEntitySpec } from '../../kit/rest/index.js';
import { checkSteps } from '../../kit/check.js';
import { runningSandbox } from '../../kit/source.js';
import type { EntityDefinition, SourceDefinition, Unit } from '../../kit/source.js';
import type { StateSchema } from '../../kit/state.js';
import {
  calendarWindows,
  DAY_MS,
  describeWindow,
  fixedWindows,
  isoDay,
  isoTime,
  MINUTE_MS,
  WEEK_MS,
  window,
  type Window,
} from '../../kit/windows.js';
import {
  businessDate,
  ordersPaging,
  pageTokenPaging,
  readAll,
  restaurantCall,
  toastApiSpec,
  toastTime,
  type Listing,
} from './api.js';
import {
  configureToast,
  MENUS_ENDPOINT,
  ORDERS_ENDPOINT,
  toastConcurrency,
  toastHttpOptions,
  type ToastConfig,
} from './config.js';
import { startToastSandbox } from './sandbox/index.js';

/** Modified-time windows start this much before the saved cursor (clock skew, late commits). */
const OVERLAP_MS = 10 * MINUTE_MS;
/** Cash for a business day can still change after it closes (undone entries): re-read the last days. */
const CASH_REREAD_DAYS = 2;
/** A refused day is asked again by later runs for this long; older ones are left to a backfill. */
const PENDING_DAYS = 14;

/** A refusal of this one request (bad day, bad range), as opposed to the endpoint or the run failing. */
function refused(error: unknown): boolean {
  const status = httpErrorOf(error)?.status;
  return status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 429;
}

/** Fetches up to `ahead` windows at once and hands their results over in order. */
async function* fetchAhead<R>(windows: Window[], ahead: number, read: (w: Window) => Promise<R>) {
  const inFlight: Promise<{ w: Window; result?: R; error?: unknown }>[] = [];
  let next = 0;
  const start = () => {
    const w = windows[next++]!;
    inFlight.push(
      read(w).then(
        (result) => ({ w, result }),
        (error: unknown) => ({ w, error }),
      ),
    );
  };
  while (next < windows.length && inFlight.length < ahead) start();
  while (inFlight.length) {
    const result = await inFlight.shift()!;
    if (next < windows.length) start();
    yield result;
  }
}

async function* asRecords(batches: Buffer[][]): AsyncIterable<RawRecord> {
  let index = 0;
  let offset = 0;
  for (const batch of batches) {
    for (const bytes of batch) {
      yield { bytes, index: index++, offset };
      offset += bytes.length + 1;
    }
  }
}

// ---------------------------------------------------------------- time-based entities

const timedState = z.object({
  /** Incremental runs: everything before this instant has been read. */
  cursor: z.string().datetime().optional(),
  /** Business days (yyyy-mm-dd) refused by Toast, asked again by the next runs. */
  pending: z.array(z.string().date()).optional(),
});
/** Backfill: ids of the windows landed. */
const doneState = z.object({ done: z.array(z.string()) });
type TimedState = z.infer<typeof timedState>;
type DoneState = z.infer<typeof doneState>;

/** Before v1 the cursor was in Toast's format (`+0000`). */
const TIMED_STATE: StateSchema<TimedState> = {
  version: 1,
  schema: timedState,
  migrations: { 0: (old) => ({ ...(old as object), ...asIso(old as { cursor?: unknown }, 'cursor', 'cursor') }) },
};

/** Before v1 a done day was "2025-06-02" and a done week "<ISO start>..<ISO end>"; now the kit's window ids. */
const v1WindowId = (id: string): string => {
  const [from, to] = id.split('..').map((t) => Date.parse(t));
  if (Number.isNaN(from) || Number.isNaN(to ?? 0)) return id;
  return window(from!, to ?? from! + DAY_MS).id;
};
const BACKFILL_STATE: StateSchema<DoneState> = {
  version: 1,
  schema: doneState,
  migrations: {
    0: (old) => ({ done: ((old as DoneState).done ?? []).map((id) => (typeof id === 'string' ? v1WindowId(id) : id)) }),
  },
};

/** `{ [to]: ISO time }` from a time saved in Toast's format at `from`, or nothing. */
function asIso(old: Record<string, unknown>, from: string, to: string): Record<string, string> {
  const ms = Date.parse(String(old?.[from]));
  return Number.isNaN(ms) ? {} : { [to]: isoTime(ms) };
}

interface TimedSpec {
  name: string;
  part: string;
  /** `day`: business dates; `modified`: modified-time windows of at most a week. */
  by: 'day' | 'modified';
  listing(w: Window): Listing;
  /** Windows asked for at once (the rate limiter paces them). */
  ahead: number;
  /** Windows landed together in one unit. */
  perUnit: number;
}

const dayWindow = (ms: number): Window => calendarWindows(ms, ms + 1, 'day', false)[0]!;

/** The later of two ISO times: a cursor never moves backwards. */
const later = (a: string | undefined, b: string) => (a !== undefined && Date.parse(a) > Date.parse(b) ? a : b);

/** From the cursor (or --since, or the first run's history) to now; refused days first. */
function planIncremental(
  spec: TimedSpec,
  state: TimedState,
  now: number,
  context: { since?: number; historyDays: number },
) {
  const cursor = state.cursor ? Date.parse(state.cursor) : undefined;
  if (spec.by === 'modified') {
    const from = context.since ?? (cursor !== undefined ? cursor - OVERLAP_MS : now - context.historyDays * DAY_MS);
    return fixedWindows(from, now, WEEK_MS);
  }
  const from =
    context.since ??
    (cursor !== undefined ? cursor - CASH_REREAD_DAYS * DAY_MS : now - (context.historyDays - 1) * DAY_MS);
  const planned = calendarWindows(from, now, 'day', false);
  const pending = (state.pending ?? [])
    .map((day) => dayWindow(Date.parse(day)))
    .filter((p) => p.start < planned[0]!.start);
  return [...pending, ...planned];
}

function timed(spec: TimedSpec): EntityDefinition<ToastConfig, TimedState | DoneState> {
  // Business days are named by their date (in `pending`, skipped lists and logs), other windows by their id.
  const label = (w: Window) => (spec.by === 'day' ? isoDay(w.start) : w.id);
  return {
    name: spec.name,
    table: `raw_toast_${spec.name}`,
    part: spec.part,
    keyPath: ['guid'],
    backfill: true,
    state: TIMED_STATE,
    backfillState: BACKFILL_STATE,
    async *extract(context): AsyncIterable<Unit<TimedState | DoneState>> {
      const { signal, log, backfill, limits } = context;
      const api = rest.api(context);
      const now = await api.now(signal, restaurantCall(context.instance));
      const saved = (context.state ?? {}) as TimedState & Partial<DoneState>;
      const done = new Set(backfill ? (saved.done ?? []) : []);
      const windows = backfill
        ? calendarWindows(
            backfill.from,
            Math.min(backfill.to, now),
            spec.by === 'day' ? 'day' : 'week',
            spec.by !== 'day',
          )
        : planIncremental(spec, saved, now, { since: limits.since, historyDays: context.instance.config.historyDays });
      const todo = windows.filter((w) => !done.has(w.id));
      const pending = new Set(saved.pending ?? []);
      for (const day of pending) {
        if (Date.parse(day) >= now - PENDING_DAYS * DAY_MS) continue;
        pending.delete(day);
        const command = `npm run elt -- backfill toast --from ${day} --to ${day} --only toast.${spec.part}`;
        log.warn('a refused business day is no longer asked for by daily runs; backfill it to retry', {
          day,
          backfill: command,
        });
      }
      let cursor = saved.cursor;
      let batches: Buffer[][] = [];
      let skipped: string[] = [];
      let read: Window[] = [];
      let finished = 0;
      const unit = (): Unit<TimedState | DoneState> => {
        const range = describeWindow({ start: read[0]?.start ?? now, end: read.at(-1)?.end ?? now });
        const state = backfill
          ? { done: [...done] }
          : { cursor, ...(pending.size ? { pending: [...pending].sort() } : {}) };
        const origin = `${spec.name} ${backfill ? 'backfill ' : ''}${range}`;
        const result = { origin, records: asRecords(batches), state, skipped };
        batches = [];
        skipped = [];
        read = [];
        return result;
      };
      const readWindow = (w: Window) => readAll(api, spec.listing(w), signal, limits.maxPages);
      for await (const { w, result, error } of fetchAhead(todo, spec.ahead, readWindow)) {
        signal.throwIfAborted();
        if (error !== undefined) {
          // A backfill notes any failed window and goes on; daily runs skip only a refused business day.
          const skippable = backfill || (spec.by === 'day' && refused(error));
          if (httpErrorOf(error)?.kind === 'circuit_open' || !skippable)
            throw error instanceof Error ? error : new Error(String(error));
          skipped.push(`${label(w)}: ${error instanceof Error ? error.message : String(error)}`);
          if (!backfill) pending.add(label(w));
        } else {
          batches.push(result!.records);
          read.push(w);
          // Windows read whole are done; skipped ones, and one cut short by --max-pages, are asked again.
          if (!result!.cut) {
            done.add(w.id);
            pending.delete(label(w));
          }
        }
        if (!backfill && !result?.cut) cursor = later(cursor, isoTime(Math.min(w.end, now)));
        finished++;
        const kind = spec.by === 'day' ? 'business day' : 'modified';
        context.progress({ label: `${kind} ${label(w)}`, fraction: finished / todo.length });
        if (result?.cut || finished % spec.perUnit === 0 || finished === todo.length) yield unit();
        if (result?.cut) return;
      }
      context.progress({ label: 'up to date', fraction: 1 });
    },
  };
}

/** Modified-time windows, asked for by their ends (in Toast's time format) in the `range` parameters. */
const modified = (
  spec: Omit<TimedSpec, 'by' | 'listing'>,
  range: [start: string, end: string],
  listing: Omit<Listing, 'query'>,
) =>
  timed({
    ...spec,
    by: 'modified',
    listing: (w) => ({ ...listing, query: { [range[0]]: toastTime(w.start), [range[1]]: toastTime(w.end) } }),
  });

const orders = modified({ name: 'orders', part: 'orders', ahead: 2, perUnit: 1 }, ['startDate', 'endDate'], {
  path: '/orders/v2/ordersBulk',
  paginator: ordersPaging,
  endpoint: ORDERS_ENDPOINT,
});

const cash = (name: string, path: string) =>
  timed({
    name,
    part: 'cash',
    by: 'day',
    listing: (w) => ({
      path: `/cashmgmt/v1/${path}`,
      query: { businessDate: businessDate(w.start) },
      endpoint: `toast.cash.${path}`,
    }),
    ahead: 8,
    perUnit: 7,
  });

// The modified range includes archived (deleted) entries.
const timeEntries = modified(
  { name: 'time_entries', part: 'labor', ahead: 3, perUnit: 1 },
  ['modifiedStartDate', 'modifiedEndDate'],
  { path: '/labor/v1/timeEntries', endpoint: 'toast.timeEntries' },
);

// ---------------------------------------------------------------- lists read whole or by lastModified

const rest = restSource<ToastConfig>({ name: 'toast', api: toastApiSpec, clock: restaurantCall });

/** A kit entity whose state before v1 was `{ since }` (Toast's format): now the cursor, or `at` for whole lists. */
function listed(spec: Omit<RestEntitySpec, 'table' | 'keyPath'>, since: 'cursor' | 'at') {
  const entity = rest.entity({ ...spec, table: `raw_toast_${spec.name}`, keyPath: ['guid'] });
  const migrations = {
    ...entity.state.migrations,
    0: (old: unknown) => asIso(old as Record<string, unknown>, 'since', since),
  };
  return { ...entity, state: { ...entity.state, migrations } };
}

const whole = (name: string, path: string) => listed({ name, part: 'labor', path, endpoint: `toast.${name}` }, 'at');

const config = (name: string, path: string) =>
  listed(
    {
      name,
      part: 'config',
      path: `/config/v2/${path}`,
      endpoint: `toast.config.${path}`,
      paginator: pageTokenPaging,
      // The first read asks for everything (no lastModified), later ones for what changed since the last.
      incremental: {
        initial: () => 0,
        params: ({ start }) => (start > 0 ? { lastModified: toastTime(start) } : {}),
        overlapMs: OVERLAP_MS,
      },
    },
    'cursor',
  );

const snapshotState = z.object({ at: z.string().datetime().optional() });
type SnapshotState = z.infer<typeof snapshotState>;

/** The restaurant's own record (one object), read whole every run. */
const restaurants: EntityDefinition<ToastConfig, SnapshotState> = {
  name: 'restaurants',
  table: 'raw_toast_restaurants',
  part: 'config',
  keyPath: ['guid'],
  state: {
    version: 1,
    schema: snapshotState,
    migrations: { 0: (old) => asIso(old as Record<string, unknown>, 'since', 'at') },
  },
  async *extract(context) {
    const api = rest.api(context);
    const { records } = await readAll(api, restaurantCall(context.instance), context.signal);
    const at = isoTime(await api.now(context.signal));
    yield { origin: `restaurants ${at}`, records: asRecords([records]), state: { at } };
    context.progress({ label: 'up to date', fraction: 1 });
  },
};

// ---------------------------------------------------------------- check, source

const checkToast = checkSteps<ToastConfig>([
  {
    name: 'login and restaurant access',
    async run(context) {
      const { value } = await rest.api(context).call(restaurantCall(context.instance), context.signal);
      const general = (value as { general?: { name?: string; timeZone?: string } } | undefined)?.general;
      return `${general?.name ?? context.instance.name}${general?.timeZone ? ` (${general.timeZone})` : ''}`;
    },
  },
  {
    name: 'orders readable',
    async run(context) {
      const api = rest.api(context);
      const today = await api.now(context.signal);
      const query = { startDate: toastTime(today - DAY_MS), endDate: toastTime(today), pageSize: 1 };
      const call = { path: '/orders/v2/ordersBulk', query, endpoint: ORDERS_ENDPOINT };
      const { value } = await api.call(call, context.signal);
      return Array.isArray(value) && value.length > 0
        ? 'orders modified in the last day found'
        : 'no order modified in the last day';
    },
  },
]);

export const toast: SourceDefinition<ToastConfig> = {
  name: 'toast',
  title: 'Toast',
  configure: configureToast,
  entities: [
    orders,
    cash('cash_entries', 'entries'),
    cash('cash_deposits', 'deposits'),
    timeEntries,
    whole('employees', '/labor/v1/employees'),
    whole('jobs', '/labor/v1/jobs'),
    restaurants,
    config('revenue_centers', 'revenueCenters'),
    config('dining_options', 'diningOptions'),
    listed(
      { name: 'menus', part: 'config', path: '/menus/v2/menus', records: ['menus'], endpoint: MENUS_ENDPOINT },
      'at',
    ),
    config('menu_items', 'menuItems'),
    config('menu_groups', 'menuGroups'),
    config('sales_categories', 'salesCategories'),
    config('discounts', 'discounts'),
    config('service_charges', 'serviceCharges'),
    config('tax_rates', 'taxRates'),
  ],
  check: checkToast,
  http: toastHttpOptions,
  concurrency: toastConcurrency,
  startSandbox: async () =>
    runningSandbox(await startToastSandbox(), (sandbox) => {
      const at = new Date(sandbox.now()).toISOString();
      return `the Toast sandbox is now at ${at} (one more business day of orders, cash and labor)`;
    }),
};
