/**
 * The people of an Arrivy account as its lists show them: customers and team members (entities), each
 * drawn from its own seeded stream and then changed by its edits in turn. Names, emails (example.*) and
 * phones (555-01xx) are fictional.
 */
import type { Random } from '../../../kit/sandbox/random.js';
import { ExactNumber, type JsonValue } from './json-text.js';

const FIRST = [
  ...'Ana|Ben|Chloé|Dmitri|Elena|Farah|Giulia|Hiro|Isabel|Jamal|Kai|Léa|Marco'.split('|'),
  ...'Nora|Omar|Priya|Quinn|Rosa|Sam|Tomás|Uma|Victor|Wen|Yusuf|Zoë|Mary Ann'.split('|'),
];
const LAST = [
  ..."Alvarez|Brown|Chen|D'Angelo|Eriksen|Fischer|García|Hughes|Ito|Johnson|Kowalski|Lopez".split('|'),
  ..."McAllister|O'Brien|Nguyen|Patel|Rossi|Smith|de la Cruz|Müller|Okafor|Silva|Tanaka|Walsh|Young".split('|'),
];
const STREETS = ['Oak St', 'Main St', 'Vineyard Ave', 'Harbor Blvd', 'Cedar Ln', 'Mission St', 'Elm Ct', '2nd Ave'];
/** City, state, zip, latitude, longitude. */
type City = readonly [string, string, string, number, number];
const CITIES: readonly City[] = [
  ['Napa', 'CA', '94559', 38.2975, -122.2869],
  ['Sonoma', 'CA', '95476', 38.2919, -122.458],
  ['Santa Rosa', 'CA', '95404', 38.4405, -122.7144],
  ['Petaluma', 'CA', '94952', 38.2324, -122.6367],
  ['Vallejo', 'CA', '94590', 38.1041, -122.2566],
];
const ROLES = ['Technician', 'Lead technician', 'Apprentice', 'Driver'];
const SKILLS = ['hvac', 'plumbing', 'electrical', 'carpentry', 'heavy-lift'];
export const CREW_GROUPS = 3;

function phone(rng: Random): string {
  return `+1${rng.pick(['707', '415', '510'])}55501${rng.int(0, 9)}${rng.int(0, 9)}`;
}

function slug(first: string, last: string): string {
  return `${first}.${last}`
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z.]/g, '');
}

const orNull = <T>(value: T | undefined): T | null => value ?? null;

// ---------------------------------------------------------------- customers

export interface CustomerState {
  first: string;
  last: string;
  company?: string;
  email?: string;
  mobile?: string;
  phone?: string;
  line1: string;
  line2?: string;
  city: City;
  notes?: string;
}

export function drawCustomer(rng: Random, j: number): CustomerState {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  return {
    first,
    last,
    company: rng.chance(0.12) ? `${last} ${rng.pick(['Properties', 'Holdings', 'Dental', 'Bakery'])}` : undefined,
    email: rng.chance(0.9)
      ? `${slug(first, last)}${j}@${rng.pick(['example.com', 'example.org', 'example.net'])}`
      : undefined,
    mobile: rng.chance(0.85) ? phone(rng) : undefined,
    phone: rng.chance(0.3) ? phone(rng) : undefined,
    line1: `${rng.int(1, 9999)} ${rng.pick(STREETS)}`,
    line2: rng.chance(0.15) ? `Unit ${rng.int(1, 40)}` : undefined,
    city: rng.pick(CITIES),
    notes: rng.chance(0.2) ? rng.pick(['Gate code 1234', 'Dog on premises', 'Call before arrival']) : undefined,
  };
}

/** Edit number e (0-based) of a customer: new contact details, a move, new notes, or a new last name. */
export function editCustomer(c: CustomerState, edit: Random, e: number): void {
  switch (edit.pick(['contact', 'address', 'notes', 'name'])) {
    case 'contact':
      c.email = `${slug(c.first, c.last)}.${e + 1}@${edit.pick(['example.com', 'example.org'])}`;
      c.mobile = phone(edit);
      break;
    case 'address':
      c.line1 = `${edit.int(1, 9999)} ${edit.pick(STREETS)}`;
      c.line2 = undefined;
      c.city = edit.pick(CITIES);
      break;
    case 'notes':
      c.notes = edit.pick(['Prefers mornings', 'New gate code 8812', 'Side entrance', undefined]);
      break;
    default:
      c.last = edit.pick(LAST);
  }
}

/** GET /customers; `extra` draws what no edit changes. */
export function customerRecord(
  c: CustomerState,
  extra: Random,
  ids: { id: string; owner: string },
  j: number,
): JsonValue {
  const [city, state, zipcode, lat, lng] = c.city;
  return {
    id: new ExactNumber(ids.id),
    owner: new ExactNumber(ids.owner),
    first_name: c.first,
    last_name: c.last,
    company_name: orNull(c.company),
    email: orNull(c.email),
    mobile_number: orNull(c.mobile),
    phone: orNull(c.phone),
    address_line_1: c.line1,
    address_line_2: orNull(c.line2),
    city,
    state,
    country: 'USA',
    zipcode,
    exact_location: { lat: round5(lat + extra.next() / 50), lng: round5(lng - extra.next() / 50) },
    notes: orNull(c.notes),
    extra_fields: extra.chance(0.5) ? { referral: extra.pick(['Yelp', 'Google', 'Neighbor']) } : {},
    external_id: extra.chance(0.3) ? `CRM-${100_000 + j}` : null,
  };
}

/** A task's customer_* fields: its copy of the customer as booked. */
export function taskContact(c: CustomerState): { [key: string]: JsonValue } {
  const [city, state, zipcode, lat, lng] = c.city;
  return {
    customer_first_name: c.first,
    customer_last_name: c.last,
    customer_email: orNull(c.email),
    customer_mobile_number: orNull(c.mobile),
    customer_phone: orNull(c.phone),
    customer_address_line_1: c.line1,
    customer_address_line_2: orNull(c.line2),
    customer_city: city,
    customer_state: state,
    customer_country: 'USA',
    customer_zipcode: zipcode,
    customer_exact_location: { lat, lng },
  };
}

/** A contact typed into a task that has no customer record. */
export function walkUpContact(rng: Random): { [key: string]: JsonValue } {
  return {
    customer_first_name: rng.pick(FIRST),
    customer_last_name: rng.pick(LAST),
    customer_mobile_number: phone(rng),
  };
}

// ---------------------------------------------------------------- team members

export interface MemberState {
  first: string;
  last: string;
  email: string;
  role: string;
  group: number;
  skills: string[];
}

export function drawMember(rng: Random): MemberState {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  return {
    first,
    last,
    email: `${slug(first, last)}@crew.example.com`,
    role: rng.pick(ROLES),
    group: rng.int(0, CREW_GROUPS - 1),
    skills: SKILLS.filter(() => rng.chance(0.4)),
  };
}

/** Edit number e (0-based) of a team member: a new email, role or crew group. */
export function editMember(m: MemberState, edit: Random, e: number): void {
  switch (edit.pick(['email', 'role', 'group'])) {
    case 'email':
      m.email = `${slug(m.first, m.last)}.${e + 1}@crew.example.com`;
      break;
    case 'role':
      m.role = edit.pick(ROLES);
      break;
    default:
      m.group = (m.group + 1) % CREW_GROUPS;
  }
}

export function memberName(m: MemberState): string {
  return `${m.first} ${m.last}`;
}

/** GET /entities. */
export function memberRecord(
  m: MemberState,
  ids: { id: string; owner: string; group: string },
  index: number,
): JsonValue {
  return {
    id: new ExactNumber(ids.id),
    type: 'PERSON',
    owner: new ExactNumber(ids.owner),
    name: memberName(m),
    email: m.email,
    details: m.role,
    extra_fields: { employee_number: `E${1000 + index}`, skills: m.skills },
    group_id: new ExactNumber(ids.group),
    image_id: null,
    image_path: null,
  };
}

function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
