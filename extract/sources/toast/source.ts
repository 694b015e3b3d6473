/**
 * Toast: orders (checks, selections, payments inside), cash entries and deposits, labor (time entries,
 * employees, jobs) and configuration, for one or more restaurants of one machine client. See api.ts for
 * the API contract and spans.ts for how time is cut.
 *
 * Parts (`--only toast.orders|cash|labor|config`) follow the usual schedule: orders, cash and labor daily,
 * configuration weekly. Restaurants run side by side, each within its own rate limits.
 */
import { HttpError, type HttpClient } from '../../kit/http/index.js';
import type { Logger } from '../../kit/log.js';
import type { RawRecord } from '../../kit/records/json-records.js';
import type { SecretStore } from '../../kit/secrets.js';
import type { CheckStep, EntityContext, EntityDefinition, SourceDefinition, SourceInstance, Unit } from '../../kit/source.js';
import { ToastLogin, ToastRestaurant, businessDate, toastTime } from './api.js';
import { configureToast, toastConcurrency, toastHttpOptions, type ToastConfig } from './config.js';
import { startToastSandbox } from './sandbox/index.js';
import { DAY_MS, daySpan, daySpans, rangeSpans, weekSpans, type Span } from './spans.js';

/** Modified-time windows start this much before the saved cursor (clock skew, late commits). */
const OVERLAP_MS = 10 * 60_000;
/** Cash for a business day can still change after it closes (undone entries): re-read the last days. */
const CASH_REREAD_DAYS = 2;
/** A refused day is asked again by later runs for this long; older ones are left to a backfill. */
const PENDING_DAYS = 14;

const logins = new WeakMap<HttpClient, Map<string, ToastLogin>>();

function restaurantFor(context: { instance: SourceInstance<ToastConfig>; http: HttpClient; secrets: SecretStore; log: Logger }): ToastRestaurant {
  const { config } = context.instance;
  const byClient = logins.get(context.http) ?? new Map<string, ToastLogin>();
  logins.set(context.http, byClient);
  const key = `${config.apiUrl} ${config.clientId}`;
  let login = byClient.get(key);
  if (!login) {
    login = new ToastLogin(config, context.http, context.secrets, context.log);
    byClient.set(key, login);
  }
  return new ToastRestaurant(config, context.http, login);
}

/** A refusal of this one request (bad day, bad range), as opposed to the endpoint or the run failing. */
const refused = (error: unknown) =>
  error instanceof HttpError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429;

/** Fetches up to `ahead` spans at once and hands their results over in order. */
async function* fetchAhead(spans: Span[], ahead: number, read: (span: Span) => Promise<Buffer[]>) {
  const inFlight: Promise<{ span: Span; records?: Buffer[]; error?: unknown }>[] = [];
  let next = 0;
  const start = () => {
    const span = spans[next++]!;
    inFlight.push(read(span).then((records) => ({ span, records }), (error: unknown) => ({ span, error })));
  };
  while (next < spans.length && inFlight.length < ahead) start();
  while (inFlight.length) {
    const result = await inFlight.shift()!;
    if (next < spans.length) start();
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

interface TimedState {
  /** Incremental runs: everything before this instant has been read. */
  cursor?: string;
  /** Business days refused by Toast, asked again by the next runs. */
  pending?: string[];
  /** Backfill: ids of the spans landed. */
  done?: string[];
}

interface TimedSpec {
  name: string;
  table: string;
  part: string;
  /** `day`: business dates; `modified`: modified-time windows. */
  by: 'day' | 'modified';
  read(restaurant: ToastRestaurant, span: Span, signal: AbortSignal): Promise<Buffer[]>;
  /** Spans asked for at once (the rate limiter paces them). */
  ahead: number;
  /** Spans landed together in one unit. */
  perUnit: number;
}

function planIncremental(spec: TimedSpec, state: TimedState | undefined, now: number, historyDays: number): Span[] {
  const cursor = state?.cursor ? Date.parse(state.cursor) : undefined;
  if (spec.by === 'modified') return rangeSpans(cursor !== undefined ? cursor - OVERLAP_MS : now - historyDays * DAY_MS, now);
  const from = cursor !== undefined ? cursor - CASH_REREAD_DAYS * DAY_MS : now - (historyDays - 1) * DAY_MS;
  const planned = daySpans(from, now);
  const pending = (state?.pending ?? []).map((id) => daySpan(Date.parse(`${id}T00:00:00Z`))).filter((p) => p.start < planned[0]!.start);
  return [...pending, ...planned];
}

function timed(spec: TimedSpec): EntityDefinition<ToastConfig, TimedState> {
  return {
    name: spec.name,
    table: spec.table,
    part: spec.part,
    keyPath: ['guid'],
    backfill: true,
    async *extract(context: EntityContext<ToastConfig, TimedState>): AsyncIterable<Unit<TimedState>> {
      const { signal, log, backfill } = context;
      const restaurant = restaurantFor(context);
      const now = await restaurant.now(signal);
      const done = new Set(backfill ? (context.state?.done ?? []) : []);
      const to = backfill ? Math.min(backfill.to, now) : now;
      const spans = backfill
        ? (spec.by === 'day' ? daySpans(backfill.from, to) : weekSpans(backfill.from, to)).filter((s) => !done.has(s.id))
        : planIncremental(spec, context.state, now, context.instance.config.historyDays);
      const pending = new Set(context.state?.pending ?? []);
      const oldest = now - PENDING_DAYS * DAY_MS;
      for (const id of pending) {
        if (Date.parse(`${id}T00:00:00Z`) < oldest) {
          pending.delete(id);
          log.warn('a refused business day is no longer asked for by daily runs; backfill it to retry', { day: id, backfill: `npm run elt -- backfill toast --from ${id} --to ${id} --only toast.${spec.part}` });
        }
      }
      let cursor = context.state?.cursor;
      let batches: Buffer[][] = [];
      let skipped: string[] = [];
      let landed: Span[] = [];
      let finished = 0;
      const unit = (): Unit<TimedState> => {
        const first = landed[0] ?? { id: '', start: now, end: now };
        const last = landed.at(-1) ?? first;
        const label = spec.by === 'day' ? `${first.id}..${last.id}` : `${toastTime(first.start)}..${toastTime(last.end)}`;
        for (const span of landed) done.add(span.id);
        const state: TimedState = backfill ? { ...context.state, done: [...done] } : { cursor, ...(pending.size ? { pending: [...pending].sort() } : {}) };
        const result = { origin: `${spec.name} ${backfill ? 'backfill ' : ''}${label}`, records: asRecords(batches), state, skipped };
        batches = [];
        skipped = [];
        landed = [];
        return result;
      };
      for await (const { span, records, error } of fetchAhead(spans, spec.ahead, (span) => spec.read(restaurant, span, signal))) {
        signal.throwIfAborted();
        if (error !== undefined) {
          const circuitOpen = error instanceof HttpError && error.kind === 'circuit_open';
          // A backfill notes any failed span and goes on; daily runs skip only a refused business day.
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows the span's read failure as it was
          if (circuitOpen || !(backfill || (spec.by === 'day' && refused(error)))) throw error;
          const message = error instanceof Error ? error.message : String(error);
          skipped.push(`${span.id}: ${message}`);
          if (!backfill) pending.add(span.id);
        } else {
          batches.push(records!);
          pending.delete(span.id);
        }
        // Done spans are recorded as landed; skipped ones stay out of `done` and are asked again.
        if (error === undefined) landed.push(span);
        if (!backfill) cursor = toastTime(Math.min(span.end, now));
        finished++;
        context.progress({ label: `${spec.by === 'day' ? 'business day' : 'modified'} ${span.id}`, fraction: finished / spans.length });
        if (finished % spec.perUnit === 0 || finished === spans.length) yield unit();
      }
      context.progress({ label: 'up to date', fraction: 1 });
    },
  };
}

const orders = timed({
  name: 'orders',
  table: 'raw_toast_orders',
  part: 'orders',
  by: 'modified',
  read: (r, span, signal) => r.orders(span.start, span.end, signal),
  ahead: 2,
  perUnit: 1,
});

const cash = (name: string, path: string) =>
  timed({
    name,
    table: `raw_toast_${name}`,
    part: 'cash',
    by: 'day',
    read: (r, span, signal) => r.list(`/cashmgmt/v1/${path}`, { businessDate: businessDate(span.start) }, `toast.cash.${path}`, signal),
    ahead: 8,
    perUnit: 7,
  });

const timeEntries = timed({
  name: 'time_entries',
  table: 'raw_toast_time_entries',
  part: 'labor',
  by: 'modified',
  // The modified range includes archived (deleted) entries.
  read: (r, span, signal) => r.list('/labor/v1/timeEntries', { modifiedStartDate: toastTime(span.start), modifiedEndDate: toastTime(span.end) }, 'toast.timeEntries', signal),
  ahead: 3,
  perUnit: 1,
});

// ---------------------------------------------------------------- lists read whole or by lastModified

interface ListState {
  /** When the last read started: config lists ask for objects modified after it (minus the overlap). */
  since: string;
}

function listed(
  name: string,
  part: string,
  read: (restaurant: ToastRestaurant, since: number | undefined, signal: AbortSignal) => Promise<Buffer[]>,
): EntityDefinition<ToastConfig, ListState> {
  return {
    name,
    table: `raw_toast_${name}`,
    part,
    keyPath: ['guid'],
    async *extract(context) {
      const restaurant = restaurantFor(context);
      const now = await restaurant.now(context.signal);
      const since = context.state ? Date.parse(context.state.since) - OVERLAP_MS : undefined;
      context.progress({ label: since === undefined ? 'whole list' : `changes since ${toastTime(since)}`, fraction: 0 });
      const records = await read(restaurant, since, context.signal);
      yield { origin: `${name} ${toastTime(now)}`, records: asRecords([records]), state: { since: toastTime(now) } };
      context.progress({ label: 'up to date', fraction: 1 });
    },
  };
}

const whole = (name: string, path: string) => listed(name, 'labor', (r, _since, signal) => r.list(path, {}, `toast.${name}`, signal));
const config = (name: string, path: string) => listed(name, 'config', (r, since, signal) => r.configList(path, since, `toast.config.${path}`, signal));

// ---------------------------------------------------------------- check, source

async function* checkToast(context: { instance: SourceInstance<ToastConfig>; http: HttpClient; signal: AbortSignal; secrets: SecretStore; log: Logger }): AsyncIterable<CheckStep> {
  const restaurant = restaurantFor(context);
  try {
    const [record] = await restaurant.restaurant(context.signal);
    const general = (JSON.parse(record?.toString('utf8') ?? '{}') as { general?: { name?: string; timeZone?: string } }).general;
    yield { name: 'login and restaurant access', ok: true, detail: `${general?.name ?? restaurant.guid}${general?.timeZone ? ` (${general.timeZone})` : ''}` };
  } catch (error) {
    yield { name: 'login and restaurant access', ok: false, detail: (error as Error).message };
    return;
  }
  try {
    const today = await restaurant.now(context.signal);
    const orders = await restaurant.list('/orders/v2/ordersBulk', { startDate: toastTime(today - DAY_MS), endDate: toastTime(today), pageSize: '1' }, 'toast.ordersBulk', context.signal);
    yield { name: 'orders readable', ok: true, detail: orders.length ? 'orders modified in the last day found' : 'no order modified in the last day' };
  } catch (error) {
    yield { name: 'orders readable', ok: false, detail: (error as Error).message };
  }
}

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
    listed('restaurants', 'config', (r, _since, signal) => r.restaurant(signal)),
    config('revenue_centers', 'revenueCenters'),
    config('dining_options', 'diningOptions'),
    listed('menus', 'config', (r, _since, signal) => r.menus(signal)),
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
  async startSandbox() {
    const sandbox = await startToastSandbox();
    return {
      env: sandbox.env(),
      advance: async () => {
        await sandbox.advance();
        return `the Toast sandbox is now at ${new Date(sandbox.now()).toISOString()} (one more business day of orders, cash and labor)`;
      },
      close: () => sandbox.close(),
    };
  },
};
