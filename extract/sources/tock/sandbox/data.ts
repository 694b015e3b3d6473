/**
 * Deterministic Tock export files: guest profiles (data model v2.7) and reservations, generated on the fly
 * as JSON text from (seed, business, entity, export number N). Nothing is held in memory beyond one ~64 KB
 * chunk, so a file of 500,000 records streams with flat memory.
 *
 * Choices where the public docs are silent (the sandbox picks one behaviour and says so):
 * - Exports are INCREMENTS: file 1 holds the initial population; file N > 1 holds `changesPerExport` records,
 *   new ones and edits of earlier ones. Exports happen twice daily (12 h apart) after a fixed epoch.
 * - An edited guest is re-sent with the SAME patron.id and a NEW profile `id`; the old version is not re-sent
 *   and nothing is flagged archived (isArchived=false, nextGuestProfileId=null on every record).
 * - An edited reservation keeps its `id` with a higher `sequenceId` and a later `lastUpdatedTimestamp`.
 * - uint64 ids are written sometimes as JSON strings, sometimes as bare numbers; about 3% of patron ids and
 *   2% of reservation ids are above 2^53 (18446744073...), always as bare numbers: clients must keep ids as text.
 * - Shapes not published (dietary restrictions, hospitality preferences, notes, refunds, discounts) are plausible
 *   guesses: clients should land them as JSON without relying on their inner fields.
 * All names, emails (example.com/.org/.net) and phone numbers (555) are fictional.
 */
import { createHash } from 'node:crypto';
import { createRandom, hashSeed, type Random } from '../../../kit/sandbox/random.js';

export type TockEntity = 'guest-profile' | 'reservation';

export interface TockDataConfig {
  seed: number;
  guestsInFirstExport: number;
  reservationsInFirstExport: number;
  changesPerExport: number;
  /** Share of extra records that are not objects or lack their key (0 = clean files). */
  malformedRecordRate: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const EXPORT_INTERVAL_MS = 12 * HOUR_MS;
const HISTORY_MS = 730 * DAY_MS;
/** Share of each later export's changes that are new records (the rest are edits). */
const NEW_SHARE: Record<TockEntity, number> = { 'guest-profile': 0.5, reservation: 0.6 };
const UINT64_MAX = 18446744073709551615n;

// ---------------------------------------------------------------- time

/** The fixed "now" of export 1, derived from the seed (never Date.now()): a day in 2025, 14:00 UTC. */
export function dataEpoch(seed: number): number {
  return Date.UTC(2025, 0, 1, 14) + (hashSeed(seed, 'epoch') % 365) * DAY_MS;
}

/** When export N was produced (exports are 12 h apart). */
export function exportTime(seed: number, n: number): number {
  return dataEpoch(seed) + (n - 1) * EXPORT_INTERVAL_MS;
}

/** A timestamp inside export n's window: (exportTime(n-1), exportTime(n)]; for n = 1 within the history. */
function inExportWindow(rng: Random, seed: number, n: number): number {
  const end = exportTime(seed, n);
  if (n <= 1) return rng.timestamp(end - HISTORY_MS, end - HOUR_MS);
  return end - EXPORT_INTERVAL_MS + 1 + rng.int(0, EXPORT_INTERVAL_MS - 1);
}

/** UTC offset (minutes, local = utc + offset) of a time zone on a day; memoised per zone and day. */
class ZoneOffsets {
  private readonly cache = new Map<number, number>();
  private readonly format: Intl.DateTimeFormat;
  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
  }
  /** Offset at local noon of the UTC day `dayMs` (restaurants do not serve at the 2 a.m. DST switch). */
  at(dayMs: number): number {
    let offset = this.cache.get(dayMs);
    if (offset === undefined) {
      const probe = dayMs + 20 * HOUR_MS; // ~noon in the Americas
      const parts: Record<string, number> = {};
      for (const p of this.format.formatToParts(new Date(probe)))
        if (p.type !== 'literal') parts[p.type] = Number(p.value);
      const asUtc = Date.UTC(
        parts.year ?? 1970,
        (parts.month ?? 1) - 1,
        parts.day ?? 1,
        parts.hour ?? 0,
        parts.minute ?? 0,
      );
      offset = Math.round((asUtc - probe) / 60_000);
      this.cache.set(dayMs, offset);
    }
    return offset;
  }
}

// ---------------------------------------------------------------- businesses

export interface TockExperience {
  id: string;
  name: string;
  amountCents: number;
  posSku: string;
  variety: 'RESERVATION' | 'PREPAID' | 'DEPOSIT' | 'TABLESIDE' | 'PICKUP' | 'DELIVERY' | 'EVENT';
  weight: number;
}

export interface TockBusiness {
  /** 1-based index among the sandbox's businesses. */
  index: number;
  id: string;
  groupId: string;
  name: string;
  domainName: string;
  timeZone: string;
  locale: string;
  currencyCode: string;
  experiences: TockExperience[];
}

const BUSINESS_NAMES = [
  ['Sandbox Demo Bistro', 'sandbox-demo-bistro', 'America/Los_Angeles'],
  ['Sandbox Demo Winery', 'sandbox-demo-winery', 'America/Los_Angeles'],
  ['Sandbox Demo Tasting Room', 'sandbox-demo-tasting-room', 'America/New_York'],
  ['Sandbox Demo Oyster Bar', 'sandbox-demo-oyster-bar', 'America/Chicago'],
  ['Sandbox Demo Trattoria', 'sandbox-demo-trattoria', 'America/Denver'],
] as const;

export function tockBusiness(seed: number, index: number): TockBusiness {
  const rng = createRandom(seed, 'business', index);
  const base = 30_000 + (hashSeed(seed, 'business-id') % 10_000);
  const [name0, domain0, timeZone] = BUSINESS_NAMES[(index - 1) % BUSINESS_NAMES.length] ?? BUSINESS_NAMES[0];
  const suffix = index > BUSINESS_NAMES.length ? ` ${index}` : '';
  const expBase = 100_000 + index * 1000;
  const experiences: TockExperience[] = [
    {
      id: String(expBase + 1),
      name: 'Dinner Reservation',
      amountCents: 0,
      posSku: 'RES-DINNER',
      variety: 'RESERVATION',
      weight: 40,
    },
    {
      id: String(expBase + 2),
      name: "Chef's Tasting Menu",
      amountCents: rng.pick([18500, 21500, 24500]),
      posSku: 'PRE-TASTING',
      variety: 'PREPAID',
      weight: 20,
    },
    {
      id: String(expBase + 3),
      name: 'Patio Seating (deposit)',
      amountCents: 2500,
      posSku: 'DEP-PATIO',
      variety: 'DEPOSIT',
      weight: 12,
    },
    {
      id: String(expBase + 4),
      name: 'Bar Walk-in',
      amountCents: 0,
      posSku: 'TBL-BAR',
      variety: 'TABLESIDE',
      weight: 8,
    },
    {
      id: String(expBase + 5),
      name: 'Family Meal Pickup',
      amountCents: rng.pick([6500, 7500]),
      posSku: 'PICKUP-FAMILY',
      variety: 'PICKUP',
      weight: 8,
    },
    {
      id: String(expBase + 6),
      name: 'Wine Club Delivery',
      amountCents: 9900,
      posSku: 'DEL-WINE',
      variety: 'DELIVERY',
      weight: 4,
    },
    {
      id: String(expBase + 7),
      name: 'Harvest Dinner Event',
      amountCents: 15000,
      posSku: 'EVT-HARVEST',
      variety: 'EVENT',
      weight: 8,
    },
  ];
  return {
    index,
    id: String(base + index * 7),
    groupId: String(20_000 + (hashSeed(seed, 'business-group') % 10_000)),
    name: name0 + suffix,
    domainName: domain0 + (suffix ? `-${index}` : ''),
    timeZone,
    locale: 'en-US',
    currencyCode: 'USD',
    experiences,
  };
}

// ---------------------------------------------------------------- word lists (pre-encoded as JSON)

const j = (s: string) => JSON.stringify(s);
/** [JSON-encoded display name, ascii slug for emails] */
const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Olivia',
  'Noah',
  'Emma',
  'Mateo',
  'Sofia',
  'Lucas',
  'Mia',
  'Ethan',
  'Chloé',
  'José',
  'Zoë',
  'Aiko',
  'Priya',
  'Wei',
  'Fatima',
  'Omar',
  'Grace',
  'Henry',
  'Isla',
  'Jack',
  'Leila',
  'Marco',
  'Nina',
  "D'Andre",
  'Renée',
  'Søren',
  'Yuki',
  'Camila',
].map((n) => [j(n), slug(n)] as const);
const LAST_NAMES = [
  'Smith',
  'Garcia',
  'Nguyễn',
  'Johnson',
  'Kim',
  'Patel',
  'Müller',
  "O'Brien",
  'Rossi',
  'Chen',
  'Okafor',
  'Silva',
  'Martin',
  'Cohen',
  'Tanaka',
  'Brown',
  'López',
  'Dubois',
  'Novak',
  'Walker',
  'Hughes',
  'Andersson',
  'Haddad',
  'Ivanova',
  'Park',
].map((n) => [j(n), slug(n)] as const);
function slug(s: string): string {
  return s
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];
const AREA_CODES = ['415', '510', '650', '707', '212', '312', '303', '206', '503', '617'];
const CITIES = [
  ['San Francisco', 'CA', '941'],
  ['Napa', 'CA', '945'],
  ['Oakland', 'CA', '946'],
  ['New York', 'NY', '100'],
  ['Chicago', 'IL', '606'],
  ['Denver', 'CO', '802'],
  ['Seattle', 'WA', '981'],
  ['Portland', 'OR', '972'],
  ['Boston', 'MA', '021'],
].map(([c, s, z]) => ({ city: j(c ?? ''), state: j(s ?? ''), zip3: z ?? '941' }));
const FOREIGN = [
  { iso: 'CA', phoneCc: 'CA', country: 'Canada', city: 'Vancouver', state: 'BC', zip: 'V6B 1A1' },
  { iso: 'GB', phoneCc: 'GB', country: 'United Kingdom', city: 'London', state: '', zip: 'SW1A 1AA' },
  { iso: 'MX', phoneCc: 'MX', country: 'Mexico', city: 'Ciudad de México', state: 'CDMX', zip: '06700' },
  { iso: 'FR', phoneCc: 'FR', country: 'France', city: 'Paris', state: '', zip: '75003' },
].map((f) => ({ ...f, countryJ: j(f.country), cityJ: j(f.city), stateJ: j(f.state), zipJ: j(f.zip) }));
const STREETS = ['Main St', 'Market St', 'Oak Ave', 'Vineyard Ln', '2nd St', 'Mission St', 'Elm St', 'Harbor Blvd'];
const DIETARY = [
  'VEGETARIAN',
  'VEGAN',
  'GLUTEN_FREE',
  'DAIRY_FREE',
  'SHELLFISH_ALLERGY',
  'NUT_ALLERGY',
  'PESCATARIAN',
  'NO_PORK',
];
const DIETARY_NOTES = [
  '',
  '',
  'Severe: carries an EpiPen',
  'Prefers "no cross-contact" prep',
  'Ok with trace amounts',
].map(j);
const HOSPITALITY = ['WINDOW_SEAT', 'QUIET_TABLE', 'BOOTH', 'PATIO', 'BAR_SEATING', 'WHEELCHAIR_ACCESS', 'HIGH_CHAIR'];
const GUEST_TAGS = [
  'VIP',
  'Regular',
  'Wine club',
  'Industry',
  'Press',
  'First visit',
  'Big spender',
  'Local',
  'Celebrating',
].map(j);
const NOTES = [
  'Prefers the "quiet" corner table',
  'Sommelier friend \u2014 offer the reserve list',
  'Allergic to shellfish; double-check every course',
  'Likes sparkling water, no ice',
  'Proposed here in 2019 \u{1F48D}',
  'Back\\slash test: C:\\wine\\list',
  'Multi-line note:\nline two',
].map(j);
const OPT_IN = [
  ['PURCHASE', 40],
  ['NEWSLETTER', 20],
  ['WAITLIST', 10],
  ['IMPORTED', 10],
  ['NO_OPT_IN', 15],
  ['OPTED_OUT', 5],
] as const;
const PAYMENT_TYPES = [
  ['CREDIT_CARD', 85],
  ['GIFT_CARD', 8],
  ['APPLE_PAY', 5],
  ['HOUSE_ACCOUNT', 2],
] as const;
const PARTY_SIZES = [
  [1, 4],
  [2, 45],
  [3, 10],
  [4, 22],
  [5, 5],
  [6, 8],
  [8, 4],
  [10, 2],
] as const;
const DISCOUNTS = ['Industry', 'Wine club 10%', 'Birthday', 'Comp'].map(j);
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

// ---------------------------------------------------------------- per-file plan

function newPerExport(cfg: TockDataConfig, entity: TockEntity): number {
  return Math.round(cfg.changesPerExport * NEW_SHARE[entity]);
}

function initialCount(cfg: TockDataConfig, entity: TockEntity): number {
  return entity === 'guest-profile' ? cfg.guestsInFirstExport : cfg.reservationsInFirstExport;
}

/** How many distinct records (patrons / reservations) exist after export n. */
export function populationAfter(cfg: TockDataConfig, entity: TockEntity, n: number): number {
  if (n < 1) return 0;
  return initialCount(cfg, entity) + (n - 1) * newPerExport(cfg, entity);
}

/** Which export first carried record `index`. */
function createdInExport(cfg: TockDataConfig, entity: TockEntity, index: number): number {
  const initial = initialCount(cfg, entity);
  if (index < initial) return 1;
  return 2 + Math.floor((index - initial) / Math.max(1, newPerExport(cfg, entity)));
}

export interface PlanItem {
  kind: 'new' | 'edit';
  /** Patron index (guest profiles) or reservation index. */
  index: number;
  /** Position among all records of this entity ever emitted (unique per version: makes profile ids). */
  serial: number;
}

/** The valid records of file N in order. Export 1 is described lazily (it may hold millions). */
export function filePlan(
  cfg: TockDataConfig,
  business: number,
  entity: TockEntity,
  n: number,
): { count: number; item(i: number): PlanItem } {
  const initial = initialCount(cfg, entity);
  if (n === 1) return { count: initial, item: (i) => ({ kind: 'new', index: i, serial: i }) };
  const before = populationAfter(cfg, entity, n - 1);
  const news = newPerExport(cfg, entity);
  const edits = Math.min(cfg.changesPerExport - news, before);
  const rng = createRandom(cfg.seed, business, entity, 'plan', n);
  const edited = new Set<number>();
  while (edited.size < edits) {
    // Edits favour recent records, as real activity does, but reach back to the oldest.
    const r = rng.next();
    const idx = rng.chance(0.5)
      ? before - 1 - Math.floor(r * Math.min(before, Math.max(1, news * 4)))
      : Math.floor(r * before);
    edited.add(Math.max(0, Math.min(before - 1, idx)));
  }
  const items: PlanItem[] = [];
  for (let k = 0; k < news; k++) items.push({ kind: 'new', index: before + k, serial: 0 });
  for (const idx of edited) items.push({ kind: 'edit', index: idx, serial: 0 });
  const order = rng.shuffle(items);
  const serialBase = initial + (n - 2) * cfg.changesPerExport;
  order.forEach((it, i) => (it.serial = serialBase + i));
  return { count: order.length, item: (i) => order[i] as PlanItem };
}

/** A strong validator for file N: a hash of everything that determines its bytes (not of the bytes themselves). */
export function fileEtag(cfg: TockDataConfig, business: number, entity: TockEntity, n: number): string {
  const h = createHash('sha256')
    .update(
      JSON.stringify([
        'tock-sandbox-v1',
        cfg.seed,
        business,
        entity,
        n,
        cfg.guestsInFirstExport,
        cfg.reservationsInFirstExport,
        cfg.changesPerExport,
        cfg.malformedRecordRate,
      ]),
    )
    .digest('hex');
  return `"${h.slice(0, 32)}"`;
}

// ---------------------------------------------------------------- patrons

interface Patron {
  /** Digits of the id. */
  id: string;
  big: boolean;
  first: string;
  last: string;
  email: string;
  phone: string;
  phoneCc: string;
  zip: string;
  iso: string;
  foreign: (typeof FOREIGN)[number] | undefined;
  city: (typeof CITIES)[number];
  createdAt: number;
}

function patronNumber(business: number, index: number): number {
  return 21_000_000 + business * 20_000_000 + index;
}

function makePatron(cfg: TockDataConfig, business: number, index: number): Patron {
  const rng = createRandom(cfg.seed, business, 'patron', index);
  const num = patronNumber(business, index);
  const big = rng.chance(0.03);
  const id = big ? (UINT64_MAX - BigInt(num)).toString() : String(num);
  const [first, firstSlug] = rng.pick(FIRST_NAMES);
  const [last, lastSlug] = rng.pick(LAST_NAMES);
  const foreign = rng.chance(0.06) ? rng.pick(FOREIGN) : undefined;
  const email = `"${firstSlug}.${lastSlug}${rng.int(1, 9999)}@${rng.pick(EMAIL_DOMAINS)}"`;
  const phone = foreign
    ? `"${rng.digits(10)}"`
    : `"${rng.pick(AREA_CODES)}555${String(rng.int(0, 9999)).padStart(4, '0')}"`;
  const city = rng.pick(CITIES);
  const zip = foreign ? foreign.zipJ : `"${city.zip3}${String(rng.int(0, 99)).padStart(2, '0')}"`;
  const created = createdInExport(cfg, 'guest-profile', index);
  const createdAt =
    created === 1
      ? rng.timestamp(exportTime(cfg.seed, 1) - HISTORY_MS, exportTime(cfg.seed, 1) - DAY_MS)
      : inExportWindow(rng, cfg.seed, created);
  return {
    id,
    big,
    first,
    last,
    email,
    phone,
    phoneCc: foreign ? foreign.phoneCc : 'US',
    zip,
    iso: foreign ? foreign.iso : 'US',
    foreign,
    city,
    createdAt,
  };
}

/** A uint64 id as JSON: big ones always bare numbers, others a string with probability `quoted`. */
function idJson(digits: string, big: boolean, rng: Random, quoted: number): string {
  return !big && rng.chance(quoted) ? `"${digits}"` : digits;
}

function patronJson(p: Patron, rng: Random, email = p.email): string {
  return (
    `{"id":${idJson(p.id, p.big, rng, 0.3)},"email":${email},` +
    `"firstName":${p.first},"lastName":${p.last},"phone":${p.phone},` +
    `"phoneCountryCode":"${p.phoneCc}","zipCode":${p.zip},"isoCountryCode":"${p.iso}"}`
  );
}

// ---------------------------------------------------------------- guest profiles

/** `count` JSON values made one after another (drawing from the random streams in that order), comma-separated. */
function jsonList(count: number, value: () => string): string {
  let out = '';
  for (let i = 0; i < count; i++) out += `${i ? ',' : ''}${value()}`;
  return out;
}

/** [how many, weight] pairs for 0, 1, 2, ... of something, from the weights in that order. */
const counts = (...weights: number[]) => weights.map((weight, count) => [count, weight] as const);
const DIETARY_COUNTS = counts(70, 22, 8);
const HOSPITALITY_COUNTS = counts(75, 20, 5);
const NOTE_COUNTS = counts(60, 30, 10);

function guestJson(cfg: TockDataConfig, biz: TockBusiness, item: PlanItem, n: number): string {
  const p = makePatron(cfg, biz.index, item.index);
  // The version stream: everything an edit may change.
  const v = createRandom(cfg.seed, biz.index, 'guest-version', n, item.index);
  const profileId = String(500_000_000 + biz.index * 50_000_000 + item.serial);
  const updatedAt =
    item.kind === 'edit'
      ? inExportWindow(v, cfg.seed, n)
      : n === 1
        ? v.timestamp(p.createdAt, exportTime(cfg.seed, 1) - HOUR_MS)
        : p.createdAt;
  const email =
    item.kind === 'edit' && v.chance(0.2) ? `"${p.email.slice(1, p.email.indexOf('@'))}.new@example.com"` : p.email;

  // A stable part (address, birthday) drawn from the patron's own stream so edits keep it.
  const s = createRandom(cfg.seed, biz.index, 'guest-stable', item.index);
  let address = '';
  if (!s.chance(0.35)) {
    if (p.foreign) {
      address =
        `,"address":{"address1":"${s.int(1, 250)} ${s.pick(STREETS)}","address2":null,` +
        `"city":${p.foreign.cityJ},"state":${p.foreign.stateJ},"country":${p.foreign.countryJ},"zipCode":${p.zip}}`;
    } else {
      const c = p.city;
      const apt = s.chance(0.3) ? `"Apt ${s.int(1, 40)}"` : s.chance(0.5) ? '""' : 'null';
      address =
        `,"address":{"address1":"${s.int(1, 9999)} ${s.pick(STREETS)}","address2":${apt},` +
        `"city":${c.city},"state":${c.state},"country":"United States","zipCode":${p.zip}}`;
    }
  }
  let phones = `[{"type":"MOBILE","phone":${p.phone},"phoneCountryCode":"${p.phoneCc}"}`;
  if (s.chance(0.15))
    phones +=
      `,{"type":"HOME","phone":"${s.pick(AREA_CODES)}555${String(s.int(0, 9999)).padStart(4, '0')}",` +
      `"phoneCountryCode":"US"}`;
  phones += ']';
  let days = '';
  if (s.chance(0.45))
    days +=
      `{"type":"BIRTHDAY","day":${s.int(1, 28)},"month":${s.int(1, 12)},` +
      `"year":${s.chance(0.8) ? s.int(1945, 2005) : 'null'}}`;
  if (s.chance(0.15))
    days +=
      `${days ? ',' : ''}{"type":"ANNIVERSARY","day":${s.int(1, 28)},"month":${s.int(1, 12)},` +
      `"year":${s.int(1975, 2024)}}`;

  const dietary = jsonList(
    v.pickWeighted(DIETARY_COUNTS),
    () => `{"dietaryRestriction":"${v.pick(DIETARY)}","note":${v.pick(DIETARY_NOTES)}}`,
  );
  const hospitality = jsonList(
    v.pickWeighted(HOSPITALITY_COUNTS),
    () => `{"hospitalityPreference":"${v.pick(HOSPITALITY)}"}`,
  );
  const notes = jsonList(
    v.pickWeighted(NOTE_COUNTS),
    () => `{"text":${v.pick(NOTES)},"createdTimestamp":${v.timestamp(p.createdAt, updatedAt + 1)}}`,
  );
  const bizTags = jsonList(v.int(0, 2), () => v.pick(GUEST_TAGS));
  let tags = '';
  if (v.chance(0.3)) tags = v.pick(GUEST_TAGS);
  const spend = v.int(0, 400) * 2500 + (item.kind === 'edit' ? v.int(1, 40000) : 0);

  let attributes = '';
  if (s.chance(0.25)) {
    attributes =
      `{"businessId":${biz.id},"patronId":${idJson(p.id, p.big, v, 0.5)},` +
      `"type":"EXTERNAL_ID","attribute":"commerce7CustomerId","stringValue":"${s.uuid()}","intValue":null}`;
  }
  if (s.chance(0.1)) {
    attributes +=
      `${attributes ? ',' : ''}{"businessId":"${biz.id}","patronId":${idJson(p.id, p.big, v, 0.5)},` +
      `"type":"EXTERNAL_ID","attribute":"squareCustomerId",` +
      `"stringValue":"${s.id(26, 'ABCDEFGHJKMNPQRSTVWXYZ0123456789')}","intValue":null}`;
  }
  if (v.chance(0.2)) {
    attributes +=
      `${attributes ? ',' : ''}{"businessId":${biz.id},"patronId":${idJson(p.id, p.big, v, 0.5)},` +
      `"type":"CUSTOM","attribute":"visitCount","stringValue":null,"intValue":${v.int(1, 60)}}`;
  }

  return (
    `{"id":${idJson(profileId, false, v, 0.2)},"patron":${patronJson(p, v, email)}${address},` +
    `"phone":${phones},"day":[${days}],"link":[],` +
    `"patronProfileDietaryRestriction":[${dietary}],"patronProfileHospitalityPreference":[${hospitality}],` +
    `"businessGroupId":${idJson(biz.groupId, false, v, 0.5)},` +
    `"businessGuestProfile":[{"business":{"id":${idJson(biz.id, false, v, 0.5)},"name":${j(biz.name)}},` +
    `"note":[${notes}],"tag":[${bizTags}],"spend":${spend}}],` +
    `"tag":[${tags}],"attribute":[${attributes}],"optInSource":"${v.pickWeighted(OPT_IN)}",` +
    `"isTockVerified":${v.chance(0.7)},"createdAtTimestamp":${p.createdAt},"updatedAtTimestamp":${updatedAt},` +
    `"isArchived":false,"nextGuestProfileId":null}`
  );
}

// ---------------------------------------------------------------- reservations

interface BusinessContext {
  biz: TockBusiness;
  businessJson: string;
  zone: ZoneOffsets;
  experienceWeights: (readonly [TockExperience, number])[];
}

function businessContext(biz: TockBusiness): BusinessContext {
  return {
    biz,
    businessJson:
      `{"id":${biz.id},"name":${j(biz.name)},"domainName":${j(biz.domainName)},` +
      `"locale":"${biz.locale}","currencyCode":"${biz.currencyCode}","timeZone":"${biz.timeZone}"}`,
    zone: new ZoneOffsets(biz.timeZone),
    experienceWeights: biz.experiences.map((e) => [e, e.weight] as const),
  };
}

const SLOTS_DINNER: number[] = [];
for (let m = 17 * 60; m <= 21 * 60 + 30; m += 15) SLOTS_DINNER.push(m);
const SLOTS_LUNCH: number[] = [];
for (let m = 11 * 60 + 30; m <= 14 * 60; m += 15) SLOTS_LUNCH.push(m);

function hhmm(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}

function reservationJson(cfg: TockDataConfig, ctx: BusinessContext, item: PlanItem, n: number): string {
  const { biz } = ctx;
  const r = item.index;
  const seed = cfg.seed;
  const rng = createRandom(seed, biz.index, 'reservation', r);
  const created = createdInExport(cfg, 'reservation', r);
  const num = 300_000_000 + biz.index * 50_000_000 + r;
  const big = rng.chance(0.02);
  const id = big ? (UINT64_MAX - 1_000_000_000n - BigInt(num)).toString() : String(num);
  const exp = rng.pickWeighted(ctx.experienceWeights);
  const walkIn = exp.variety === 'TABLESIDE' || rng.chance(0.02);

  // Owner: a patron who exists in the guest files as of the export that created this reservation.
  const pool = populationAfter(cfg, 'guest-profile', created);
  const ownerIndex = pool > 0 ? rng.int(0, pool - 1) : 9_000_000 + r;
  const owner = makePatron(cfg, biz.index, ownerIndex);
  const dinerKind = rng.pickWeighted([
    ['owner', 85],
    ['other', 10],
    ['none', 5],
  ] as const);
  const diner =
    dinerKind === 'other' && pool > 1
      ? makePatron(cfg, biz.index, rng.int(0, pool - 1))
      : dinerKind === 'none'
        ? undefined
        : owner;

  const createdTs = inExportWindow(rng, seed, created);
  const createdDay = createdTs - (createdTs % DAY_MS);
  const serviceDay = walkIn ? createdDay : createdDay + rng.int(0, 60) * DAY_MS;
  const slot = rng.chance(0.2) ? rng.pick(SLOTS_LUNCH) : rng.pick(SLOTS_DINNER);
  const serviceTs = serviceDay + slot * 60_000 - ctx.zone.at(serviceDay) * 60_000;
  const partySize0 = exp.variety === 'DELIVERY' || exp.variety === 'PICKUP' ? 1 : rng.pickWeighted(PARTY_SIZES);
  const initialSeq =
    created === 1
      ? rng.pickWeighted([
          [0, 55],
          [1, 25],
          [2, 12],
          [3, 8],
        ] as const)
      : 0;
  const asOf0 = exportTime(seed, created);
  const state0 = settledState(rng, serviceTs, asOf0, walkIn);
  // Draw every other stable value now, so an edit (which draws from its own stream) keeps them.
  const confirmationCode = rng.id(8, CODE_ALPHABET);
  const hasDiscount = rng.chance(0.08);
  const discountName = rng.pick(DISCOUNTS);
  const paymentType = rng.pickWeighted(PAYMENT_TYPES);
  const paymentIdQuoted = rng.chance(0.5);
  const transferredOut = rng.chance(0.01);
  const lastUpdated0 =
    initialSeq === 0
      ? createdTs
      : rng.timestamp(createdTs, Math.max(createdTs + 1, Math.min(serviceTs + 3 * HOUR_MS, asOf0)));

  let sequenceId = initialSeq;
  let partySize: number = partySize0;
  let state = state0;
  let lastUpdated = lastUpdated0;
  const v = createRandom(seed, biz.index, 'reservation-version', n, r);
  if (item.kind === 'edit') {
    sequenceId = initialSeq + (n - created);
    lastUpdated = inExportWindow(v, seed, n);
    if (serviceTs + 3 * HOUR_MS < lastUpdated) {
      state = v.pickWeighted([
        ['FINISHED', 65],
        ['LEFT', 15],
        ['NO_SHOW', 8],
        ['CANCELLED', 6],
        ['SEATED', 3],
        ['ARRIVED', 3],
      ] as const);
    } else if (v.chance(0.35)) {
      state = 'CANCELLED';
    } else {
      state = 'EXPECTED';
      if (partySize > 1 || exp.variety !== 'PICKUP') partySize = Math.max(1, partySize + v.pick([-1, 1, 2]));
    }
  }
  if (lastUpdated < createdTs) lastUpdated = createdTs;

  // Money (cents): per-person price, tax, service charge, gratuity, discounts, payments, refunds.
  const subtotal = exp.amountCents * (exp.variety === 'DEPOSIT' ? 0 : partySize);
  const discountCents = subtotal > 0 && hasDiscount ? Math.round(subtotal * 0.1) : 0;
  const taxable = subtotal - discountCents;
  const tax = Math.round(taxable * 0.08625);
  const serviceCharge = exp.variety === 'PREPAID' || exp.variety === 'EVENT' ? Math.round(taxable * 0.2) : 0;
  const gratuity = exp.variety === 'PICKUP' || exp.variety === 'DELIVERY' ? Math.round(taxable * 0.1) : 0;
  const deposit = exp.variety === 'DEPOSIT' ? exp.amountCents * partySize : 0;
  const total = taxable + tax + serviceCharge + gratuity + deposit;
  const cancelled = state === 'CANCELLED';
  const paid = total;
  const payments: string[] = [];
  if (paid > 0) {
    const payNum = 700_000_000 + biz.index * 50_000_000 + r;
    payments.push(
      `{"id":${paymentIdQuoted ? `"${payNum}"` : payNum},"amount":${paid},` +
        `"paymentType":"${paymentType}","processorFeeCents":${Math.round(paid * 0.029) + 30},` +
        `"tockFeeCents":${Math.round(paid * 0.03)}}`,
    );
  }
  let refunded = 0;
  let refunds = '';
  if (cancelled && paid > 0) {
    refunded = exp.variety === 'DEPOSIT' && v.chance(0.5) ? 0 : paid;
    if (refunded > 0)
      refunds =
        `{"id":"${900_000_000 + biz.index * 50_000_000 + r}","amountCents":${refunded},` +
        `"reason":"CANCELLATION","createdTimestamp":${lastUpdated}}`;
  }
  const discounts = discountCents > 0 ? `{"name":${discountName},"amountCents":${discountCents}}` : '';
  const netPaid = paid - refunded;
  const amountDue = cancelled ? 0 : exp.variety === 'RESERVATION' || exp.variety === 'TABLESIDE' ? 0 : total - paid;
  const confirmation = walkIn ? '' : `"confirmationCode":"${confirmationCode}",`;
  const versionId = idJson(String(1_000_000_000 + (num % 100_000_000) * 16 + Math.min(15, sequenceId)), false, v, 0.5);

  return (
    `{"id":${idJson(id, big, v, 0.3)},"sequenceId":${sequenceId},"versionId":${versionId},` +
    `"business":${ctx.businessJson},"dateTime":"${hhmm(slot)}","serviceDateTimestamp":${serviceTs},` +
    `"createdTimestamp":${createdTs},"lastUpdatedTimestamp":${lastUpdated},` +
    `"partySize":${partySize},"partyState":"${state}",${confirmation}` +
    `"experience":{"id":${idJson(exp.id, false, v, 0.5)},"name":${j(exp.name)},` +
    `"amountCents":${exp.amountCents},"posSku":"${exp.posSku}","variety":"${exp.variety}"},` +
    `"subtotalCents":${subtotal},"taxCents":${tax},"serviceChargeCents":${serviceCharge},` +
    `"gratuityCents":${gratuity},"totalPriceCents":${total},` +
    `"netAmountPaidCents":${netPaid},"amountDueCents":${amountDue},"ownerPatron":${patronJson(owner, v)},` +
    (diner ? `"dinerPatron":${patronJson(diner, v)},` : '') +
    `"payment":[${payments.join(',')}],"refund":[${refunds}],"discount":[${discounts}],` +
    `"isCancelled":${cancelled},"transferredOut":${transferredOut}}`
  );
}

type PartyState = 'EXPECTED' | 'ARRIVED' | 'SEATED' | 'LEFT' | 'NO_SHOW' | 'CANCELLED' | 'FINISHED';

function settledState(rng: Random, serviceTs: number, asOf: number, walkIn: boolean): PartyState {
  if (serviceTs + 3 * HOUR_MS < asOf) {
    return rng.pickWeighted([
      ['FINISHED', 76],
      ['LEFT', 8],
      ['NO_SHOW', walkIn ? 0 : 5],
      ['CANCELLED', walkIn ? 0 : 11],
    ] as const);
  }
  if (serviceTs < asOf)
    return rng.pickWeighted([
      ['SEATED', 50],
      ['ARRIVED', 20],
      ['EXPECTED', 30],
    ] as const);
  return rng.chance(walkIn ? 0 : 0.08) ? 'CANCELLED' : 'EXPECTED';
}

// ---------------------------------------------------------------- malformed records

function malformedJson(rng: Random, entity: TockEntity, serial: number): string {
  const kind = rng.int(0, 5);
  switch (kind) {
    case 0:
      return '42';
    case 1:
      return '"oops"';
    case 2:
      return 'null';
    case 3:
      return '[1,2,3]';
    case 4:
      return entity === 'guest-profile'
        ? `{"id":${990_000_000 + serial},"businessGroupId":"0","isArchived":false}` // no patron
        : `{"sequenceId":0,"partySize":2,"partyState":"EXPECTED"}`; // no id
    default:
      // A patron without id; an id that is null.
      return entity === 'guest-profile'
        ? `{"id":${990_000_000 + serial},"patron":{"email":"nobody@example.com","firstName":"No","lastName":"Id"}}`
        : `{"id":null,"sequenceId":1}`;
  }
}

// ---------------------------------------------------------------- the file as text chunks

export const CHUNK_CHARS = 64 * 1024;

/**
 * The file's text in chunks of ~64 KB: a JSON array of records. Pull-based: nothing beyond the current chunk
 * is generated before the consumer asks for it.
 */
export function* fileChunks(
  cfg: TockDataConfig,
  business: number,
  entity: TockEntity,
  n: number,
  chunkChars = CHUNK_CHARS,
): Generator<string> {
  const biz = tockBusiness(cfg.seed, business);
  const ctx = entity === 'reservation' ? businessContext(biz) : undefined;
  const plan = filePlan(cfg, business, entity, n);
  const bad = cfg.malformedRecordRate > 0 ? createRandom(cfg.seed, business, entity, 'malformed', n) : undefined;
  let buf = '[';
  let first = true;
  const add = (text: string) => {
    buf += first ? text : ',' + text;
    first = false;
  };
  for (let i = 0; i < plan.count; i++) {
    const item = plan.item(i);
    if (bad && bad.chance(cfg.malformedRecordRate)) add(malformedJson(bad, entity, item.serial));
    add(ctx ? reservationJson(cfg, ctx, item, n) : guestJson(cfg, biz, item, n));
    if (buf.length >= chunkChars) {
      yield buf;
      buf = '';
    }
  }
  yield buf + ']';
}
