/**
 * Deterministic Commerce7 data for the sandbox (facts in docs/sources/commerce7.md), computed from (seed,
 * tenant, kind, index) and the sandbox clock. A record's life is planned once (created, edited, fulfilled,
 * refunded, put on hold, cancelled) and the clock decides how much of it shows; its `updatedAt` is the
 * last of those moments up to now. Each advanced day adds customers and orders and forces edits on top
 * (a customer, a product, a membership put on hold or cancelled), so one advance() always changes something.
 *
 * - customers: created over three years before the start, about a year's share more each day; one to
 *   three emails, up to two phones, groups, and for some the Tock patron id they were linked to;
 * - products: wines (vintage, varietal, 750 ml and sometimes 375 ml and 1.5 l variants), merchandise and
 *   tastings, prices in cents that change now and then;
 * - orders: over the year before the start and more each day, from POS, Web, Club and Inbound, with
 *   items, tenders, promotions, bill-to and ship-to; shipped and picked-up orders fulfilled days later; a
 *   few refunded by a refund order of their own;
 * - club memberships: a share of customers, Active from sign-up, some put On Hold for a while, some
 *   Cancelled (a hold or a cancellation moves `updatedAt`).
 * Names, emails (example.*) and phones (555-01xx) are fictional.
 */
import { createRandom, type Random } from '../../../kit/sandbox/random.js';

export const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/**
 * Awkward records on demand, each on an order of the day before the start:
 * - unknown-customer: an order whose customerId is a customer that exists nowhere;
 * - amounts-as-strings: an order whose money fields (totals, item prices, tenders) are JSON strings.
 */
export type BadInput = 'unknown-customer' | 'amounts-as-strings';
export const BAD_INPUTS: readonly BadInput[] = ['unknown-customer', 'amounts-as-strings'];

export interface Commerce7DataConfig {
  seed: number;
  /** Which tenant (source instance) this is: its ids and records are its own. */
  tenant: number;
  /** Customers created before the start; about customers / 365 more each day. */
  customers: number;
  /** Orders over the year before the start; about orders / 365 more each day. */
  orders: number;
  products: number;
  /** Share of customers with a club membership. */
  clubShare: number;
  /** Share of customers linked to a Tock guest. */
  tockShare: number;
  badInputs: readonly BadInput[];
}

export const DEFAULT_DATA: Commerce7DataConfig = {
  seed: 7,
  tenant: 0,
  customers: 300,
  orders: 1_500,
  products: 24,
  clubShare: 0.3,
  tockShare: 0.25,
  badInputs: [],
};

/** The sandbox clock before any advance: a June morning in 2025 (Napa, Pacific daylight time). */
export const COMMERCE7_EPOCH = Date.UTC(2025, 5, 2, 17);

export type Kind = 'customers' | 'orders' | 'products' | 'clubMemberships';
type Json = Record<string, unknown>;

/** A record as a cursor listing orders it: by id. */
export interface Listed {
  id: string;
  updatedAt: number;
  /** The record's index within its kind (orders: 2i for order i, 2i + 1 for its refund). */
  key: number;
}

const FIRST = ['Avery', 'Blake', 'Camila', 'Dario', 'Esme', 'Felix', 'Grace', 'Hugo', 'Ines', 'Jonah', 'Keiko'];
const LAST = ['Abbott', 'Baptiste', 'Castillo', 'Dubois', 'Engel', 'Furukawa', 'Gallo', 'Horvat', 'Iyer', 'Jensen'];
const TOWNS = [
  ['Napa', 'CA', '94558'],
  ['Healdsburg', 'CA', '95448'],
  ['Portland', 'OR', '97205'],
  ['Austin', 'TX', '78701'],
  ['Chicago', 'IL', '60614'],
] as const;
const GROUPS = ['Trade', 'Employee', 'VIP', 'Wine Club Prospect'];
const VARIETALS = ['Cabernet Sauvignon', 'Pinot Noir', 'Chardonnay', 'Zinfandel', 'Sauvignon Blanc', 'Rosé'];
const COLOUR: Record<string, string> = { Chardonnay: 'White', 'Sauvignon Blanc': 'White', Rosé: 'Rosé' };
const MERCH = ['Logo Corkscrew', 'Tasting Flight', 'Estate Tour', 'Wine Glass Set', 'Cheese Board'];
const CLUBS = ['Red Club', 'Mixed Club', 'Reserve Club'];
const CHANNELS: readonly (readonly [string, number])[] = [
  ['POS', 50],
  ['Web', 25],
  ['Club', 15],
  ['Inbound', 10],
];
const PROMOTIONS = ['10% off 6 bottles', 'Club member discount', 'Summer sale'];

/** Records created in slots: k-th of `count` at `start + (k + jitter) * width`. */
function slotTime(start: number, width: number, k: number, rng: Random): number {
  return start + (k + 0.1 + 0.8 * rng.next()) * width;
}

/** How many of 0..n-1 pass `test`, which holds for a prefix of them (a binary search). */
export function countWhile(n: number, test: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const iso = (t: number) => new Date(t).toISOString();
const phone = (rng: Random) => `+1${rng.pick(['707', '503', '512', '312'])}55501${rng.int(10, 99)}`;

interface OrderPlan {
  created: number;
  customer: number;
  channel: string;
  fulfilled: number;
  refunded?: number;
}

interface MembershipPlan {
  signup: number;
  holds: { start: number; end: number }[];
  cancelled?: number;
}

/** One tenant's world at a number of advanced days. */
export class Commerce7World {
  readonly now: number;
  private readonly customersPerDay: number;
  private readonly ordersPerDay: number;
  private readonly memo = new Map<string, unknown>();
  /** Forced changes of the advanced days: customer or product index -> edit times. */
  private readonly forcedEdits = { customers: new Map<number, number[]>(), products: new Map<number, number[]>() };
  private readonly forcedMemberships = new Map<number, { hold?: number; cancel?: number }>();
  private readonly anchors = new Map<BadInput, number>();

  constructor(
    readonly cfg: Commerce7DataConfig,
    readonly days: number,
  ) {
    this.now = COMMERCE7_EPOCH + days * DAY_MS;
    this.customersPerDay = Math.max(1, Math.round(cfg.customers / 365));
    this.ordersPerDay = Math.max(2, Math.round(cfg.orders / 365));
    for (let d = 1; d <= days; d++) {
      const dayStart = COMMERCE7_EPOCH + (d - 1) * DAY_MS;
      const rng = this.rng('day', d);
      const at = () => dayStart + rng.int(60_000, DAY_MS - 60_000);
      const force = (map: Map<number, number[]>, k: number) => map.set(k, [...(map.get(k) ?? []), at()]);
      force(this.forcedEdits.customers, rng.int(0, this.customerCountAt(dayStart) - 1));
      force(this.forcedEdits.products, rng.int(0, cfg.products - 1));
      const member = this.memberBefore(rng, dayStart);
      if (member !== undefined) {
        const change = this.forcedMemberships.get(member) ?? {};
        if (d % 2 === 1) change.hold ??= at();
        else change.cancel ??= at();
        this.forcedMemberships.set(member, change);
      }
    }
    if (cfg.badInputs.includes('unknown-customer')) this.anchors.set('unknown-customer', cfg.orders - 1);
    if (cfg.badInputs.includes('amounts-as-strings')) this.anchors.set('amounts-as-strings', cfg.orders - 2);
  }

  private rng(...parts: (number | string)[]): Random {
    return createRandom(this.cfg.seed, this.cfg.tenant, ...parts);
  }

  private memoised<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  id(kind: string, k: number): string {
    return this.memoised(`id ${kind} ${k}`, () => this.rng('id', kind, k).uuid());
  }

  /** The order a bad input was put on (undefined when that switch is off). */
  badInputOrder(bad: BadInput): number | undefined {
    return this.anchors.get(bad);
  }

  // ---------------------------------------------------------------- customers

  customerCreated(j: number): number {
    const rng = this.rng('customer-at', j);
    if (j < this.cfg.customers)
      return slotTime(COMMERCE7_EPOCH - 3 * YEAR_MS, (3 * YEAR_MS) / this.cfg.customers, j, rng);
    return slotTime(COMMERCE7_EPOCH, DAY_MS / this.customersPerDay, j - this.cfg.customers, rng);
  }

  customerCountAt(t: number): number {
    const all = this.cfg.customers + this.days * this.customersPerDay;
    return countWhile(all, (j) => this.customerCreated(j) < t);
  }

  /** Edit times of a customer or product up to now: seeded ones and the advanced days' forced ones. */
  private edits(kind: 'customers' | 'products', k: number, created: number, meanMs: number): number[] {
    return this.memoised(`edits ${kind} ${k}`, () => {
      const rng = this.rng('edits', kind, k);
      const out: number[] = [];
      for (
        let at = created - Math.log(1 - rng.next()) * meanMs;
        at <= this.now;
        at -= Math.log(1 - rng.next()) * meanMs
      )
        out.push(at);
      for (const at of this.forcedEdits[kind].get(k) ?? []) if (at <= this.now && at > created) out.push(at);
      return out.sort((a, b) => a - b);
    });
  }

  customer(j: number): Json {
    const created = this.customerCreated(j);
    const edits = this.edits('customers', j, created, 200 * DAY_MS);
    const rng = this.rng('customer', j);
    const [first, last] = [rng.pick(FIRST), rng.pick(LAST)];
    const handle = `${first}.${last}${j}`.toLowerCase();
    const emails = [`${handle}@example.com`];
    for (
      let n = rng.pickWeighted([
        [0, 7],
        [1, 2],
        [2, 1],
      ]);
      n > 0;
      n--
    )
      emails.push(`${handle}.${n}@example.org`);
    const phones = Array.from({ length: rng.int(0, 2) }, () => phone(rng));
    const town: string[] = [...rng.pick(TOWNS)];
    const groups = rng.chance(0.2) ? [rng.pick(GROUPS)] : [];
    let marketing = rng.chance(0.7) ? 'Subscribed' : 'Unsubscribed';
    const tock = rng.chance(this.cfg.tockShare) ? rng.digits(9) : undefined;
    edits.forEach((_, e) => {
      const edit = this.rng('customer-edit', j, e);
      const what = edit.pick(['email', 'phone', 'town', 'group', 'marketing']);
      if (what === 'email') emails.push(`${handle}.e${e}@example.net`);
      else if (what === 'phone') phones.push(phone(edit));
      else if (what === 'town') town.splice(0, 3, ...edit.pick(TOWNS));
      else if (what === 'group') groups.push(edit.pick(GROUPS));
      else marketing = marketing === 'Subscribed' ? 'Unsubscribed' : 'Subscribed';
    });
    return {
      id: this.id('customer', j),
      honorific: null,
      firstName: first,
      lastName: last,
      birthDate: rng.chance(0.6) ? `19${rng.int(50, 99)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}` : null,
      city: town[0],
      stateCode: town[1],
      zipCode: town[2],
      countryCode: 'US',
      emailMarketingStatus: marketing,
      metaData: tock ? { 'tock-patron-id': tock } : {},
      createdAt: iso(created),
      updatedAt: iso(edits.at(-1) ?? created),
      emails: emails.map((email, n) => ({ id: this.id(`email-${j}`, n), email })),
      phones: phones.map((p, n) => ({ id: this.id(`phone-${j}`, n), phone: p })),
      groups: [...new Set(groups)].map((title) => ({
        id: this.id('group', GROUPS.indexOf(title)),
        title,
        type: 'Manual',
      })),
    };
  }

  // ---------------------------------------------------------------- products

  private productCreated(p: number): number {
    return COMMERCE7_EPOCH - 2 * YEAR_MS + p * DAY_MS;
  }

  /** Product p as of `at` (an order's items carry the price of their day). */
  product(p: number, at = this.now): Json {
    const created = this.productCreated(p);
    const edits = this.edits('products', p, created, 150 * DAY_MS).filter((t) => t <= at);
    const rng = this.rng('product', p);
    const wines = Math.ceil(this.cfg.products * 0.75);
    const wine = p < wines;
    const varietal = rng.pick(VARIETALS);
    const vintage = rng.int(2015, 2023);
    const title = wine ? `${vintage} Estate ${varietal}` : MERCH[(p - wines) % MERCH.length]!;
    let price = wine ? rng.int(24, 120) * 100 : rng.int(8, 60) * 100;
    for (let e = 0; e < edits.length; e++) price += this.rng('product-edit', p, e).pick([-200, 200, 300, 500]);
    const sizes = wine
      ? [[750, 1]].concat(rng.chance(0.3) ? [[1500, 2.2]] : [], rng.chance(0.2) ? [[375, 0.55]] : [])
      : [];
    const sku = `${wine ? vintage : 'MRC'}-${p}`;
    const variants = (wine ? sizes : [[0, 1]]).map(([ml, factor], v) => ({
      id: this.id(`variant-${p}`, v),
      title: ml ? `${ml === 1500 ? '1.5L' : `${ml}ml`}` : 'Default',
      sku: v === 0 ? sku : `${sku}-${ml}`,
      price: Math.round((price * factor!) / 100) * 100,
      costOfGood: Math.round(price * factor! * 0.3),
      volumeInML: ml || null,
    }));
    return {
      id: this.id('product', p),
      title,
      slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      type: wine ? 'Wine' : /Tasting|Tour/.test(title) ? 'Tasting' : 'General Merchandise',
      webStatus: 'Available',
      adminStatus: 'Available',
      wine: wine ? { vintage, varietal, type: COLOUR[varietal] ?? 'Red', region: 'Napa Valley' } : null,
      variants,
      createdAt: iso(created),
      updatedAt: iso(edits.at(-1) ?? created),
    };
  }

  // ---------------------------------------------------------------- orders

  orderCount(): number {
    return this.cfg.orders + this.days * this.ordersPerDay;
  }

  private orderPlan(i: number): OrderPlan {
    return this.memoised(`order ${i}`, () => {
      const rng = this.rng('order-plan', i);
      const created =
        i < this.cfg.orders
          ? slotTime(COMMERCE7_EPOCH - YEAR_MS, YEAR_MS / this.cfg.orders, i, rng)
          : slotTime(COMMERCE7_EPOCH, DAY_MS / this.ordersPerDay, i - this.cfg.orders, rng);
      const channel = rng.pickWeighted(CHANNELS);
      const customer = rng.int(0, Math.max(0, this.customerCountAt(created) - 1));
      const fulfilled = channel === 'POS' ? created : created + rng.int(1, 6) * DAY_MS + rng.int(0, 8) * 3_600_000;
      const refunded = rng.chance(0.04) ? created + rng.int(1, 30) * DAY_MS : undefined;
      return { created, customer, channel, fulfilled, refunded };
    });
  }

  /** Order i (refund false) or its refund order, as GET /order lists it. */
  order(i: number, refund = false): Json {
    const plan = this.orderPlan(i);
    const rng = this.rng('order', i);
    const strings = this.anchors.get('amounts-as-strings') === i;
    const money = (cents: number) => (strings ? String(cents) : cents);
    const sign = refund ? -1 : 1;
    const delivery =
      plan.channel === 'POS' ? rng.pick(['Carry Out', 'Carry Out', 'Pickup']) : rng.chance(0.8) ? 'Ship' : 'Pickup';
    const lines = Array.from({ length: rng.int(1, 4) }, (_, n) => {
      const p = rng.int(0, this.cfg.products - 1);
      const product = this.product(p, plan.created) as { title: string; type: string; variants: Json[] };
      const variant = rng.pick(product.variants);
      const quantity = plan.channel === 'Club' ? 6 : rng.int(1, 6);
      const price = variant.price as number;
      return { n, product: p, title: product.title, type: product.type, variant, quantity, price };
    }).slice(0, refund ? 1 : undefined);
    const subTotal = lines.reduce((s, l) => s + l.price * l.quantity, 0);
    const promoted = !refund && (plan.channel === 'Club' || rng.chance(0.15));
    const discount = promoted ? -Math.round(subTotal * 0.1) : 0;
    const shipTotal = delivery === 'Ship' && !refund ? 1500 : 0;
    const taxTotal = Math.round((subTotal + discount) * 0.0875);
    const tipTotal = plan.channel === 'POS' && !refund ? rng.pick([0, 0, 200, 500]) : 0;
    const total = subTotal + discount + shipTotal + taxTotal;
    const at = refund ? plan.refunded! : plan.created;
    const customerId =
      this.anchors.get('unknown-customer') === i ? this.rng('ghost', i).uuid() : this.id('customer', plan.customer);
    // Names never change; the address is the order's own.
    const person = this.rng('customer', plan.customer);
    const [firstName, lastName, town] = [person.pick(FIRST), person.pick(LAST), rng.pick(TOWNS)];
    const address = (part: string) => ({
      id: this.id(`order-${part}`, i),
      firstName,
      lastName,
      address: `${100 + (i % 900)} Vineyard Rd`,
      city: town[0],
      stateCode: town[1],
      zipCode: town[2],
      countryCode: 'US',
    });
    const split = plan.channel === 'POS' && rng.chance(0.2) ? Math.round((total + tipTotal) / 2) : 0;
    const tenders = (split ? [split, total + tipTotal - split] : [total + tipTotal]).map((amount, n) => ({
      id: this.id(`tender-${refund ? 'r' : 'o'}-${i}`, n),
      tenderType: n === 1 ? 'Cash' : 'Credit Card',
      chargeStatus: 'Success',
      amountTendered: money(sign * amount),
      paymentDate: iso(at),
    }));
    const refundedNow = !refund && plan.refunded !== undefined && plan.refunded <= this.now;
    const fulfilled = plan.fulfilled <= this.now;
    return {
      id: refund ? this.id('refund', i) : this.id('order', i),
      orderNumber: refund ? 900_000 + i : 1_000 + i,
      orderSubmittedDate: iso(at),
      orderPaidDate: iso(at),
      channel: plan.channel,
      orderDeliveryMethod: delivery,
      paymentStatus: refund
        ? 'Refunded'
        : refundedNow
          ? lines.length > 1
            ? 'Partially Refunded'
            : 'Refunded'
          : 'Paid',
      fulfillmentStatus: fulfilled || refund ? 'Fulfilled' : 'Not Fulfilled',
      previousOrderId: refund ? this.id('order', i) : null,
      previousOrderNumber: refund ? 1_000 + i : null,
      refundOrderId: refundedNow ? this.id('refund', i) : null,
      refundOrderNumber: refundedNow ? 900_000 + i : null,
      customerId,
      subTotal: money(sign * subTotal),
      shipTotal: money(shipTotal),
      taxTotal: money(sign * taxTotal),
      tipTotal: money(tipTotal),
      total: money(sign * total),
      totalAfterTip: money(sign * (total + tipTotal)),
      club:
        plan.channel === 'Club' ? { clubId: this.id('club', i % CLUBS.length), title: CLUBS[i % CLUBS.length] } : null,
      billTo: address('bill'),
      shipTo: delivery === 'Ship' ? address('ship') : null,
      items: lines.map((l) => ({
        id: this.id(`item-${refund ? 'r' : 'o'}-${i}`, l.n),
        productId: this.id('product', l.product),
        productVariantId: l.variant.id,
        productTitle: l.title,
        productVariantTitle: l.variant.title,
        type: l.type,
        sku: l.variant.sku,
        price: money(l.price),
        originalPrice: money(l.price),
        quantity: sign * l.quantity,
        tax: money(sign * Math.round(l.price * l.quantity * 0.0875)),
        volumeInML: l.variant.volumeInML,
      })),
      tenders,
      promotions: promoted
        ? [
            {
              id: this.id('promotion-use', i),
              promotionId: this.id('promotion', i % 3),
              title: PROMOTIONS[i % 3],
              productValue: money(discount),
            },
          ]
        : [],
      createdAt: iso(plan.created),
      updatedAt: iso(this.orderUpdatedAt(i, refund)),
    };
  }

  private orderUpdatedAt(i: number, refund: boolean): number {
    const plan = this.orderPlan(i);
    if (refund) return plan.refunded!;
    const seen = [plan.created, plan.fulfilled, plan.refunded ?? 0].filter((t) => t <= this.now);
    return Math.max(...seen);
  }

  // ---------------------------------------------------------------- club memberships

  /** The seeded membership of customer j, if the customer is a member (whenever the sign-up is). */
  private seededMembership(j: number): MembershipPlan | undefined {
    return this.memoised(`seeded membership ${j}`, () => {
      const rng = this.rng('membership', j);
      if (!rng.chance(this.cfg.clubShare)) return undefined;
      const signup = this.customerCreated(j) + rng.int(0, 60) * DAY_MS + rng.int(0, 23) * 3_600_000;
      const start = signup + rng.int(30, 500) * DAY_MS;
      const holds = rng.chance(0.35) ? [{ start, end: start + rng.int(30, 90) * DAY_MS }] : [];
      return { signup, holds, cancelled: rng.chance(0.25) ? signup + rng.int(60, 900) * DAY_MS : undefined };
    });
  }

  /** The seeded membership with the advanced days' forced hold and cancellation; no hold after a cancellation. */
  private membershipPlan(j: number): MembershipPlan | undefined {
    const seeded = this.seededMembership(j);
    const forced = this.forcedMemberships.get(j);
    if (!seeded || !forced) return seeded;
    const cancelled = Math.min(seeded.cancelled ?? Infinity, forced.cancel ?? Infinity);
    const holds = [
      ...seeded.holds,
      ...(forced.hold === undefined ? [] : [{ start: forced.hold, end: forced.hold + 45 * DAY_MS }]),
    ]
      .filter((h) => h.start < cancelled)
      .sort((a, b) => a.start - b.start);
    return { signup: seeded.signup, holds, cancelled: Number.isFinite(cancelled) ? cancelled : undefined };
  }

  /** A member signed up before t whose membership is not cancelled by then (for a day's forced change). */
  private memberBefore(rng: Random, t: number): number | undefined {
    const n = this.customerCountAt(t);
    for (let tries = 0; tries < 40 && n > 0; tries++) {
      const j = rng.int(0, n - 1);
      const plan = this.seededMembership(j);
      if (plan && plan.signup < t && (plan.cancelled ?? Infinity) > t) return j;
    }
    return undefined;
  }

  private membershipMoments(plan: MembershipPlan): number[] {
    const all = [plan.signup, ...plan.holds.flatMap((h) => [h.start, h.end]), plan.cancelled ?? Infinity];
    return all.filter((t) => t <= this.now && t <= (plan.cancelled ?? Infinity));
  }

  membershipStatus(j: number): 'Active' | 'On Hold' | 'Cancelled' | undefined {
    const plan = this.membershipPlan(j);
    if (!plan || plan.signup > this.now) return undefined;
    if ((plan.cancelled ?? Infinity) <= this.now) return 'Cancelled';
    return plan.holds.some((h) => h.start <= this.now && this.now < h.end) ? 'On Hold' : 'Active';
  }

  membership(j: number): Json {
    const plan = this.membershipPlan(j)!;
    const club = this.rng('membership-club', j).int(0, CLUBS.length - 1);
    const cancelled = plan.cancelled !== undefined && plan.cancelled <= this.now ? plan.cancelled : undefined;
    return {
      id: this.id('membership', j),
      status: this.membershipStatus(j),
      customerId: this.id('customer', j),
      clubId: this.id('club', club),
      club: { id: this.id('club', club), title: CLUBS[club], slug: CLUBS[club]!.toLowerCase().replace(' ', '-') },
      orderDeliveryMethod: j % 4 === 0 ? 'Pickup' : 'Ship',
      signupDate: iso(plan.signup),
      cancelDate: cancelled === undefined ? null : iso(cancelled),
      cancellationReason:
        cancelled === undefined ? null : this.rng('cancel', j).pick(['Moved', 'Price', 'Too much wine']),
      onHolds: plan.holds
        .filter((h) => h.start <= this.now)
        .map((h, n) => ({
          id: this.id(`hold-${j}`, n),
          onHoldStartDate: iso(h.start),
          onHoldEndDate: iso(h.end),
          reason: 'Travelling',
        })),
      createdAt: iso(plan.signup),
      updatedAt: iso(Math.max(...this.membershipMoments(plan))),
    };
  }

  // ---------------------------------------------------------------- listings

  /** Every record of a kind that exists now, sorted by id: what a cursor listing walks through. */
  listing(kind: Kind): Listed[] {
    return this.memoised(`listing ${kind}`, () => {
      const out: Listed[] = [];
      const add = (id: string, updatedAt: number, key: number) => out.push({ id, updatedAt, key });
      const customers = this.customerCountAt(this.now);
      if (kind === 'customers') {
        for (let j = 0; j < customers; j++) {
          const created = this.customerCreated(j);
          add(this.id('customer', j), this.edits('customers', j, created, 200 * DAY_MS).at(-1) ?? created, j);
        }
      } else if (kind === 'products') {
        for (let p = 0; p < this.cfg.products; p++) {
          const created = this.productCreated(p);
          add(this.id('product', p), this.edits('products', p, created, 150 * DAY_MS).at(-1) ?? created, p);
        }
      } else if (kind === 'orders') {
        for (let i = 0; i < this.orderCount(); i++) {
          add(this.id('order', i), this.orderUpdatedAt(i, false), 2 * i);
          const refunded = this.orderPlan(i).refunded;
          if (refunded !== undefined && refunded <= this.now) add(this.id('refund', i), refunded, 2 * i + 1);
        }
      } else {
        for (let j = 0; j < customers; j++) {
          const plan = this.membershipPlan(j);
          if (plan && plan.signup <= this.now)
            add(this.id('membership', j), Math.max(...this.membershipMoments(plan)), j);
        }
      }
      return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }

  /** The record of a listing entry, as JSON text. */
  json(kind: Kind, key: number): string {
    const record =
      kind === 'customers'
        ? this.customer(key)
        : kind === 'products'
          ? this.product(key)
          : kind === 'orders'
            ? this.order(key >> 1, key % 2 === 1)
            : this.membership(key);
    return JSON.stringify(record);
  }
}
