/**
 * Orders of one sandbox restaurant and business date, computed from (seed, restaurant, date, index).
 *
 * A day's order count follows the weekday (Friday and Saturday busiest) around `ordersPerDay`. Each order
 * has a cheap header (guid, opened/closed times, status, later modification) so a modified-time window can be
 * answered by scanning headers; the full order is built only when served. Per order: 8% split checks (2 or 3,
 * a fifth of them with an extra deleted check), 2% voided the same day, 1% deleted; per selection 4% voided
 * and modifiers nested up to four levels; item discounts (4% of selections) and check discounts (6% of
 * checks, spread over the selections' prices); auto gratuity for parties of six or more, delivery and online
 * fees; payments by credit card, cash, gift card and other, 8% split tender, 1% after a denied card, some
 * refunded the same day. 4% of orders are modified again 1 to 7 days later: a tip adjusted, a refund, or the
 * order voided; before that moment the earlier version is served.
 *
 * Money is in cents until rendered, so check.amount is exactly the sum of its non-voided selections' prices,
 * taxAmount the sum of their taxes, totalAmount their sum; the payments of a check cover totalAmount plus its
 * service charges (tips on top).
 */
import { createRandom, Random } from '../../../kit/sandbox/random.js';
import type {
  ConfigState,
  DiningOptionState,
  DiscountState,
  ItemState,
  ModifierGroup,
  NamedState,
  RestaurantPlan,
  ServiceChargeState,
} from './configuration.js';
import { ALCOHOL_CATEGORIES } from './catalog.js';
import { guid, money, ref, roundCents, type Json } from './format.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, toastTime, weekday, ymdFromDay } from './time.js';

/** Volume by weekday (Monday first); averages 1. */
const WEEKDAY_VOLUME = [0.75, 0.8, 0.9, 1.0, 1.3, 1.35, 0.9];
/** Service periods, local hours [from, to, weight]: weekdays, then weekends. */
const PERIODS: [number, number, number][][] = [
  [
    [8, 11, 5],
    [11, 15, 40],
    [17, 22, 48],
    [22, 25, 7],
  ],
  [
    [9, 14, 35],
    [14, 17, 5],
    [17, 22.5, 50],
    [22.5, 25.5, 10],
  ],
];
/** Later modifications happen at most this many days after the business date (plus the hours of that day). */
export const LATE_MAX_DAYS = 7;

type LateKind = 'tip' | 'refund' | 'void';

export interface OrderHeader {
  guid: string;
  opened: number;
  closed: number;
  /** modifiedDate of the first version (when the order was closed). */
  modifiedAt: number;
  status: 'ok' | 'voided' | 'deleted';
  source: 'In Store' | 'Online' | 'API';
  dineIn: boolean;
  split: boolean;
  late?: { at: number; kind: LateKind };
  /** Seed of the rest of the order, drawn only when it is built. */
  body: number;
}

/** modifiedDate of an order as of `now` (its first version must exist, i.e. modifiedAt <= now). */
export function orderModifiedAt(h: OrderHeader, now: number): number {
  return h.late && h.late.at <= now ? h.late.at : h.modifiedAt;
}

/** The headers of a business date's orders, ascending by opening time. */
export function orderHeaders(seed: number, plan: RestaurantPlan, day: number, ordersPerDay: number): OrderHeader[] {
  const r = plan.index;
  const dayRng = createRandom(seed, r, 'orders', day);
  const wd = weekday(day);
  const count = Math.round(ordersPerDay * WEEKDAY_VOLUME[wd]! * (0.85 + 0.3 * dayRng.next()));
  const periods = PERIODS[wd >= 5 ? 1 : 0]!;
  const midnight = plan.days.midnight(day);
  const headers: OrderHeader[] = [];
  for (let i = 0; i < count; i++) {
    const rng = createRandom(seed, r, day, i);
    const [from, to] = rng.pickWeighted(periods.map((p) => [p, p[2]] as const));
    const opened = midnight + Math.floor((from + rng.next() * (to - from)) * HOUR_MS);
    const source = rng.pickWeighted([
      ['In Store', 75],
      ['Online', 20],
      ['API', 5],
    ] as const);
    const dineIn = source === 'In Store' && rng.chance(0.85);
    const closed = opened + (dineIn ? rng.int(35, 110) : rng.int(5, 25)) * MINUTE_MS + rng.int(0, 59_999);
    const statusDraw = rng.next();
    const status = statusDraw < 0.02 ? 'voided' : statusDraw < 0.03 ? 'deleted' : 'ok';
    const lateDraw = rng.next();
    const lateAt =
      midnight + rng.int(1, LATE_MAX_DAYS) * DAY_MS + rng.int(10 * 60, 22 * 60) * MINUTE_MS + rng.int(0, 59_999);
    const lateKind = rng.pickWeighted([
      ['tip', 50],
      ['refund', 35],
      ['void', 15],
    ] as const);
    headers.push({
      guid: guid(rng),
      opened,
      closed,
      modifiedAt: closed + rng.int(1_000, 120_000),
      status,
      source,
      dineIn,
      split: rng.chance(0.08),
      late: status === 'ok' && lateDraw < 0.04 ? { at: lateAt, kind: lateKind } : undefined,
      body: rng.uint32(),
    });
  }
  return headers.sort((a, b) => a.opened - b.opened);
}

// ---------------------------------------------------------------- what orders are built from

/** A configuration state prepared for drawing orders (built once per state). */
export interface OrderMenu {
  config: ConfigState;
  items: ItemState[];
  /** Cumulative weights of `items`, for weighted picks by binary search. */
  cumulative: number[];
  itemDiscounts: DiscountState[];
  checkDiscounts: DiscountState[];
  salesTax: number;
  liquorTax: number;
  dining: { dineIn: DiningOptionState; takeOut: DiningOptionState; online: DiningOptionState[] };
  /** In-store revenue centers with their weights (dining room, bar, patio), and the online one. */
  revenue: { room: [NamedState, number][]; online: NamedState };
  charges: { gratuity: ServiceChargeState; delivery: ServiceChargeState; online: ServiceChargeState };
}

export function orderMenu(config: ConfigState): OrderMenu {
  const items = config.items.filter((i) => i.visibility !== 'NONE');
  const cumulative: number[] = [];
  let total = 0;
  for (const i of items) cumulative.push((total += i.weight));
  const d = config.diningOptions;
  const byBehavior = (b: DiningOptionState['behavior']) => d.filter((o) => o.behavior === b);
  return {
    config,
    items,
    cumulative,
    itemDiscounts: config.discounts.filter((x) => x.active && x.selectionType === 'ITEM'),
    checkDiscounts: config.discounts.filter((x) => x.active && x.selectionType === 'CHECK'),
    salesTax: config.taxRates[0]!.rate,
    liquorTax: config.taxRates[1]!.rate,
    dining: {
      dineIn: byBehavior('DINE_IN')[0]!,
      takeOut: byBehavior('TAKE_OUT')[0]!,
      online: [...byBehavior('TAKE_OUT').slice(1), ...byBehavior('DELIVERY'), ...byBehavior('CURBSIDE')],
    },
    revenue: {
      room: config.revenueCenters.slice(0, 3).map((rc, i) => [rc, [60, 25, 15][i]!]),
      online: config.revenueCenters[3]!,
    },
    charges: {
      gratuity: config.serviceCharges[0]!,
      delivery: config.serviceCharges[1]!,
      online: config.serviceCharges[2]!,
    },
  };
}

/** Everything a business date's orders share. */
export interface OrderDay {
  seed: number;
  plan: RestaurantPlan;
  day: number;
  menu: OrderMenu;
  /** Guids of the servers and bartenders on staff that day. */
  servers: string[];
}

// ---------------------------------------------------------------- building an order

interface Sel {
  json: Json;
  cents: number;
  tax: number;
  alcohol: boolean;
  voided: boolean;
}

interface Check {
  json: Json;
  sels: Sel[];
  payments: Json[];
}

const CARDS = [
  ['VISA', 45],
  ['MASTERCARD', 30],
  ['AMEX', 18],
  ['DISCOVER', 7],
] as const;
const TIP_SHARES = [0, 0.15, 0.18, 0.2, 0.2, 0.22, 0.25];
const CUSTOMER_POOL = 2000;
const FIRST = [
  'Ava',
  'Ben',
  'Chloe',
  'Diego',
  'Emma',
  'Finn',
  'Grace',
  'Hugo',
  'Ivy',
  'Jon',
  'Kira',
  'Leo',
  'Mia',
  'Noah',
  'Olga',
  'Paul',
];
const LAST = ['Garcia', 'Smith', 'Chen', 'Khan', 'Murphy', 'Rossi', 'Novak', 'Ali', 'Berg', 'Costa', 'Dunn', 'Ortiz'];

/** The order as of `now`: its later modification applied when that has happened. */
export function orderRecord(d: OrderDay, h: OrderHeader, now: number): Json {
  const rng = new Random(h.body);
  const { menu } = d;
  const ymd = ymdFromDay(d.day);
  const late = h.late && h.late.at <= now ? h.late : undefined;

  const dining = h.dineIn
    ? menu.dining.dineIn
    : h.source === 'In Store'
      ? menu.dining.takeOut
      : rng.pick(menu.dining.online);
  const revenueCenter =
    h.source !== 'In Store'
      ? menu.revenue.online
      : h.dineIn
        ? rng.pickWeighted(menu.revenue.room)
        : menu.revenue.room[0]![0];
  const guests = h.dineIn ? (rng.chance(0.05) ? rng.int(6, 10) : rng.int(1, 5)) : 1;
  const server = h.source === 'In Store' && d.servers.length ? rng.pick(d.servers) : null;
  const customer = h.source !== 'In Store' || rng.chance(0.08) ? customerOf(d, rng.int(0, CUSTOMER_POOL - 1)) : null;
  const lines = h.dineIn ? Math.min(12, guests + rng.int(0, guests + 1)) : rng.int(1, 4);
  const checkCount = h.split ? rng.int(2, 3) : 1;
  const voidedOrder = h.status === 'voided' || late?.kind === 'void';
  const voidAt = h.status === 'voided' ? h.closed : (late?.at ?? 0);

  const checks: Check[] = [];
  for (let c = 0; c < checkCount; c++) {
    const sels: Sel[] = [];
    const n = Math.max(1, Math.round(lines / checkCount));
    for (let s = 0; s < n; s++) sels.push(selection(rng, d, h));
    const appliedDiscounts = discountCheck(rng, menu, sels);
    let amount = 0;
    let tax = 0;
    for (const s of sels) {
      s.tax = roundCents((s.cents * (menu.salesTax + (s.alcohol ? menu.liquorTax : 0))) / 100);
      s.json.tax = money(s.tax);
      if (!s.voided) {
        amount += s.cents;
        tax += s.tax;
      }
    }
    const charges = c === 0 ? serviceCharges(rng, menu, h, dining, guests, amount) : { list: [], cents: 0 };
    const check: Check = {
      sels,
      payments: [],
      json: {
        guid: guid(rng),
        entityType: 'Check',
        displayNumber: String(rng.int(1, 999)),
        openedDate: toastTime(h.opened),
        closedDate: toastTime(h.closed),
        modifiedDate: toastTime(h.modifiedAt),
        deleted: h.status === 'deleted',
        voided: false,
        paymentStatus: 'CLOSED',
        amount: money(amount),
        taxAmount: money(tax),
        totalAmount: money(amount + tax),
        customer,
        selections: sels.map((s) => s.json),
        payments: [],
        appliedDiscounts,
        appliedServiceCharges: charges.list,
      },
    };
    if (h.status === 'ok')
      check.payments = check.json.payments = payments(rng, d, h, amount + tax + charges.cents, server, sels);
    checks.push(check);
  }
  if (h.split && rng.chance(0.2)) checks.push(deletedCheck(rng, h));

  applyLate(h, late, checks, voidedOrder, voidAt);
  const paid = checks.flatMap((c) => c.payments).find((p) => p.paymentStatus === 'CAPTURED');
  return {
    guid: h.guid,
    entityType: 'Order',
    externalId: h.source === 'API' ? `api-${h.guid.slice(0, 8)}` : null,
    openedDate: toastTime(h.opened),
    modifiedDate: toastTime(orderModifiedAt(h, now)),
    closedDate: toastTime(h.closed),
    createdDate: toastTime(h.opened),
    paidDate: paid ? paid.paidDate : null,
    businessDate: ymd,
    voided: voidedOrder,
    voidDate: voidedOrder ? toastTime(voidAt) : null,
    voidBusinessDate: voidedOrder ? ymdFromDay(d.plan.days.dayOf(voidAt)) : null,
    deleted: h.status === 'deleted',
    deletedDate: h.status === 'deleted' ? toastTime(h.modifiedAt) : null,
    source: h.source,
    numberOfGuests: guests,
    diningOption: ref(dining.guid, 'DiningOption'),
    revenueCenter: ref(revenueCenter.guid, 'RevenueCenter'),
    server: server ? ref(server, 'RestaurantUser') : null,
    checks: checks.map((c) => c.json),
  };
}

function customerOf(d: OrderDay, index: number): Json {
  const rng = createRandom(d.seed, d.plan.index, 'customer', index);
  const firstName = rng.pick(FIRST);
  const lastName = rng.pick(LAST);
  return {
    guid: guid(rng),
    firstName,
    lastName,
    email: `${firstName}.${lastName}${index}@example.com`.toLowerCase(),
    phone: `${d.plan.place.area}555${String(rng.int(100, 199)).padStart(4, '0')}`,
  };
}

function pickItem(rng: Random, menu: OrderMenu): ItemState {
  const x = rng.next() * menu.cumulative[menu.cumulative.length - 1]!;
  let lo = 0;
  let hi = menu.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (menu.cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return menu.items[lo]!;
}

function selection(rng: Random, d: OrderDay, h: OrderHeader): Sel {
  const item = pickItem(rng, d.menu);
  const quantity = rng.chance(0.85) ? 1 : rng.int(2, 3);
  const created = h.opened + rng.int(0, Math.max(1, Math.floor((h.closed - h.opened) / 2)));
  const voided = rng.chance(0.04);
  const voidDate = voided ? toastTime(created + rng.int(1, 10) * MINUTE_MS) : null;
  const createdDate = toastTime(created);
  const mods = item.tree
    ? modifiers(rng, d.plan.modifiers[item.tree]!, quantity, createdDate, voided, voidDate)
    : { list: [], cents: 0 };
  const pre = item.cents * quantity + mods.cents;
  const discounts: Json[] = [];
  let cents = pre;
  if (d.menu.itemDiscounts.length && rng.chance(0.04)) {
    const x = rng.pick(d.menu.itemDiscounts);
    const off =
      x.type === 'PERCENT'
        ? roundCents((pre * (x.percentage ?? 0)) / 100)
        : x.type === 'OPEN_PERCENT'
          ? pre
          : Math.min(pre, 1000);
    cents -= off;
    discounts.push({ guid: guid(rng), discount: ref(x.guid, 'Discount'), name: x.name, discountAmount: money(off) });
  }
  return {
    cents,
    tax: 0,
    alcohol: ALCOHOL_CATEGORIES.has(item.category),
    voided,
    json: {
      guid: guid(rng),
      entityType: 'MenuItemSelection',
      item: ref(item.guid, 'MenuItem'),
      itemGroup: ref(item.group),
      displayName: item.name,
      quantity,
      price: money(cents),
      preDiscountPrice: money(pre),
      receiptLinePrice: money(item.cents),
      tax: 0,
      voided,
      voidDate,
      salesCategory: ref(d.menu.config.salesCategories[item.category]!.guid),
      createdDate,
      modifiedDate: voidDate ?? createdDate,
      optionGroup: null,
      appliedDiscounts: discounts,
      modifiers: mods.list,
    },
  };
}

/** Modifier selections of a modifier tree: required groups always, optional ones sometimes, recursively. */
function modifiers(
  rng: Random,
  groups: ModifierGroup[],
  quantity: number,
  createdDate: string,
  voided: boolean,
  voidDate: string | null,
): { list: Json[]; cents: number } {
  const list: Json[] = [];
  let cents = 0;
  for (const g of groups) {
    if (!g.required && !rng.chance(0.35)) continue;
    const o = rng.pick(g.options);
    const nested = modifiers(rng, o.groups, quantity, createdDate, voided, voidDate);
    const price = o.cents * quantity + nested.cents;
    cents += price;
    list.push({
      guid: guid(rng),
      entityType: 'MenuItemSelection',
      item: ref(o.guid, 'MenuItem'),
      itemGroup: null,
      displayName: o.name,
      quantity,
      price: money(price),
      preDiscountPrice: money(price),
      receiptLinePrice: money(o.cents),
      tax: 0,
      voided,
      voidDate,
      salesCategory: null,
      createdDate,
      modifiedDate: voidDate ?? createdDate,
      optionGroup: ref(g.guid),
      appliedDiscounts: [],
      modifiers: nested.list,
    });
  }
  return { list, cents };
}

/**
 * A check-level discount on some checks, spread over the non-voided selections in proportion to their price
 * (the remainder on the last), so each selection's price stays its price after discounts. Returns the
 * check's appliedDiscounts.
 */
function discountCheck(rng: Random, menu: OrderMenu, sels: Sel[]): Json[] {
  if (!menu.checkDiscounts.length || !rng.chance(0.06)) return [];
  const x = rng.pick(menu.checkDiscounts);
  const live = sels.filter((s) => !s.voided && s.cents > 0);
  const subtotal = live.reduce((sum, s) => sum + s.cents, 0);
  if (!subtotal) return [];
  const off = Math.min(
    subtotal,
    x.type === 'FIXED' ? (x.cents ?? 0) : roundCents((subtotal * (x.percentage ?? 0)) / 100),
  );
  let left = off;
  live.forEach((s, i) => {
    const share = i === live.length - 1 ? left : Math.floor((off * s.cents) / subtotal);
    left -= share;
    s.cents -= share;
    s.json.price = money(s.cents);
  });
  return [{ guid: guid(rng), discount: ref(x.guid, 'Discount'), name: x.name, discountAmount: money(off) }];
}

function payments(rng: Random, d: OrderDay, h: OrderHeader, due: number, server: string | null, sels: Sel[]): Json[] {
  if (due <= 0) return [];
  const out: Json[] = [];
  const paidAt = h.closed - rng.int(30_000, 180_000);
  const base = {
    entityType: 'OrderPayment',
    paidDate: toastTime(paidAt),
    paidBusinessDate: ymdFromDay(d.day),
    server: server ? ref(server) : null,
  };
  if (rng.chance(0.01))
    out.push({
      guid: guid(rng),
      ...base,
      type: 'CREDIT',
      ...card(rng),
      amount: money(due),
      tipAmount: 0,
      amountTendered: null,
      paymentStatus: 'DENIED',
      refundStatus: 'NONE',
      refund: null,
    });
  const split = rng.chance(0.08) ? roundCents((due * rng.int(30, 70)) / 100) : due;
  for (const cents of split < due ? [split, due - split] : [due]) {
    const type =
      h.source === 'In Store'
        ? rng.pickWeighted([
            ['CREDIT', 70],
            ['CASH', 20],
            ['GIFTCARD', 5],
            ['OTHER', 5],
          ] as const)
        : 'CREDIT';
    const tip =
      type === 'CREDIT'
        ? roundCents(cents * rng.pick(TIP_SHARES))
        : type === 'CASH' && rng.chance(0.2)
          ? rng.int(1, 5) * 100
          : 0;
    const payment: Json = {
      guid: guid(rng),
      ...base,
      type,
      ...(type === 'CREDIT' || type === 'GIFTCARD' ? card(rng) : { cardType: null, last4Digits: null }),
      amount: money(cents),
      tipAmount: money(tip),
      amountTendered: type === 'CASH' ? money(Math.ceil((cents + tip) / 2000) * 2000) : null,
      paymentStatus: 'CAPTURED',
      refundStatus: 'NONE',
      refund: null,
    };
    if (rng.chance(0.005)) {
      const back = Math.min(cents, Math.max(...sels.map((s) => s.cents)));
      Object.assign(payment, {
        refundStatus: back === cents ? 'FULL' : 'PARTIAL',
        refund: {
          refundAmount: money(back),
          tipRefundAmount: 0,
          refundDate: toastTime(h.closed + rng.int(5, 40) * MINUTE_MS),
        },
      });
    }
    out.push(payment);
  }
  return out;
}

function card(rng: Random): Json {
  return { cardType: rng.pickWeighted(CARDS), last4Digits: String(rng.int(0, 9999)).padStart(4, '0') };
}

/** Auto gratuity for parties of six or more, the delivery fee, the online ordering fee (first check only). */
function serviceCharges(
  rng: Random,
  menu: OrderMenu,
  h: OrderHeader,
  dining: DiningOptionState,
  guests: number,
  amount: number,
): { list: Json[]; cents: number } {
  const list: Json[] = [];
  let cents = 0;
  const { gratuity, delivery, online } = menu.charges;
  for (const [sc, charged] of [
    [gratuity, h.dineIn && guests >= 6 ? roundCents((amount * (gratuity.percent ?? 0)) / 100) : undefined],
    [delivery, dining.behavior === 'DELIVERY' ? delivery.cents : undefined],
    [online, h.source !== 'In Store' && dining.behavior === 'TAKE_OUT' ? online.cents : undefined],
  ] as const) {
    if (charged === undefined || charged === null) continue;
    cents += charged;
    list.push({
      guid: guid(rng),
      serviceCharge: ref(sc.guid),
      name: sc.name,
      chargeAmount: money(charged),
      gratuity: sc.gratuity,
    });
  }
  return { list, cents };
}

function deletedCheck(rng: Random, h: OrderHeader): Check {
  return {
    sels: [],
    payments: [],
    json: {
      guid: guid(rng),
      entityType: 'Check',
      displayNumber: String(rng.int(1000, 9999)),
      openedDate: toastTime(h.opened),
      closedDate: null,
      modifiedDate: toastTime(h.opened + rng.int(1, 5) * MINUTE_MS),
      deleted: true,
      voided: false,
      paymentStatus: 'OPEN',
      amount: 0,
      taxAmount: 0,
      totalAmount: 0,
      customer: null,
      selections: [],
      payments: [],
      appliedDiscounts: [],
      appliedServiceCharges: [],
    },
  };
}

/**
 * Voids (same day or later), late tip adjustments and late refunds. The first version of an order whose tip
 * is adjusted later shows the card payment without a tip and the check PAID (not yet CLOSED).
 */
function applyLate(
  h: OrderHeader,
  late: OrderHeader['late'],
  checks: Check[],
  voidedOrder: boolean,
  voidAt: number,
): void {
  const live = checks.filter((c) => !c.json.deleted);
  if (voidedOrder) {
    const voidDate = toastTime(voidAt);
    for (const c of live) {
      for (const s of c.sels) voidSelection(s.json, voidDate);
      Object.assign(c.json, { voided: true, amount: 0, taxAmount: 0, totalAmount: 0, modifiedDate: voidDate });
      for (const p of c.payments)
        if (p.paymentStatus !== 'DENIED') refund(p, p.amount as number, p.tipAmount as number, voidDate);
    }
  }
  if (h.late?.kind === 'tip') {
    const c = live.find((x) => x.payments.some((p) => p.type === 'CREDIT' && p.paymentStatus === 'CAPTURED'));
    const p = c?.payments.find((x) => x.type === 'CREDIT' && x.paymentStatus === 'CAPTURED');
    if (c && p) {
      if (late) {
        p.tipAmount = money(roundCents((p.amount as number) * 100 * 0.2));
        c.json.modifiedDate = toastTime(late.at);
      } else {
        p.tipAmount = 0;
        c.json.paymentStatus = 'PAID';
      }
    }
  }
  if (late?.kind === 'refund') {
    const c = live.find((x) => x.payments.some((p) => p.paymentStatus === 'CAPTURED' && p.refundStatus === 'NONE'));
    const p = c?.payments.find((x) => x.paymentStatus === 'CAPTURED' && x.refundStatus === 'NONE');
    if (c && p) {
      const most = Math.max(...c.sels.filter((s) => !s.voided).map((s) => s.cents), 0) / 100;
      refund(p, Math.min(p.amount as number, most), 0, toastTime(late.at));
      c.json.modifiedDate = toastTime(late.at);
    }
  }
}

function voidSelection(s: Json, voidDate: string): void {
  if (!s.voided) Object.assign(s, { voided: true, voidDate, modifiedDate: voidDate });
  for (const m of s.modifiers as Json[]) voidSelection(m, voidDate);
}

function refund(p: Json, amount: number, tip: number, refundDate: string): void {
  p.refundStatus = amount >= (p.amount as number) ? 'FULL' : 'PARTIAL';
  p.refund = { refundAmount: amount, tipRefundAmount: tip, refundDate };
}
