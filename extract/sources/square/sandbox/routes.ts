/**
 * The Square sandbox's route table: the eight operations the source uses, answered from the data of
 * data.ts the way Square answers them. Limits enforced (400 INVALID_VALUE above them); opaque cursors bound
 * to the query and merchant they came from (400 INVALID_CURSOR for garbage or another query); ListPayments
 * per location_id (default: the first location, created in the last year, newest first, as Square);
 * SearchOrders with 1 to 10 location_ids and the sort field matching the time filter; ListBookings start_at
 * windows of at most 31 days; an empty list left out of the answer, as Square does.
 */
import { createHash } from 'node:crypto';
import { hashSeed } from '../../../kit/sandbox/random.js';
import {
  decodeCursor,
  encodeCursor,
  type Reply,
  type Route,
  type SandboxRequest,
} from '../../../kit/sandbox/routes.js';
import { DAY_MS } from '../../../kit/windows.js';
import type { Json, SquareWorld } from './data.js';

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

const invalid = (detail: string, field?: string, code = 'INVALID_VALUE') =>
  new ApiError(400, squareError('INVALID_REQUEST_ERROR', code, detail, field));

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

interface Slice {
  items: Json[];
  /** Where the next page starts; undefined on the last page. */
  next?: number;
}

/** A page from an ascending scan of candidate indices: up to `limit` items, and where the next page starts. */
function scanPage(indices: Iterable<number>, limit: number, make: (i: number) => Json | undefined): Slice {
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

export interface RouteOptions {
  seed: number;
  /** The data of a merchant, as of now. */
  world(merchant: number): SquareWorld;
  /** The merchant of a request's bearer token (auth has checked it). */
  merchantOf(request: SandboxRequest): number;
  /** Share of pages with one extra record without an id (fault switch). */
  malformedRecordRate: number;
}

/** A Square route: its operation's name, and the answer to a request of a merchant. */
export type SquareRoute = Route & { op: string };

export function squareRoutes({ seed, world, merchantOf, malformedRecordRate }: RouteOptions): SquareRoute[] {
  /** One page of `field`: from the request's cursor (bound to the query and merchant), items and the next cursor. */
  const page = (op: string, field: string, params: Json, merchant: number, paged: (from: number) => Slice): Json => {
    const { cursor, ...query } = params;
    const bound = createHash('sha1')
      .update(JSON.stringify([op, query, merchant]))
      .digest('hex')
      .slice(0, 16);
    const from = cursor === undefined || cursor === null || cursor === '' ? -1 : decodeCursor(String(cursor), bound);
    if (from === undefined) {
      throw new ApiError(
        400,
        squareError(
          'INVALID_REQUEST_ERROR',
          'INVALID_CURSOR',
          'The pagination cursor is not valid for this query.',
          'cursor',
        ),
      );
    }
    const { items, next } = paged(from);
    if (malformedRecordRate > 0 && hashSeed(seed, op, JSON.stringify(params)) / 4294967296 < malformedRecordRate) {
      items.push({
        note: 'sandbox fault: a record without an id',
        created_at: new Date(world(merchant).now).toISOString(),
      });
    }
    return {
      ...(items.length ? { [field]: items } : {}),
      ...(next === undefined ? {} : { cursor: encodeCursor(next, bound) }),
    };
  };

  const route = (
    op: string,
    method: 'GET' | 'POST',
    path: string,
    answer: (m: number, query: Json, body: Json) => Json,
  ): SquareRoute => ({
    op,
    method,
    path,
    handle(request): Reply {
      const version = request.headers['square-version'];
      if (version !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(version))) {
        return {
          status: 400,
          json: squareError(
            'INVALID_REQUEST_ERROR',
            'INVALID_VALUE',
            'Square-Version must look like YYYY-MM-DD.',
            'Square-Version',
          ),
        };
      }
      try {
        return { json: answer(merchantOf(request), Object.fromEntries(request.url.searchParams), obj(request.body)) };
      } catch (error) {
        if (error instanceof ApiError) return { status: error.status, json: error.body };
        throw error;
      }
    },
  });

  return [
    route('ListLocations', 'GET', '/v2/locations', (m) => ({
      locations: world(m).locations.map((l) => world(m).location(l)),
    })),

    route('SearchCustomers', 'POST', '/v2/customers/search', (m, _q, body) => {
      const w = world(m);
      const limit = limitOf(body.limit, 100, 100);
      const filter = obj(obj(body.query).filter);
      const created = obj(filter.created_at);
      const updated = obj(filter.updated_at);
      const sort = obj(obj(body.query).sort);
      const ca = time(created.start_at, 'query.filter.created_at.start_at') ?? -Infinity;
      const cb = time(created.end_at, 'query.filter.created_at.end_at') ?? Infinity;
      const desc = sort.order === 'DESC';
      const oldest = w.epoch - 3 * 365 * DAY_MS;
      return page('SearchCustomers', 'customers', body, m, (from) => {
        if (filter.updated_at || desc) {
          const ua = time(updated.start_at, 'query.filter.updated_at.start_at') ?? -Infinity;
          const ub = time(updated.end_at, 'query.filter.updated_at.end_at') ?? Infinity;
          let list = filter.updated_at
            ? w.updatedIn('customer', Math.max(ua, oldest), Math.min(ub, w.now + 1)).map((x) => x.index)
            : [...w.customers.range(Math.max(ca, oldest), Math.min(cb, w.now + 1))];
          list = list.filter((i) => {
            const t = w.customerCreated(i);
            return t >= ca && t < cb;
          });
          if (sort.field === 'CREATED_AT') list.sort((x, y) => x - y);
          if (desc) list.reverse();
          const p = listPage(list, Math.max(0, from), limit);
          return { items: p.items.map((i) => w.customer(i)), next: p.next };
        }
        const indices = w.customers.range(Math.max(ca, oldest), Math.min(cb, w.now + 1), Math.max(0, from));
        return scanPage(indices, limit, (i) => w.customer(i));
      });
    }),

    route('ListPayments', 'GET', '/v2/payments', (m, params) => {
      const w = world(m);
      const limit = limitOf(params.limit, 100, 100);
      const location = String(params.location_id ?? w.locations[0]!.id);
      if (!w.locations.some((l) => l.id === location))
        throw invalid(`Location ${location} not found`, 'location_id', 'NOT_FOUND');
      const a = time(params.begin_time, 'begin_time') ?? w.now - 365 * DAY_MS;
      const b = time(params.end_time, 'end_time') ?? w.now + 1;
      const ua = time(params.updated_at_begin_time, 'updated_at_begin_time');
      const ub = time(params.updated_at_end_time, 'updated_at_end_time');
      const byUpdated = params.sort_field === 'UPDATED_AT' || ua !== undefined || ub !== undefined;
      const desc = (params.sort_order ?? 'DESC') === 'DESC';
      const here = (j: number) => w.paymentLocation(j).id === location;
      return page('ListPayments', 'payments', params, m, (from) => {
        if (byUpdated || desc) {
          const created = (j: number) => w.payments.at(j) >= a && w.payments.at(j) < b;
          let list = byUpdated
            ? w
                .updatedIn('payment', ua ?? -Infinity, ub ?? Infinity)
                .map((x) => x.index)
                .filter(created)
            : [...w.payments.range(a, b)];
          list = list.filter(here);
          if (desc) list.reverse();
          const p = listPage(list, Math.max(0, from), limit);
          return { items: p.items.map((j) => w.payment(j)), next: p.next };
        }
        return scanPage(w.payments.range(a, b, Math.max(0, from)), limit, (j) => (here(j) ? w.payment(j) : undefined));
      });
    }),

    route('SearchOrders', 'POST', '/v2/orders/search', (m, _q, body) => {
      const w = world(m);
      const locations = body.location_ids;
      if (!Array.isArray(locations) || locations.length < 1 || locations.length > 10) {
        throw invalid('location_ids must name between 1 and 10 locations', 'location_ids');
      }
      for (const id of locations) {
        if (!w.locations.some((l) => l.id === id))
          throw invalid(`Location ${String(id)} not found`, 'location_ids', 'NOT_FOUND');
      }
      const limit = limitOf(body.limit, 1000, 500);
      const filter = obj(obj(body.query).filter);
      const dtf = obj(filter.date_time_filter);
      const states = Array.isArray(obj(filter.state_filter).states)
        ? (obj(filter.state_filter).states as string[])
        : undefined;
      const sort = obj(obj(body.query).sort);
      const field = ['created_at', 'updated_at', 'closed_at'].find((f) => dtf[f] !== undefined);
      const sortField = String(sort.sort_field ?? 'CREATED_AT');
      if (field && sortField !== field.toUpperCase()) {
        const detail = `When filtering on ${field}, sort_field must be ${field.toUpperCase()}.`;
        throw new ApiError(
          400,
          squareError('INVALID_REQUEST_ERROR', 'INVALID_SORT_ORDER', detail, 'query.sort.sort_field'),
        );
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
      const created = (from = 0) =>
        w.orders.range(Math.max(a, w.epoch - 2 * 365 * DAY_MS), Math.min(b, w.now + 1), from);
      return page('SearchOrders', 'orders', body, m, (from) => {
        if (field === 'updated_at' || field === 'closed_at' || desc) {
          let list: number[];
          if (field === 'updated_at') list = w.updatedIn('order', a, b).map((x) => x.index);
          else if (field === 'closed_at') {
            list = [...w.orders.range(a - DAY_MS, b)].filter((k) => {
              const c = Date.parse(String(w.order(k).closed_at ?? ''));
              return c >= a && c < b;
            });
          } else list = [...created()];
          if (desc) list.reverse();
          const out: Json[] = [];
          let i = Math.max(0, from);
          for (; i < list.length && out.length < limit; i++) {
            const order = keep(list[i]!);
            if (order) out.push(order);
          }
          return { items: out, next: i < list.length ? i : undefined };
        }
        return scanPage(created(Math.max(0, from)), limit, keep);
      });
    }),

    route('ListBookings', 'GET', '/v2/bookings', (m, params) => {
      const w = world(m);
      const limit = limitOf(params.limit, 100, 100);
      const a = time(params.start_at_min, 'start_at_min') ?? w.now;
      const b = time(params.start_at_max, 'start_at_max') ?? a + 31 * DAY_MS;
      if (b - a > 31 * DAY_MS) throw invalid('start_at_max must be at most 31 days after start_at_min', 'start_at_max');
      const location = String(params.location_id ?? w.locations[0]!.id);
      return page('ListBookings', 'bookings', params, m, (from) => {
        let list = w.bookingsStarting(location, a, b).map((i) => w.booking(i));
        const member = (x: Json) => (x.appointment_segments as Json[])[0]?.team_member_id;
        if (params.team_member_id) list = list.filter((x) => member(x) === params.team_member_id);
        if (params.customer_id) list = list.filter((x) => x.customer_id === params.customer_id);
        list = list.filter((x) => Date.parse(String(x.created_at)) <= w.now);
        return listPage(list, Math.max(0, from), limit);
      });
    }),

    route('SearchCatalogObjects', 'POST', '/v2/catalog/search', (m, _q, body) => {
      const w = world(m);
      const limit = limitOf(body.limit, 1000, 100);
      const types = Array.isArray(body.object_types) ? (body.object_types as string[]) : undefined;
      const since = time(body.begin_time, 'begin_time');
      const updated = (o: Json) => Date.parse(String(o.updated_at));
      const answer = page('SearchCatalogObjects', 'objects', body, m, (from) => {
        const list = w
          .catalogObjects()
          .filter(
            (o) =>
              (!types || types.includes(String(o.type))) && (body.include_deleted_objects === true || !o.is_deleted),
          )
          .filter((o) => (since === undefined || updated(o) > since) && updated(o) <= w.now)
          .sort(
            (x, y) =>
              String(x.updated_at).localeCompare(String(y.updated_at)) || String(x.id).localeCompare(String(y.id)),
          );
        return listPage(list, Math.max(0, from), limit);
      });
      return { ...answer, latest_time: new Date(w.now).toISOString() };
    }),

    route('SearchTeamMembers', 'POST', '/v2/team-members/search', (m, _q, body) => {
      const w = world(m);
      const limit = limitOf(body.limit, 200, 100);
      const filter = obj(obj(body.query).filter);
      const locations = Array.isArray(filter.location_ids) ? (filter.location_ids as string[]) : undefined;
      return page('SearchTeamMembers', 'team_members', body, m, (from) => {
        let list = w.team
          .filter((t) => !locations || t.locations.some((l) => locations.includes(l)))
          .map((t) => w.teamMember(t.index));
        if (typeof filter.status === 'string') list = list.filter((t) => t.status === filter.status);
        return listPage(list, Math.max(0, from), limit);
      });
    }),

    route('SearchLoyaltyAccounts', 'POST', '/v2/loyalty/accounts/search', (m, _q, body) => {
      const w = world(m);
      const limit = limitOf(body.limit, 200, 30);
      const customerIds = obj(body.query).customer_ids;
      const wanted = Array.isArray(customerIds) ? new Set(customerIds as string[]) : undefined;
      const enrolled = (i: number) =>
        w.enrolled(i) && (!wanted || wanted.has(w.customerId(i))) ? w.loyaltyAccount(i) : undefined;
      return page('SearchLoyaltyAccounts', 'loyalty_accounts', body, m, (from) =>
        scanPage(w.customers.range(-Infinity, w.now + 1, Math.max(0, from)), limit, enrolled),
      );
    }),
  ];
}
