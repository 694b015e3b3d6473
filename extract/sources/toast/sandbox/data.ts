/**
 * The Toast sandbox's deterministic data world: N restaurants (guids from the seed), each with orders, cash,
 * labor and configuration for every business date from 2024-12-01 to the sandbox's today, computed per
 * (restaurant, business date) when asked (orders.ts, cash.ts, labor.ts, configuration.ts). Nothing of the
 * history is generated up front; a few recent days and configuration states are cached (bounded), so memory
 * stays flat however much is served.
 *
 * Everything is "as of now": records whose first version is later than the sandbox's clock do not exist
 * yet, and records modified again later are served in the version before that modification. The same seed,
 * restaurant count, orders per day and clock give the same bytes.
 */
import {
  CONFIG_RECORDS,
  changesAt,
  configState,
  menusRecord,
  restaurantPlans,
  restaurantRecord,
  type ConfigKind,
  type ConfigState,
  type RestaurantPlan,
} from './configuration.js';
import { cashDay } from './cash.js';
import type { Json } from './format.js';
import { LaborPlan, type ShiftPlan } from './labor.js';
import {
  LATE_MAX_DAYS,
  orderHeaders,
  orderMenu,
  orderModifiedAt,
  orderRecord,
  type OrderDay,
  type OrderHeader,
  type OrderMenu,
} from './orders.js';
import { DAY_MS, FIRST_DAY, START_MS } from './time.js';

export type { Json } from './format.js';
export type { ConfigKind } from './configuration.js';

export interface ToastDataConfig {
  seed: number;
  restaurants: number;
  /** Average orders per restaurant and business date (weekends busier). */
  ordersPerDay: number;
}

/** An order selected by a query, built only when its page is served. */
export interface OrderRef {
  day: number;
  header: OrderHeader;
  modifiedAt: number;
}

/** A small least-recently-used cache. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K, make: () => V): V {
    let value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
    } else {
      value = make();
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K);
    }
    this.map.set(key, value);
    return value;
  }
}

/** Guids in code-unit order, the tie-breaker after times. */
const byGuid = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

export class ToastWorld {
  readonly now: number;
  readonly plans: RestaurantPlan[];
  private readonly byGuid: Map<string, RestaurantPlan>;
  private readonly labor = new Map<number, LaborPlan>();
  private readonly todays = new Map<number, number>();
  private readonly states = new Lru<string, { state: ConfigState; menu: OrderMenu }>(48);
  private readonly orderDays = new Lru<number, { headers: OrderHeader[]; day: OrderDay }>(256);

  constructor(
    readonly cfg: ToastDataConfig,
    readonly days: number,
  ) {
    this.now = START_MS + days * DAY_MS;
    this.plans = restaurantPlans(cfg.seed, cfg.restaurants);
    this.byGuid = new Map(this.plans.map((p) => [p.guid, p]));
  }

  restaurant(guid: string): RestaurantPlan | undefined {
    return this.byGuid.get(guid.toLowerCase());
  }

  /** The business date the sandbox's now falls in, for a restaurant. */
  today(plan: RestaurantPlan): number {
    let day = this.todays.get(plan.index);
    if (day === undefined) {
      day = plan.days.dayOf(this.now);
      this.todays.set(plan.index, day);
    }
    return day;
  }

  /** Whether a business date has data (from 2024-12-01 to today). */
  hasDay(plan: RestaurantPlan, day: number): boolean {
    return day >= FIRST_DAY && day <= this.today(plan);
  }

  private dayRange(plan: RestaurantPlan, from: number, to: number): number[] {
    const out: number[] = [];
    for (let d = Math.max(from, FIRST_DAY); d <= Math.min(to, this.today(plan)); d++) out.push(d);
    return out;
  }

  // ---------------------------------------------------------------- configuration

  private configAt(plan: RestaurantPlan, at: number) {
    const weeks = changesAt(this.cfg.seed, plan.index, at);
    return this.states.get(`${plan.index}:${weeks}`, () => {
      const state = configState(this.cfg.seed, plan, weeks);
      return { state, menu: orderMenu(state) };
    });
  }

  /** A config/v2 endpoint's records as of now, those modified after `since` when given. */
  configRecords(plan: RestaurantPlan, kind: ConfigKind, since?: number): Json[] {
    return CONFIG_RECORDS[kind](this.configAt(plan, this.now).state)
      .filter((x) => since === undefined || x.at > since)
      .map((x) => x.record);
  }

  restaurantRecord(plan: RestaurantPlan): Json {
    return restaurantRecord(plan, this.configAt(plan, this.now).state);
  }

  menusRecord(plan: RestaurantPlan): Json {
    return menusRecord(plan, this.configAt(plan, this.now).state);
  }

  // ---------------------------------------------------------------- labor

  private laborOf(plan: RestaurantPlan): LaborPlan {
    let labor = this.labor.get(plan.index);
    if (!labor) {
      labor = new LaborPlan(this.cfg.seed, plan, 8 + Math.ceil(this.cfg.ordersPerDay / 5), this.now);
      this.labor.set(plan.index, labor);
    }
    return labor;
  }

  jobRecords(plan: RestaurantPlan): Json[] {
    return this.laborOf(plan).jobRecords(this.now);
  }

  employeeRecords(plan: RestaurantPlan): Json[] {
    return this.laborOf(plan).employeeRecords(this.now);
  }

  private shiftsIn(
    plan: RestaurantPlan,
    days: number[],
    keep: (s: ShiftPlan) => boolean,
    order: (s: ShiftPlan) => number,
  ): Json[] {
    const labor = this.laborOf(plan);
    const shifts = days.flatMap((d) => labor.shifts(d)).filter((s) => s.modifiedAt <= this.now && keep(s));
    return shifts
      .sort((x, y) => order(x) - order(y) || byGuid(x.guid, y.guid))
      .map((s) => labor.timeEntryRecord(s, this.now)!);
  }

  /** Time entries of a business date (deleted ones left out). */
  timeEntriesOfDate(plan: RestaurantPlan, day: number): Json[] {
    return this.shiftsIn(
      plan,
      this.dayRange(plan, day, day),
      (s) => !LaborPlan.deleted(s, this.now),
      (s) => s.in,
    );
  }

  /** Time entries clocked in within [a, b) (deleted ones left out). */
  timeEntriesIn(plan: RestaurantPlan, a: number, b: number): Json[] {
    const days = this.dayRange(plan, plan.days.dayOf(a) - 1, plan.days.dayOf(b));
    return this.shiftsIn(
      plan,
      days,
      (s) => s.in >= a && s.in < b && !LaborPlan.deleted(s, this.now),
      (s) => s.in,
    );
  }

  /** Time entries last modified within [a, b), deleted ones included. */
  timeEntriesModifiedIn(plan: RestaurantPlan, a: number, b: number): Json[] {
    const days = this.dayRange(plan, plan.days.dayOf(a) - 6, plan.days.dayOf(b));
    const at = (s: ShiftPlan) => LaborPlan.modifiedAt(s, this.now);
    return this.shiftsIn(plan, days, (s) => at(s) >= a && at(s) < b, at);
  }

  // ---------------------------------------------------------------- cash

  cash(plan: RestaurantPlan, day: number): { entries: Json[]; deposits: Json[] } {
    if (!this.hasDay(plan, day)) return { entries: [], deposits: [] };
    return cashDay(this.cfg.seed, plan, day, this.laborOf(plan).onStaff(day), this.now);
  }

  // ---------------------------------------------------------------- orders

  private ordersOf(plan: RestaurantPlan, day: number) {
    return this.orderDays.get(plan.index * 1_000_000 + day, () => {
      const servers = this.laborOf(plan)
        .onStaff(day)
        .filter((e) => e.jobs.some((j) => j.t.title === 'Server' || j.t.title === 'Bartender'))
        .map((e) => e.guid);
      const { menu } = this.configAt(plan, plan.days.start(day));
      return {
        headers: orderHeaders(this.cfg.seed, plan, day, this.cfg.ordersPerDay),
        day: { seed: this.cfg.seed, plan, day, menu, servers },
      };
    });
  }

  private refs(plan: RestaurantPlan, days: number[], keep: (modifiedAt: number) => boolean): OrderRef[] {
    const out: OrderRef[] = [];
    for (const day of days) {
      for (const header of this.ordersOf(plan, day).headers) {
        if (header.modifiedAt > this.now) continue;
        const modifiedAt = orderModifiedAt(header, this.now);
        if (keep(modifiedAt)) out.push({ day, header, modifiedAt });
      }
    }
    return out.sort((x, y) => x.modifiedAt - y.modifiedAt || byGuid(x.header.guid, y.header.guid));
  }

  /** Orders whose modifiedDate (as of now) is in [a, b), ascending by (modifiedDate, guid). */
  ordersModifiedIn(plan: RestaurantPlan, a: number, b: number): OrderRef[] {
    const days = this.dayRange(plan, plan.days.dayOf(a) - LATE_MAX_DAYS - 1, plan.days.dayOf(b));
    return this.refs(plan, days, (t) => t >= a && t < b);
  }

  /** Orders of a business date, ascending by (modifiedDate, guid). */
  ordersOfDate(plan: RestaurantPlan, day: number): OrderRef[] {
    return this.refs(plan, this.dayRange(plan, day, day), () => true);
  }

  order(plan: RestaurantPlan, ref: OrderRef): Json {
    return orderRecord(this.ordersOf(plan, ref.day).day, ref.header, this.now);
  }
}
