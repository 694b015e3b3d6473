/**
 * Deterministic Square data for the sandbox, computed from (seed, merchant, kind, index): nothing is stored
 * but the few edits of advanced days, so 200,000 payments cost no memory until they are served.
 *
 * Time: the sandbox's "now" is a fixed day of 2025 (from the seed) plus one day per advance(). The base data
 * covers the year before that day (customers: two years; bookings: up to 92 days ahead); each advanced day
 * adds new customers, payments, orders and bookings created that day, and edits older ones (tips, refunds,
 * new contact details, cancelled appointments, loyalty points, a price change) with updated_at that day.
 *
 * Choices where Square's docs are silent (the sandbox picks one and says so): time ranges are [start, end);
 * an updated record keeps its id, gets a later updated_at and a higher version; every payment created with
 * an order is linked both ways (payment.order_id, tender.payment_id); money is in the location's currency
 * in its minor unit (USD cents, JPY yen, KWD fils). Names, emails (example.*) and phones (555-01xx) are
 * fictional and deliberately messy: odd case, stray spaces, missing parts, many phone formats.
 */
import { createRandom, hashSeed, type Random } from '../../../kit/sandbox/random.js';
import { DAY_MS } from '../../../kit/windows.js';
import { EditLog, Timeline, type Segment } from './timeline.js';

const YEAR_MS = 365 * DAY_MS;
const BOOKINGS_AHEAD_MS = 92 * DAY_MS;

export interface DailyChanges {
  created: number;
  edited: number;
}

export interface SquareDataConfig {
  seed: number;
  locations: number;
  /** Currency per location (cycled); e.g. USD, JPY (no minor unit), KWD (three decimals). */
  currencies: readonly string[];
  customers: number;
  payments: number;
  orders: number;
  bookings: number;
  teamMembers: number;
  catalogItems: number;
  /** Share of generated pages that carry one extra record without an id (fault switch). */
  malformedRecordRate: number;
}

/** The fixed "now" before any advance: a day in 2025 (from the seed), 09:00 UTC. */
export function squareEpoch(seed: number): number {
  return Date.UTC(2025, 5, 1, 9) + (hashSeed(seed, 'square-epoch') % 120) * DAY_MS;
}

/** A day's new and edited records: about one ordinary day's worth of each kind. */
export function dailyChanges(cfg: SquareDataConfig) {
  const perDay = (n: number, days: number) => Math.max(2, Math.round(n / days));
  return {
    customers: { created: perDay(cfg.customers, 730), edited: perDay(cfg.customers, 365) },
    payments: { created: perDay(cfg.payments, 365), edited: Math.max(2, Math.round(perDay(cfg.payments, 365) / 10)) },
    orders: { created: perDay(cfg.orders, 365), edited: Math.max(2, Math.round(perDay(cfg.orders, 365) / 10)) },
    bookings: { created: perDay(cfg.bookings, 457), edited: perDay(cfg.bookings, 457) },
    loyalty: { edited: perDay(cfg.customers / 4, 60) },
  } satisfies Record<string, DailyChanges | { edited: number }>;
}

// ---------------------------------------------------------------- ids and text

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Square-looking id: seeded characters, then the index (so ids never collide). */
function sqId(alphabet: string, length: number, index: number, ...parts: (number | string)[]): string {
  const rng = createRandom(...parts, index, 'id');
  return rng.id(length, alphabet) + index.toString(36).toUpperCase();
}

const GIVEN = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Elena',
  'Farah',
  'Giulia',
  'Hiro',
  'Isabel',
  'Jamal',
  'Kai',
  'Léa',
  'Marco',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tomás',
  'Uma',
  'Victor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoë',
  'María José',
  'Jean-Luc',
  'Mary Ann',
  'Li',
];
const FAMILY = [
  'Alvarez',
  'Brown',
  'Chen',
  "D'Angelo",
  'Eriksen',
  'Fischer',
  'García',
  'Hughes',
  'Ito',
  'Johnson',
  'Kowalski',
  'Lopez',
  'McAllister',
  "O'Brien",
  'Nguyen',
  'Patel',
  'Quintana',
  'Rossi',
  'Smith',
  'de la Cruz',
  'Van der Berg',
  'Müller',
  'Okafor',
  'Silva',
  'Tanaka',
  'Walsh',
  'Xu',
  'Young',
  'Zimmermann',
  'Ng',
];
const CITIES: readonly [string, string, string][] = [
  ['Napa', 'CA', '94559'],
  ['Sonoma', 'CA', '95476'],
  ['Healdsburg', 'CA', '95448'],
  ['San Francisco', 'CA', '94110'],
  ['Portland', 'OR', '97205'],
];

/** The same name as a person types it into a POS: case, spaces and punctuation all over the place. */
function messy(rng: Random, name: string): string {
  switch (rng.int(0, 9)) {
    case 0:
      return name.toUpperCase();
    case 1:
      return name.toLowerCase();
    case 2:
      return `  ${name}`;
    case 3:
      return `${name} `;
    case 4:
      return name.replace(' ', '  ');
    default:
      return name;
  }
}

function messyPhone(rng: Random): string | undefined {
  const area = rng.pick(['707', '415', '212', '503', '310']);
  const line = `01${rng.int(0, 9)}${rng.int(0, 9)}`;
  switch (rng.int(0, 11)) {
    case 0:
      return `(${area}) 555-${line}`;
    case 1:
      return `${area}.555.${line}`;
    case 2:
      return `+1 ${area}-555-${line}`;
    case 3:
      return `${area}555${line}`;
    case 4:
      return `1-${area}-555-${line}`;
    case 5:
      return `555-${line}`; // too short to be a full number
    case 6:
      return `+44 20 7946 ${line}`;
    case 7:
      return `+81 90-5555-${line}`;
    case 8:
    case 9:
      return undefined;
    default:
      return `+1${area}555${line}`;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------- money

/** Minor units per US dollar, roughly: prices are written in USD cents and converted per location. */
const RATE: Record<string, number> = { USD: 1, CAD: 1.37, EUR: 0.92, GBP: 0.79, JPY: 1.5, KWD: 3.07, AUD: 1.52 };

function money(amountUsdCents: number, currency: string): { amount: number; currency: string } {
  const rate = RATE[currency] ?? 1;
  // JPY has no minor unit, KWD three decimals: round to what a till would show.
  const amount =
    currency === 'JPY'
      ? Math.round((amountUsdCents * rate) / 10) * 10
      : currency === 'KWD'
        ? Math.round((amountUsdCents * rate) / 5) * 5
        : Math.round(amountUsdCents * rate);
  return { amount, currency };
}

// ---------------------------------------------------------------- the merchant's world

export interface LocationInfo {
  index: number;
  id: string;
  name: string;
  currency: string;
  timezone: string;
}

export interface TeamMemberInfo {
  index: number;
  id: string;
  locations: string[];
}

interface CatalogVariation {
  id: string;
  itemId: string;
  name: string;
  itemName: string;
  priceUsdCents: number;
  service: boolean;
  durationMinutes: number;
  modifierLists: number[];
  deleted: boolean;
}

interface CatalogModifier {
  id: string;
  name: string;
  listId: string;
  priceUsdCents: number;
}

export type Json = Record<string, unknown>;

/** Everything one merchant has, at a given number of advanced days. */
export class SquareWorld {
  readonly now: number;
  readonly epoch: number;
  readonly merchantId: string;
  readonly locations: LocationInfo[];
  readonly team: TeamMemberInfo[];
  readonly customers: Timeline;
  readonly payments: Timeline;
  readonly orders: Timeline;
  /** Base bookings, ascending by start_at. */
  readonly bookings: Timeline;
  /** Bookings made on advanced days (start_at later): [index, created, start]. */
  readonly newBookings: { index: number; created: number; start: number }[] = [];
  readonly customerEdits = new EditLog();
  readonly paymentEdits = new EditLog();
  readonly orderEdits = new EditLog();
  readonly bookingEdits = new EditLog();
  readonly loyaltyEdits = new EditLog();
  /** Catalog variation index changed on each advanced day. */
  private readonly priceChanges: { variation: number; at: number }[] = [];
  private catalogCache?: { variations: CatalogVariation[]; modifiers: CatalogModifier[]; objects: Json[] };

  constructor(
    readonly cfg: SquareDataConfig,
    readonly merchant: number,
    readonly days: number,
  ) {
    const { seed } = cfg;
    this.epoch = squareEpoch(seed);
    this.now = this.epoch + days * DAY_MS;
    this.merchantId = sqId(UPPER, 11, merchant, seed, 'merchant', merchant);
    const zones = ['America/Los_Angeles', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Kuwait', 'America/New_York'];
    const names = ['Main Street', 'Riverside', 'Harbor', 'Old Town', 'Vineyard', 'Market Hall', 'Station', 'Plaza'];
    this.locations = Array.from({ length: cfg.locations }, (_, i) => {
      const currency = cfg.currencies[i % cfg.currencies.length] ?? 'USD';
      return {
        index: i,
        id: 'L' + sqId(UPPER, 12, i, seed, merchant, 'location'),
        name: `${names[i % names.length]}${i >= names.length ? ` ${i + 1}` : ''}`,
        currency,
        timezone:
          currency === 'JPY'
            ? 'Asia/Tokyo'
            : currency === 'KWD'
              ? 'Asia/Kuwait'
              : (zones[i % 2] ?? 'America/Los_Angeles'),
      };
    });
    this.team = Array.from({ length: Math.max(1, cfg.teamMembers) }, (_, t) => ({
      index: t,
      id: 'TM' + sqId(MIXED, 16, t, seed, merchant, 'team'),
      locations: t === 0 ? this.locations.map((l) => l.id) : [this.locations[t % this.locations.length]!.id],
    }));
    const changes = dailyChanges(cfg);
    const timeline = (kind: string, base: number, span: number, perDay: number) => {
      const segments: Segment[] = [{ start: this.epoch - span, slot: span / Math.max(1, base), first: 0, count: base }];
      for (let d = 1; d <= days; d++)
        segments.push({
          start: this.epoch + (d - 1) * DAY_MS,
          slot: DAY_MS / perDay,
          first: base + (d - 1) * perDay,
          count: perDay,
        });
      return new Timeline(segments, [seed, merchant, kind]);
    };
    this.customers = timeline('customer', cfg.customers, 2 * YEAR_MS, changes.customers.created);
    this.payments = timeline('payment', cfg.payments, YEAR_MS, changes.payments.created);
    this.orders = timeline('order', cfg.orders, YEAR_MS, changes.orders.created);
    this.bookings = new Timeline(
      [
        {
          start: this.epoch - YEAR_MS,
          slot: (YEAR_MS + BOOKINGS_AHEAD_MS) / Math.max(1, cfg.bookings),
          first: 0,
          count: cfg.bookings,
        },
      ],
      [seed, merchant, 'booking'],
    );

    for (let d = 1; d <= days; d++) {
      const dayStart = this.epoch + (d - 1) * DAY_MS;
      const rng = createRandom(seed, merchant, 'day', d);
      const editSome = (log: EditLog, existing: number, n: number) => {
        for (let k = 0; k < n && existing > 0; k++)
          log.add(rng.int(0, existing - 1), dayStart + rng.int(0, DAY_MS - 1));
      };
      editSome(this.customerEdits, this.customers.countBefore(dayStart), changes.customers.edited);
      editSome(this.paymentEdits, this.payments.countBefore(dayStart), changes.payments.edited);
      editSome(this.orderEdits, this.orders.countBefore(dayStart), changes.orders.edited);
      // Appointments change around their date (cancelled, no-show, confirmed): edit ones starting near this day.
      const near = [
        ...this.bookings.range(dayStart - 3 * DAY_MS, dayStart + 60 * DAY_MS),
        ...this.newBookings.filter((nb) => nb.start < dayStart + 60 * DAY_MS).map((nb) => nb.index),
      ];
      for (let k = 0; k < changes.bookings.edited && near.length; k++)
        this.bookingEdits.add(rng.pick(near), dayStart + rng.int(0, DAY_MS - 1));
      editSome(this.loyaltyEdits, this.customers.countBefore(dayStart), changes.loyalty.edited);
      for (let k = 0; k < changes.bookings.created; k++) {
        const created = dayStart + rng.int(0, DAY_MS - 1);
        this.newBookings.push({
          index: cfg.bookings + this.newBookings.length,
          created,
          start: dayStart + DAY_MS + rng.int(1, 60) * DAY_MS + rng.int(9, 20) * 3_600_000,
        });
      }
      this.priceChanges.push({ variation: rng.int(0, 1_000_000), at: dayStart + rng.int(0, DAY_MS - 1) });
    }
    for (const log of [this.customerEdits, this.paymentEdits, this.orderEdits, this.bookingEdits, this.loyaltyEdits])
      log.seal();
  }

  private rng(kind: string, index: number, ...more: (number | string)[]): Random {
    return createRandom(this.cfg.seed, this.merchant, kind, index, ...more);
  }

  /** updated_at of a record: its last edit, else shortly after it was created. */
  private updatedAt(kind: string, created: number, edits: readonly number[]): number {
    return edits.at(-1) ?? created + 5_000 + (hashSeed(this.cfg.seed, this.merchant, kind, 'delta', created) % 115_000);
  }

  /** Records of a timeline updated in [a, b), ascending by updated_at. */
  updatedIn(kind: 'customer' | 'payment' | 'order', a: number, b: number): { index: number; updated: number }[] {
    const timeline = kind === 'customer' ? this.customers : kind === 'payment' ? this.payments : this.orders;
    const log = kind === 'customer' ? this.customerEdits : kind === 'payment' ? this.paymentEdits : this.orderEdits;
    const out: { index: number; updated: number }[] = [];
    for (const i of timeline.range(a - 120_000, Math.min(b, this.now + 1))) {
      if (log.of(i).length) continue;
      const updated = this.updatedAt(kind, timeline.at(i), []);
      if (updated >= a && updated < b && updated <= this.now) out.push({ index: i, updated });
    }
    for (const e of log.lastEditsIn(a, b)) out.push({ index: e.index, updated: e.at });
    return out.sort((x, y) => x.updated - y.updated || x.index - y.index);
  }

  customerCreated(i: number): number {
    return this.customers.at(i);
  }

  customerId(i: number): string {
    return sqId(UPPER, 20, i, this.cfg.seed, this.merchant, 'customer');
  }

  /** A customer who existed at time t (or none). */
  private customerAt(rng: Random, t: number): number | undefined {
    const n = this.customers.countBefore(t);
    return n > 0 ? rng.int(0, n - 1) : undefined;
  }

  customer(i: number): Json {
    const rng = this.rng('customer', i);
    const created = this.customers.at(i);
    const edits = this.customerEdits.of(i);
    const given = rng.pick(GIVEN);
    const family = rng.pick(FAMILY);
    const version = edits.length;
    const edit = createRandom(this.cfg.seed, this.merchant, 'customer-edit', i, version);
    const out: Json = {
      id: this.customerId(i),
      created_at: iso(created),
      updated_at: iso(this.updatedAt('customer', created, edits)),
    };
    const nameStyle = rng.int(0, 19);
    if (nameStyle !== 0) out.given_name = messy(rng, nameStyle === 1 ? given.charAt(0) : given);
    if (nameStyle !== 2) out.family_name = messy(rng, family);
    if (rng.chance(0.05)) out.nickname = given.slice(0, 3);
    if (rng.chance(0.08)) out.company_name = `${family} ${rng.pick(['Wines', 'Catering', 'LLC', 'Events'])}`;
    const emailDomain = rng.pick(['example.com', 'example.org', 'example.net']);
    const local = `${given}.${family}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z.]/g, '');
    if (rng.chance(0.85)) {
      const email =
        version > 0 && edit.chance(0.5) ? `${local}${version}@${emailDomain}` : `${local}${i}@${emailDomain}`;
      out.email_address = rng.chance(0.1)
        ? email.toUpperCase()
        : rng.chance(0.03)
          ? email.replace('@', ' at ')
          : rng.chance(0.05)
            ? ` ${email} `
            : email;
    }
    const phone = messyPhone(version > 0 && edit.chance(0.5) ? edit : rng);
    if (phone) out.phone_number = phone;
    if (rng.chance(0.4)) {
      const [city, state, zip] = rng.pick(CITIES);
      out.address = {
        address_line_1: `${rng.int(1, 9999)} ${rng.pick(['Main St', 'Oak Ave', 'Vine Rd', 'First St'])}`,
        locality: city,
        administrative_district_level_1: state,
        postal_code: zip,
        country: 'US',
      };
    }
    if (rng.chance(0.3)) {
      const year = rng.chance(0.3) ? '0000' : rng.int(1950, 2003);
      const month = String(rng.int(1, 12)).padStart(2, '0');
      out.birthday = `${year}-${month}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    }
    if (version > 0 && edit.chance(0.4))
      out.note = edit.pick(['Prefers patio seating', 'Allergic to shellfish', 'Wine club member', 'VIP: comp dessert']);
    out.preferences = { email_unsubscribed: rng.chance(0.1) };
    out.creation_source = rng.pick(['DIRECTORY', 'THIRD_PARTY', 'APPOINTMENTS', 'LOYALTY', 'INSTANT_PROFILE', 'MERGE']);
    out.version = version;
    return out;
  }

  // ---------------------------------------------------------------- catalog

  private catalog() {
    if (this.catalogCache) return this.catalogCache;
    const { seed } = this.cfg;
    const m = this.merchant;
    const rng = createRandom(seed, m, 'catalog');
    const base = this.epoch - YEAR_MS - 30 * DAY_MS;
    const currency = this.locations[0]?.currency ?? 'USD';
    const objects: Json[] = [];
    const stamp = (t: number) => ({ updated_at: iso(t), created_at: iso(base), version: t });
    const categories = ['Food', 'Drinks', 'Wine', 'Services'].map((name, c) => {
      const id = sqId(UPPER, 22, c, seed, m, 'category');
      objects.push({
        type: 'CATEGORY',
        id,
        ...stamp(base + c * 60_000),
        is_deleted: false,
        present_at_all_locations: true,
        category_data: { name },
      });
      return id;
    });
    const listNames: [string, [string, number][]][] = [
      [
        'Temperature',
        [
          ['Rare', 0],
          ['Medium rare', 0],
          ['Medium', 0],
          ['Well done', 0],
        ],
      ],
      [
        'Add-ons',
        [
          ['Extra cheese', 150],
          ['Avocado', 200],
          ['Bacon', 250],
          ['Truffle oil', 400],
        ],
      ],
      [
        'Milk',
        [
          ['Oat milk', 75],
          ['Almond milk', 75],
          ['Whole milk', 0],
        ],
      ],
      [
        'Glass pour',
        [
          ['Half pour', -300],
          ['Full pour', 0],
          ['Bottle upgrade', 2500],
        ],
      ],
      [
        'Treatment extras',
        [
          ['Hot stones', 1500],
          ['Aromatherapy', 1000],
          ['Scalp massage', 1200],
        ],
      ],
    ];
    const modifiers: CatalogModifier[] = [];
    listNames.forEach(([name, mods], l) => {
      const listId = sqId(UPPER, 22, l, seed, m, 'modlist');
      const modObjects = mods.map(([modName, price], k) => {
        const id = sqId(UPPER, 22, l * 10 + k, seed, m, 'modifier');
        modifiers.push({ id, name: modName, listId, priceUsdCents: price });
        // One retired modifier per list: deleted, still referenced by older orders.
        const deleted = k === mods.length - 1 && l % 2 === 1;
        return {
          type: 'MODIFIER',
          id,
          ...stamp(base + (deleted ? 200 : 10) * DAY_MS + k * 1000),
          is_deleted: deleted,
          modifier_data: {
            name: modName,
            price_money: money(Math.max(0, price), currency),
            modifier_list_id: listId,
            ordinal: k,
          },
        };
      });
      objects.push({
        type: 'MODIFIER_LIST',
        id: listId,
        ...stamp(base + l * 60_000),
        is_deleted: false,
        modifier_list_data: { name, selection_type: 'MULTIPLE', modifiers: modObjects },
      });
      objects.push(...modObjects);
    });
    const dishes = [
      'Burger',
      'Caesar salad',
      'Margherita pizza',
      'Fish tacos',
      'Ribeye',
      'Cappuccino',
      'Latte',
      'Pinot Noir',
      'Chardonnay',
      'Cabernet',
      'Tasting flight',
      'Lemonade',
    ];
    const services = ['Massage 60 min', 'Massage 90 min', 'Facial', 'Wine tasting tour', 'Private dinner'];
    const variations: CatalogVariation[] = [];
    for (let it = 0; it < Math.max(2, this.cfg.catalogItems); it++) {
      const service = it % 4 === 3;
      const itemName = service
        ? services[it % services.length]!
        : dishes[it % dishes.length]! + (it >= dishes.length ? ` ${Math.floor(it / dishes.length) + 1}` : '');
      const itemId = sqId(UPPER, 22, it, seed, m, 'item');
      const deleted = it % 9 === 8;
      const category =
        categories[
          service
            ? 3
            : /Noir|Chardonnay|Cabernet|flight/.test(itemName)
              ? 2
              : /Cappuccino|Latte|Lemonade/.test(itemName)
                ? 1
                : 0
        ]!;
      const lists = service
        ? [4]
        : category === categories[2]
          ? [3]
          : category === categories[1]
            ? [2]
            : [0, 1].slice(0, rng.int(1, 2));
      const itemVariations: Json[] = [];
      const sizes = service
        ? [['Regular', 1]]
        : rng.chance(0.4)
          ? [
              ['Small', 0.8],
              ['Large', 1.25],
            ]
          : [['Regular', 1]];
      sizes.forEach(([size, factor], v) => {
        const priceUsdCents = Math.round(
          (service ? rng.int(90, 240) * 100 : rng.int(4, 48) * 100 + rng.pick([0, 50, 95])) * (factor as number),
        );
        const variationId = sqId(UPPER, 22, it * 10 + v, seed, m, 'variation');
        variations.push({
          id: variationId,
          itemId,
          name: size as string,
          itemName,
          priceUsdCents,
          service,
          durationMinutes: service ? rng.pick([60, 90, 120]) : 0,
          modifierLists: lists,
          deleted,
        });
        itemVariations.push({
          type: 'ITEM_VARIATION',
          id: variationId,
          ...stamp(base + it * 3_600_000 + v),
          is_deleted: deleted,
          present_at_all_locations: true,
          item_variation_data: {
            item_id: itemId,
            name: size,
            ordinal: v,
            pricing_type: 'FIXED_PRICING',
            price_money: money(priceUsdCents, currency),
            ...(service ? { service_duration: 60 * 60_000, available_for_booking: true } : {}),
          },
        });
      });
      objects.push({
        type: 'ITEM',
        id: itemId,
        ...stamp(deleted ? this.epoch - rng.int(20, 200) * DAY_MS : base + it * 3_600_000),
        is_deleted: deleted,
        present_at_all_locations: true,
        item_data: {
          name: itemName,
          description: service ? `${itemName} by our team` : `House ${itemName.toLowerCase()}`,
          categories: [{ id: category }],
          variations: itemVariations,
          modifier_list_info: lists.map((l) => ({
            modifier_list_id: sqId(UPPER, 22, l, seed, m, 'modlist'),
            enabled: true,
          })),
          product_type: service ? 'APPOINTMENTS_SERVICE' : 'REGULAR',
        },
      });
      objects.push(...itemVariations);
    }
    // Price changes of advanced days: the variation's object gets the new price, updated_at and version.
    for (const change of this.priceChanges) {
      const live = variations.filter((v) => !v.deleted);
      const v = live[change.variation % live.length]!;
      v.priceUsdCents = Math.round(v.priceUsdCents * 1.05);
      const object = objects.find((o) => o.id === v.id)!;
      Object.assign(object, { updated_at: iso(change.at), version: change.at });
      (object.item_variation_data as Json).price_money = money(v.priceUsdCents, currency);
    }
    this.catalogCache = { variations, modifiers, objects };
    return this.catalogCache;
  }

  catalogObjects(): readonly Json[] {
    return this.catalog().objects;
  }

  // ---------------------------------------------------------------- orders and payments

  /** The payment made for order k (same position in the same segment), if payments outnumber orders there. */
  paymentOfOrder(k: number): number | undefined {
    const so = this.orders.segmentOf(k);
    const sp = so && this.payments.segments[this.orders.segments.indexOf(so)];
    if (!so || !sp || sp.count < so.count) return undefined;
    return sp.first + Math.floor(((k - so.first) * sp.count) / so.count);
  }

  orderOfPayment(j: number): number | undefined {
    const sp = this.payments.segmentOf(j);
    const so = sp && this.orders.segments[this.payments.segments.indexOf(sp)];
    if (!sp || !so || sp.count < so.count) return undefined;
    const k = so.first + Math.ceil(((j - sp.first) * so.count) / sp.count);
    return k < so.first + so.count && this.paymentOfOrder(k) === j ? k : undefined;
  }

  orderLocation(k: number): LocationInfo {
    return this.locations[hashSeed(this.cfg.seed, this.merchant, 'order-location', k) % this.locations.length]!;
  }

  paymentLocation(j: number): LocationInfo {
    const k = this.orderOfPayment(j);
    return k !== undefined
      ? this.orderLocation(k)
      : this.locations[hashSeed(this.cfg.seed, this.merchant, 'payment-location', j) % this.locations.length]!;
  }

  orderId(k: number): string {
    return sqId(MIXED, 24, k, this.cfg.seed, this.merchant, 'order');
  }

  paymentId(j: number): string {
    return sqId(MIXED, 26, j, this.cfg.seed, this.merchant, 'payment');
  }

  private teamAt(rng: Random, location: LocationInfo): TeamMemberInfo {
    const here = this.team.filter((t) => t.locations.includes(location.id));
    return rng.pick(here.length ? here : this.team);
  }

  private orderCustomer(k: number): number | undefined {
    const rng = this.rng('order-customer', k);
    return rng.chance(0.75) ? this.customerAt(rng, this.orders.at(k)) : undefined;
  }

  /** Line items of order k and their totals, in USD cents before conversion. */
  private orderLines(k: number, location: LocationInfo) {
    const { variations, modifiers } = this.catalog();
    const rng = this.rng('order-lines', k);
    const sellable = variations.filter((v) => !v.service);
    const lines: Json[] = [];
    let total = 0;
    const count = rng.int(1, 5);
    for (let l = 0; l < count; l++) {
      const v = rng.pick(sellable.length ? sellable : variations);
      const quantity = rng.chance(0.8) ? 1 : rng.int(2, 4);
      const mods: Json[] = [];
      let modTotal = 0;
      for (const list of v.modifierLists) {
        if (!rng.chance(0.45)) continue;
        const options = modifiers.filter(
          (mo) => mo.listId === sqId(UPPER, 22, list, this.cfg.seed, this.merchant, 'modlist'),
        );
        const mo = rng.pick(options);
        const price = Math.max(0, mo.priceUsdCents);
        modTotal += price;
        mods.push({
          uid: `${this.orderId(k).slice(0, 8)}-m${l}${mods.length}`,
          catalog_object_id: mo.id,
          catalog_version: 1,
          name: mo.name,
          quantity: '1',
          base_price_money: money(price, location.currency),
          total_price_money: money(price * quantity, location.currency),
        });
      }
      const gross = (v.priceUsdCents + modTotal) * quantity;
      total += gross;
      lines.push({
        uid: `${this.orderId(k).slice(0, 8)}-l${l}`,
        catalog_object_id: v.id,
        catalog_version: 1,
        quantity: String(quantity),
        name: v.itemName,
        variation_name: v.name,
        item_type: 'ITEM',
        ...(mods.length ? { modifiers: mods } : {}),
        base_price_money: money(v.priceUsdCents, location.currency),
        variation_total_price_money: money(v.priceUsdCents * quantity, location.currency),
        gross_sales_money: money(gross, location.currency),
        total_tax_money: money(Math.round(gross * 0.0825), location.currency),
        total_discount_money: money(0, location.currency),
        total_money: money(Math.round(gross * 1.0825), location.currency),
      });
    }
    return { lines, totalUsdCents: Math.round(total * 1.0825), taxUsdCents: Math.round(total * 0.0825) };
  }

  order(k: number): Json {
    const location = this.orderLocation(k);
    const rng = this.rng('order', k);
    const created = this.orders.at(k);
    const edits = this.orderEdits.of(k);
    const { lines, totalUsdCents, taxUsdCents } = this.orderLines(k, location);
    const tipUsdCents = edits.length ? edits.length * rng.int(100, 800) : 0;
    const state = rng.chance(0.03)
      ? 'CANCELED'
      : created > this.now - 2 * 3_600_000 && rng.chance(0.3)
        ? 'OPEN'
        : 'COMPLETED';
    const customer = this.orderCustomer(k);
    const j = this.paymentOfOrder(k);
    const member = this.teamAt(rng, location);
    const order: Json = {
      id: this.orderId(k),
      location_id: location.id,
      source: { name: rng.pick(['Square Point of Sale', 'Square Online', 'Square Appointments']) },
      ...(customer !== undefined ? { customer_id: this.customerId(customer) } : {}),
      line_items: lines,
      taxes: [{ uid: 'tax', name: 'Sales tax', percentage: '8.25', type: 'ADDITIVE', scope: 'ORDER' }],
      total_money: money(totalUsdCents + tipUsdCents, location.currency),
      total_tax_money: money(taxUsdCents, location.currency),
      total_discount_money: money(0, location.currency),
      total_tip_money: money(tipUsdCents, location.currency),
      total_service_charge_money: money(0, location.currency),
      created_at: iso(created),
      updated_at: iso(this.updatedAt('order', created, edits)),
      state,
      version: 1 + edits.length,
    };
    if (state === 'COMPLETED') order.closed_at = iso(created + 60_000 + rng.int(0, 3_000_000));
    if (j !== undefined && state !== 'CANCELED') {
      order.tenders = [
        {
          id: this.paymentId(j),
          location_id: location.id,
          transaction_id: order.id,
          created_at: iso(created),
          amount_money: money(totalUsdCents, location.currency),
          type: 'CARD',
          payment_id: this.paymentId(j),
          ...(customer !== undefined ? { customer_id: this.customerId(customer) } : {}),
        },
      ];
    }
    order.fulfillments = rng.chance(0.2)
      ? [{ uid: 'f1', type: 'PICKUP', state: state === 'COMPLETED' ? 'COMPLETED' : 'PROPOSED' }]
      : undefined;
    if (!order.fulfillments) delete order.fulfillments;
    order.metadata = { team_member_id: member.id };
    return order;
  }

  payment(j: number): Json {
    const location = this.paymentLocation(j);
    const rng = this.rng('payment', j);
    const created = this.payments.at(j);
    const edits = this.paymentEdits.of(j);
    const k = this.orderOfPayment(j);
    const amountUsdCents =
      k !== undefined ? this.orderLines(k, location).totalUsdCents : rng.int(3, 180) * 100 + rng.int(0, 99);
    const customer =
      k !== undefined ? this.orderCustomer(k) : rng.chance(0.5) ? this.customerAt(rng, created) : undefined;
    const status = rng.chance(0.02) ? 'FAILED' : rng.chance(0.01) ? 'CANCELED' : 'COMPLETED';
    let tip = rng.chance(0.6) ? Math.round(amountUsdCents * rng.pick([0.15, 0.18, 0.2, 0.22])) : 0;
    let refunded = 0;
    // Edits of advanced days: alternately a tip adjustment and a (partial) refund.
    edits.forEach((_, e) => {
      if (e % 2 === 0) tip += createRandom(this.cfg.seed, this.merchant, 'tip', j, e).int(100, 1000);
      else refunded = Math.round((amountUsdCents + tip) * 0.5);
    });
    const cash = rng.chance(0.15);
    const member = this.teamAt(rng, location);
    const total = amountUsdCents + tip;
    const payment: Json = {
      id: this.paymentId(j),
      created_at: iso(created),
      updated_at: iso(this.updatedAt('payment', created, edits)),
      amount_money: money(amountUsdCents, location.currency),
      ...(tip ? { tip_money: money(tip, location.currency) } : {}),
      total_money: money(total, location.currency),
      approved_money: money(total, location.currency),
      ...(refunded
        ? {
            refunded_money: money(refunded, location.currency),
            refund_ids: [`${this.paymentId(j).slice(0, 10)}_R${edits.length}`],
          }
        : {}),
      processing_fee: cash
        ? undefined
        : [
            {
              effective_at: iso(created + 60_000),
              type: 'INITIAL',
              amount_money: money(Math.round(total * 0.026) + 10, location.currency),
            },
          ],
      status,
      delay_duration: 'PT168H',
      source_type: cash ? 'CASH' : rng.chance(0.1) ? 'WALLET' : 'CARD',
      location_id: location.id,
      ...(k !== undefined ? { order_id: this.orderId(k) } : {}),
      ...(customer !== undefined ? { customer_id: this.customerId(customer) } : {}),
      team_member_id: member.id,
      employee_id: member.id,
      receipt_number: this.paymentId(j).slice(0, 4),
      receipt_url: `https://squareup.com/receipt/preview/${this.paymentId(j)}`,
      application_details: { square_product: 'SQUARE_POS', application_id: 'sq0idp-sandbox' },
      version_token: createRandom(this.cfg.seed, this.merchant, 'version', j, edits.length).id(40, MIXED),
    };
    if (cash) {
      payment.cash_details = {
        buyer_supplied_money: money(Math.ceil(total / 500) * 500, location.currency),
        change_back_money: money(Math.ceil(total / 500) * 500 - total, location.currency),
      };
      delete payment.processing_fee;
    } else {
      payment.card_details = {
        status: status === 'COMPLETED' ? 'CAPTURED' : status === 'FAILED' ? 'FAILED' : 'VOIDED',
        card: {
          card_brand: rng.pick(['VISA', 'MASTERCARD', 'AMERICAN_EXPRESS', 'DISCOVER']),
          last_4: String(rng.int(0, 9999)).padStart(4, '0'),
          exp_month: rng.int(1, 12),
          exp_year: 2027 + rng.int(0, 4),
          card_type: 'CREDIT',
        },
        entry_method: rng.pick(['EMV', 'CONTACTLESS', 'KEYED', 'ON_FILE']),
        cvv_status: 'CVV_ACCEPTED',
        avs_status: 'AVS_ACCEPTED',
      };
    }
    return payment;
  }

  // ---------------------------------------------------------------- bookings

  bookingTimes(b: number): { created: number; start: number } {
    if (b < this.cfg.bookings) {
      const start = this.bookings.at(b);
      const lead = (1 + (hashSeed(this.cfg.seed, this.merchant, 'lead', b) % 30)) * DAY_MS;
      return {
        start,
        created: Math.min(
          start - lead,
          this.epoch - 3_600_000 - (hashSeed(this.cfg.seed, this.merchant, 'late', b) % DAY_MS),
        ),
      };
    }
    const nb = this.newBookings[b - this.cfg.bookings]!;
    return { start: nb.start, created: nb.created };
  }

  bookingLocation(b: number): LocationInfo {
    return this.locations[hashSeed(this.cfg.seed, this.merchant, 'booking-location', b) % this.locations.length]!;
  }

  /** Bookings of a location starting in [a, b), ascending by start_at. */
  bookingsStarting(locationId: string, a: number, b: number): number[] {
    const out: { b: number; start: number }[] = [];
    for (const i of this.bookings.range(a, b))
      if (this.bookingLocation(i).id === locationId) out.push({ b: i, start: this.bookings.at(i) });
    for (const nb of this.newBookings)
      if (nb.start >= a && nb.start < b && this.bookingLocation(nb.index).id === locationId)
        out.push({ b: nb.index, start: nb.start });
    return out.sort((x, y) => x.start - y.start || x.b - y.b).map((x) => x.b);
  }

  booking(b: number): Json {
    const rng = this.rng('booking', b);
    const { created, start } = this.bookingTimes(b);
    const location = this.bookingLocation(b);
    const edits = this.bookingEdits.of(b);
    const services = this.catalog().variations.filter((v) => v.service && !v.deleted);
    const service = rng.pick(services.length ? services : this.catalog().variations);
    const member = this.teamAt(rng, location);
    const past = start < this.now;
    let status = past
      ? rng.pickWeighted<string>([
          ['ACCEPTED', 80],
          ['NO_SHOW', 5],
          ['CANCELLED_BY_CUSTOMER', 10],
          ['CANCELLED_BY_SELLER', 5],
        ])
      : rng.chance(0.1)
        ? 'PENDING'
        : 'ACCEPTED';
    if (edits.length) status = rng.pick(['CANCELLED_BY_CUSTOMER', start < edits.at(-1)! ? 'NO_SHOW' : 'ACCEPTED']);
    const customer = this.customerAt(rng, created);
    const updated =
      edits.at(-1) ??
      (status.startsWith('CANCELLED') || status === 'NO_SHOW'
        ? Math.min(this.epoch - 60_000, Math.max(created + 60_000, start - rng.int(1, 48) * 3_600_000))
        : this.updatedAt('booking', created, []));
    return {
      id: sqId('abcdefghijklmnopqrstuvwxyz0123456789', 12, b, this.cfg.seed, this.merchant, 'booking').toLowerCase(),
      version: 1 + edits.length,
      status,
      created_at: iso(created),
      updated_at: iso(Math.max(updated, created)),
      start_at: iso(start),
      location_id: location.id,
      ...(customer !== undefined ? { customer_id: this.customerId(customer) } : {}),
      ...(rng.chance(0.2)
        ? { customer_note: rng.pick(['Running 5 min late', 'First visit', 'Gift certificate']) }
        : {}),
      ...(rng.chance(0.1) ? { seller_note: 'Prefers a quiet room' } : {}),
      all_day: false,
      transition_time_minutes: 0,
      location_type: 'BUSINESS_LOCATION',
      source: rng.pick(['FIRST_PARTY_MERCHANT', 'FIRST_PARTY_BUYER', 'THIRD_PARTY_BUYER']),
      creator_details: { creator_type: 'TEAM_MEMBER', team_member_id: member.id },
      appointment_segments: [
        {
          duration_minutes: service.durationMinutes || 60,
          service_variation_id: service.id,
          team_member_id: member.id,
          service_variation_version: 1,
          any_team_member: false,
        },
      ],
    };
  }

  // ---------------------------------------------------------------- team, locations, loyalty

  teamMember(t: number): Json {
    const rng = this.rng('team', t);
    const given = rng.pick(GIVEN);
    const family = rng.pick(FAMILY);
    const created = this.epoch - 400 * DAY_MS + t * 7 * DAY_MS;
    const info = this.team[t]!;
    return {
      id: info.id,
      reference_id: `EMP-${100 + t}`,
      is_owner: t === 0,
      status: t > 0 && t % 7 === 6 ? 'INACTIVE' : 'ACTIVE',
      given_name: given,
      family_name: family,
      email_address:
        `${given}.${family}`
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z.]/g, '') + '@example.com',
      ...(rng.chance(0.7)
        ? {
            phone_number: `+1707555${String(100 + t)
              .slice(-4)
              .padStart(4, '0')}`,
          }
        : {}),
      created_at: iso(created),
      updated_at: iso(created + DAY_MS),
      assigned_locations:
        t === 0
          ? { assignment_type: 'ALL_CURRENT_AND_FUTURE_LOCATIONS' }
          : { assignment_type: 'EXPLICIT_LOCATIONS', location_ids: info.locations },
    };
  }

  location(l: LocationInfo): Json {
    const [city, state, zip] = CITIES[l.index % CITIES.length]!;
    const created = this.epoch - 3 * YEAR_MS + l.index * 90 * DAY_MS;
    const country = l.currency === 'JPY' ? 'JP' : l.currency === 'KWD' ? 'KW' : l.currency === 'CAD' ? 'CA' : 'US';
    return {
      id: l.id,
      name: l.name,
      address: {
        address_line_1: `${100 + l.index * 11} Main St`,
        locality: city,
        administrative_district_level_1: state,
        postal_code: zip,
        country,
      },
      timezone: l.timezone,
      capabilities: ['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS'],
      status: 'ACTIVE',
      created_at: iso(created),
      merchant_id: this.merchantId,
      country,
      language_code: country === 'JP' ? 'ja-JP' : 'en-US',
      currency: l.currency,
      business_name: `Sandbox Hospitality ${this.merchant}`,
      type: 'PHYSICAL',
      business_hours: {
        periods: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'].map((day) => ({
          day_of_week: day,
          start_local_time: '11:00:00',
          end_local_time: '22:00:00',
        })),
      },
      mcc: '5812',
    };
  }

  /** Customers with a loyalty account: every fourth, by a seeded draw. */
  enrolled(i: number): boolean {
    return hashSeed(this.cfg.seed, this.merchant, 'loyalty', i) % 4 === 0;
  }

  loyaltyAccount(i: number): Json {
    const rng = this.rng('loyalty', i);
    const created = this.customers.at(i) + rng.int(0, 30) * DAY_MS;
    const edits = this.loyaltyEdits.of(i);
    const lifetime = rng.int(0, 400) + edits.length * rng.int(5, 40);
    const phone = `+1707555${String(i % 10000).padStart(4, '0')}`;
    const enrolled = Math.min(created, this.now - 60_000);
    return {
      id: createRandom(this.cfg.seed, this.merchant, 'loyalty-id', i).uuid(),
      program_id: createRandom(this.cfg.seed, this.merchant, 'program').uuid(),
      balance: Math.max(0, lifetime - rng.int(0, lifetime)),
      lifetime_points: lifetime,
      customer_id: this.customerId(i),
      enrolled_at: iso(enrolled),
      created_at: iso(enrolled),
      updated_at: iso(edits.at(-1) ?? enrolled + 1000),
      mapping: {
        id: createRandom(this.cfg.seed, this.merchant, 'mapping', i).uuid(),
        created_at: iso(enrolled),
        phone_number: phone,
      },
    };
  }
}
