/**
 * Restaurants and their configuration (revenue centers, dining options, menus, groups, items, sales
 * categories, discounts, service charges, tax rates) as of any moment.
 *
 * The configuration is the base set up in October 2024 plus one batch of changes a week (Mondays, 15:00 to
 * 19:00 UTC): every week a new special (the one from four weeks earlier retired) and one or two repriced
 * items; odd weeks an item renamed; every 4th week a discount switched off or back on; every 6th a revenue
 * center or dining option renamed; every 8th the delivery fee raised; every 10th a sales category or menu
 * group renamed; every 12th a menu's description; every 13th the sales tax. Restaurant 1 is renamed once,
 * in the first week after the sandbox's start. Each changed object gets the change time as modifiedDate.
 * A state is a function of (seed, restaurant, number of weeks applied): the world caches a few.
 */
import { createRandom, hashSeed } from '../../../kit/sandbox/random.js';
import {
  ALCOHOL_CATEGORIES,
  DINING_OPTIONS,
  DISCOUNTS,
  MENUS,
  MODIFIER_TREES,
  PLACES,
  RENAME_WORDS,
  RESTAURANT_NAMES,
  REVENUE_CENTERS,
  SALES_CATEGORIES,
  SERVICE_CHARGES,
  SPECIALS,
  SPECIALS_GROUP,
  TOGGLED_DISCOUNTS,
  type GroupTemplate,
  type OptionGroupTemplate,
  type PlaceTemplate,
} from './catalog.js';
import { money, ref, stableGuid, type Json } from './format.js';
import { BusinessDays, DAY_MS, HOUR_MS, MINUTE_MS, START_MS, WEEK_MS, toastTime } from './time.js';

/** Monday 2024-11-04 15:00 UTC: weekly change k happens at WEEK0 + k weeks + up to 4 hours. */
const WEEK0 = Date.UTC(2024, 10, 4, 15);
/** Specials stay on the menu this many weeks. */
const SPECIAL_WEEKS = 4;

export interface ModifierOption {
  guid: string;
  name: string;
  cents: number;
  groups: ModifierGroup[];
}

export interface ModifierGroup {
  guid: string;
  name: string;
  required: boolean;
  options: ModifierOption[];
}

export interface RestaurantPlan {
  index: number;
  guid: string;
  name: string;
  locationName: string;
  locationCode: string;
  place: PlaceTemplate;
  address1: string;
  phone: string;
  closeoutHour: number;
  managementGroupGuid: string;
  /** When the restaurant was set up: base configuration objects are stamped from here. */
  setupAt: number;
  /** The weekly change that renames the restaurant (restaurant 1 only). */
  renameWeek?: number;
  days: BusinessDays;
  /** Modifier trees with this restaurant's guids, by tree name. */
  modifiers: Record<string, ModifierGroup[]>;
}

export function restaurantPlans(seed: number, count: number): RestaurantPlan[] {
  const managementGroupGuid = stableGuid(seed, 'management-group');
  return Array.from({ length: count }, (_, r) => {
    const rng = createRandom(seed, 'restaurant', r);
    const place = PLACES[r % PLACES.length]!;
    const closeoutHour = rng.pick([3, 4, 4, 5]);
    const base = RESTAURANT_NAMES[r % RESTAURANT_NAMES.length]!;
    const modifiers: Record<string, ModifierGroup[]> = {};
    const resolve = (groups: OptionGroupTemplate[]): ModifierGroup[] =>
      groups.map((g) => ({
        guid: stableGuid(seed, r, 'option-group', g.name),
        name: g.name,
        required: g.required,
        options: g.options.map((o) => ({
          guid: stableGuid(seed, r, 'option', g.name, o.name),
          name: o.name,
          cents: o.cents,
          groups: resolve(o.groups ?? []),
        })),
      }));
    for (const [name, groups] of Object.entries(MODIFIER_TREES)) modifiers[name] = resolve(groups);
    return {
      index: r,
      guid: stableGuid(seed, 'restaurant', r),
      name: r < RESTAURANT_NAMES.length ? base : `${base} ${Math.floor(r / RESTAURANT_NAMES.length) + 1}`,
      locationName: rng.pick(['Downtown', 'Waterfront', 'Midtown', 'Old Town', 'Uptown']),
      locationCode: `L${String(r + 1).padStart(3, '0')}`,
      place,
      address1: `${rng.int(10, 2999)} ${rng.pick(['Main St', 'Market St', 'Ocean Ave', 'Elm St', 'Broadway'])}`,
      phone: `${place.area}555${String(rng.int(100, 199)).padStart(4, '0')}`,
      closeoutHour,
      managementGroupGuid,
      setupAt: Date.UTC(2024, 9, 1, 14) + r * DAY_MS,
      renameWeek: r === 0 ? changesAt(seed, r, START_MS) + 1 : undefined,
      days: new BusinessDays(place.timeZone, closeoutHour),
      modifiers,
    };
  });
}

/** When weekly change k (1, 2, ...) of a restaurant happens. */
function changeTime(seed: number, r: number, k: number): number {
  return WEEK0 + k * WEEK_MS + (hashSeed(seed, r, 'config-week', k) % (4 * HOUR_MS));
}

/** How many weekly changes happened at or before t. */
export function changesAt(seed: number, r: number, t: number): number {
  let k = Math.max(0, Math.floor((t - WEEK0) / WEEK_MS));
  while (k > 0 && changeTime(seed, r, k) > t) k--;
  return k;
}

// ---------------------------------------------------------------- state

interface Stamped {
  guid: string;
  modifiedAt: number;
}

export interface NamedState extends Stamped {
  name: string;
}

export interface ItemState extends NamedState {
  baseName: string;
  cents: number;
  category: number;
  group: string;
  plu: string | null;
  sku: string | null;
  visibility: 'ALL' | 'POS_ONLY' | 'NONE';
  orderableOnline: boolean;
  weight: number;
  tree?: string;
}

export interface GroupState extends NamedState {
  visibility: 'ALL' | 'POS_ONLY';
  parent: string | null;
  items: string[];
  groups: string[];
}

export interface MenuState extends NamedState {
  description: string | null;
  groups: string[];
}

export interface DiningOptionState extends NamedState {
  behavior: 'DINE_IN' | 'TAKE_OUT' | 'DELIVERY' | 'CURBSIDE';
}

export interface DiscountState extends NamedState {
  active: boolean;
  type: 'PERCENT' | 'FIXED' | 'OPEN_PERCENT' | 'OPEN_FIXED';
  cents: number | null;
  percentage: number | null;
  selectionType: 'CHECK' | 'ITEM';
}

export interface ServiceChargeState extends NamedState {
  amountType: 'FIXED' | 'PERCENT';
  cents: number | null;
  percent: number | null;
  gratuity: boolean;
}

export interface TaxRateState extends NamedState {
  rate: number;
  isDefault: boolean;
}

export interface ConfigState {
  /** Weekly changes applied. */
  weeks: number;
  restaurant: NamedState;
  revenueCenters: NamedState[];
  diningOptions: DiningOptionState[];
  salesCategories: NamedState[];
  taxRates: TaxRateState[];
  serviceCharges: ServiceChargeState[];
  discounts: DiscountState[];
  menus: MenuState[];
  groups: GroupState[];
  items: ItemState[];
}

/** The configuration after `weeks` weekly changes. */
export function configState(seed: number, plan: RestaurantPlan, weeks: number): ConfigState {
  const state = baseConfig(seed, plan);
  for (let k = 1; k <= weeks; k++) applyWeek(seed, plan, state, k, changeTime(seed, plan.index, k));
  state.weeks = weeks;
  return state;
}

function baseConfig(seed: number, plan: RestaurantPlan): ConfigState {
  const r = plan.index;
  const rng = createRandom(seed, r, 'config-base');
  let minute = 0;
  const stamp = () => plan.setupAt + minute++ * MINUTE_MS;
  const named = (kind: string, i: number, name: string): NamedState => ({
    guid: stableGuid(seed, r, kind, i),
    name,
    modifiedAt: stamp(),
  });
  const salesCategories = SALES_CATEGORIES.map((name, i) => named('sales-category', i, name));
  const menus: MenuState[] = [];
  const groups: GroupState[] = [];
  const items: ItemState[] = [];
  const addGroup = (g: GroupTemplate, parent: string | null): string => {
    const group: GroupState = {
      ...named('menu-group', groups.length, g.name),
      visibility: g.name === 'Kids Menu' ? 'POS_ONLY' : 'ALL',
      parent,
      items: [],
      groups: [],
    };
    groups.push(group);
    for (const t of g.items) {
      const item: ItemState = {
        ...named('menu-item', items.length, t.name),
        baseName: t.name,
        cents: Math.round((t.cents * (0.9 + rng.next() * 0.25)) / 25) * 25,
        category: g.category,
        group: group.guid,
        plu: rng.chance(0.5) ? String(rng.int(1000, 9999)) : null,
        sku: g.category === 5 ? `SKU-${rng.int(10000, 99999)}` : null,
        visibility: group.visibility,
        orderableOnline: !ALCOHOL_CATEGORIES.has(g.category),
        weight: t.weight ?? 2,
        tree: t.tree,
      };
      items.push(item);
      group.items.push(item.guid);
    }
    for (const child of g.groups ?? []) group.groups.push(addGroup(child, group.guid));
    return group.guid;
  };
  MENUS.forEach((m, i) => {
    const menu: MenuState = { ...named('menu', i, m.name), description: m.description, groups: [] };
    menus.push(menu);
    for (const g of m.groups) menu.groups.push(addGroup(g, null));
  });
  return {
    weeks: 0,
    restaurant: { guid: plan.guid, name: plan.name, modifiedAt: stamp() },
    revenueCenters: REVENUE_CENTERS.map(([name], i) => named('revenue-center', i, name)),
    diningOptions: DINING_OPTIONS.map(([name, behavior], i) => ({ ...named('dining-option', i, name), behavior })),
    salesCategories,
    taxRates: [
      { ...named('tax-rate', 0, 'Sales Tax'), rate: plan.place.salesTax, isDefault: true },
      { ...named('tax-rate', 1, 'Liquor Tax'), rate: 2, isDefault: false },
    ],
    serviceCharges: SERVICE_CHARGES.map((s, i) => ({
      ...named('service-charge', i, s.name),
      amountType: s.amountType,
      cents: s.cents,
      percent: s.percent,
      gratuity: s.gratuity,
    })),
    discounts: DISCOUNTS.map((d, i) => ({
      ...named('discount', i, d.name),
      active: true,
      type: d.type,
      cents: d.cents,
      percentage: d.percentage,
      selectionType: d.selectionType,
    })),
    menus,
    groups,
    items,
  };
}

/** Applies weekly change k (at time `at`) to a state in place. */
function applyWeek(seed: number, plan: RestaurantPlan, s: ConfigState, k: number, at: number): void {
  const r = plan.index;
  const rng = createRandom(seed, r, 'config-week', k, 'changes');
  const touch = <T extends Stamped>(o: T): T => {
    o.modifiedAt = at;
    return o;
  };
  // Only Starters is ever renamed, so the specials group keeps its name.
  const specials = s.groups.find((g) => g.name === SPECIALS_GROUP)!;
  const food = s.menus[0]!;

  const season = Math.floor((k - 1) / SPECIALS.length);
  const special: ItemState = {
    guid: stableGuid(seed, r, 'special', k),
    name: `${SPECIALS[(k - 1) % SPECIALS.length]!}${season ? ` ${season + 1}` : ''}`,
    baseName: SPECIALS[(k - 1) % SPECIALS.length]!,
    modifiedAt: at,
    cents: rng.int(16, 34) * 100 + 95,
    category: 0,
    group: specials.guid,
    plu: null,
    sku: null,
    visibility: 'ALL',
    orderableOnline: true,
    weight: 2,
    tree: rng.chance(0.5) ? 'entree' : undefined,
  };
  s.items.push(special);
  touch(specials).items.push(special.guid);
  touch(food);
  const retired = s.items.find((i) => i.guid === stableGuid(seed, r, 'special', k - SPECIAL_WEEKS));
  if (retired) Object.assign(touch(retired), { visibility: 'NONE', orderableOnline: false });

  const regular = s.items.filter((i) => i.group !== specials.guid);
  for (let n = rng.int(1, 2); n > 0; n--) {
    const item = touch(rng.pick(regular));
    item.cents = Math.round((item.cents * (1 + rng.int(3, 8) / 100)) / 25) * 25;
  }
  if (k % 2 === 1) {
    const item = touch(rng.pick(regular));
    item.name = `${rng.pick(RENAME_WORDS)} ${item.baseName}`;
  }
  if (k % 4 === 1) {
    const discount = touch(s.discounts[(k >> 2) % TOGGLED_DISCOUNTS]!);
    discount.active = !discount.active;
  }
  if (k % 6 === 3) {
    const flip = <T extends NamedState>(
      list: T[],
      names: readonly (readonly [string, ...unknown[]])[],
      renamed: (i: number) => string,
    ) => {
      const i = rng.int(0, list.length - 1);
      const o = touch(list[i]!);
      o.name = o.name === names[i]![0] ? renamed(i) : names[i]![0];
    };
    if (k % 12 === 3) flip(s.revenueCenters, REVENUE_CENTERS, (i) => REVENUE_CENTERS[i]![1]);
    else flip(s.diningOptions, DINING_OPTIONS, (i) => DINING_OPTIONS[i]![2]);
  }
  if (k % 8 === 5) {
    const fee = touch(s.serviceCharges[1]!);
    fee.cents = (fee.cents ?? 0) + 25;
  }
  if (k % 10 === 9) {
    if (k % 20 === 9) {
      const liquor = touch(s.salesCategories[4]!);
      liquor.name = liquor.name === 'Liquor' ? 'Spirits' : 'Liquor';
    } else {
      const starters = touch(s.groups[0]!);
      starters.name = starters.name === 'Starters' ? 'Small Plates' : 'Starters';
    }
  }
  if (k % 12 === 11)
    touch(food).description = `Lunch and dinner (${rng.pick(['spring', 'summer', 'autumn', 'winter'])} edition)`;
  if (k % 13 === 7) {
    const tax = touch(s.taxRates[0]!);
    tax.rate = Math.round((tax.rate + 0.125) * 1000) / 1000;
  }
  if (k === plan.renameWeek) touch(s.restaurant).name = `${plan.name} ${plan.place.city}`;
}

// ---------------------------------------------------------------- records

export type ConfigKind =
  | 'revenueCenters'
  | 'diningOptions'
  | 'menuItems'
  | 'menuGroups'
  | 'salesCategories'
  | 'discounts'
  | 'serviceCharges'
  | 'taxRates';

const modified = (o: Stamped) => toastTime(o.modifiedAt);
const nullableRef = (g: string | null) => (g ? ref(g) : null);

/** The records of a config/v2 endpoint, with the time each was last modified (for lastModified). */
export const CONFIG_RECORDS: Record<ConfigKind, (s: ConfigState) => { at: number; record: Json }[]> = {
  revenueCenters: (s) =>
    s.revenueCenters.map((o) => ({
      at: o.modifiedAt,
      record: { guid: o.guid, entityType: 'RevenueCenter', name: o.name, description: null, modifiedDate: modified(o) },
    })),
  diningOptions: (s) =>
    s.diningOptions.map((o) => ({
      at: o.modifiedAt,
      record: {
        guid: o.guid,
        entityType: 'DiningOption',
        name: o.name,
        behavior: o.behavior,
        curbside: o.behavior === 'CURBSIDE',
        modifiedDate: modified(o),
      },
    })),
  menuItems: (s) =>
    s.items.map((o) => ({
      at: o.modifiedAt,
      record: {
        guid: o.guid,
        entityType: 'MenuItem',
        name: o.name,
        plu: o.plu,
        sku: o.sku,
        visibility: o.visibility,
        orderableOnline: o.orderableOnline,
        price: money(o.cents),
        salesCategory: ref(s.salesCategories[o.category]!.guid),
        menuGroup: ref(o.group),
        modifiedDate: modified(o),
      },
    })),
  menuGroups: (s) =>
    s.groups.map((o) => ({
      at: o.modifiedAt,
      record: {
        guid: o.guid,
        entityType: 'MenuGroup',
        name: o.name,
        visibility: o.visibility,
        parent: nullableRef(o.parent),
        items: o.items.map((g) => ref(g)),
        modifiedDate: modified(o),
      },
    })),
  salesCategories: (s) =>
    s.salesCategories.map((o) => ({
      at: o.modifiedAt,
      record: { guid: o.guid, entityType: 'SalesCategory', name: o.name, modifiedDate: modified(o) },
    })),
  discounts: (s) =>
    s.discounts.map((o) => ({
      at: o.modifiedAt,
      record: {
        guid: o.guid,
        entityType: 'Discount',
        name: o.name,
        active: o.active,
        type: o.type,
        amount: o.cents === null ? null : money(o.cents),
        percentage: o.percentage,
        selectionType: o.selectionType,
        modifiedDate: modified(o),
      },
    })),
  serviceCharges: (s) =>
    s.serviceCharges.map((o) => ({
      at: o.modifiedAt,
      record: {
        guid: o.guid,
        entityType: 'ServiceCharge',
        name: o.name,
        amountType: o.amountType,
        amount: o.cents === null ? null : money(o.cents),
        percent: o.percent,
        gratuity: o.gratuity,
        taxable: false,
        modifiedDate: modified(o),
      },
    })),
  taxRates: (s) =>
    s.taxRates.map((o) => ({
      at: o.modifiedAt,
      record: {
        guid: o.guid,
        entityType: 'TaxRate',
        name: o.name,
        rate: o.rate,
        type: 'PERCENT',
        isDefault: o.isDefault,
        modifiedDate: modified(o),
      },
    })),
};

export function restaurantRecord(plan: RestaurantPlan, s: ConfigState): Json {
  const p = plan.place;
  return {
    guid: plan.guid,
    general: {
      name: s.restaurant.name,
      locationName: plan.locationName,
      locationCode: plan.locationCode,
      description: `A neighbourhood restaurant in ${p.city} (sandbox demo data).`,
      timeZone: p.timeZone,
      closeoutHour: plan.closeoutHour,
      managementGroupGuid: plan.managementGroupGuid,
      currencyCode: 'USD',
    },
    location: {
      address1: plan.address1,
      address2: null,
      city: p.city,
      stateCode: p.stateCode,
      zipCode: p.zipCode,
      country: 'US',
      phone: plan.phone,
      latitude: p.latitude,
      longitude: p.longitude,
    },
    modifiedDate: modified(s.restaurant),
  };
}

/** GET /menus/v2/menus: menus with their groups nested and the groups' items. */
export function menusRecord(plan: RestaurantPlan, s: ConfigState): Json {
  const groups = new Map(s.groups.map((g) => [g.guid, g]));
  const items = new Map(s.items.map((i) => [i.guid, i]));
  const group = (guidValue: string): Json => {
    const g = groups.get(guidValue)!;
    return {
      guid: g.guid,
      name: g.name,
      menuItems: g.items
        .map((i) => items.get(i)!)
        .filter((i) => i.visibility !== 'NONE')
        .map((i) => ({
          guid: i.guid,
          name: i.name,
          price: money(i.cents),
          salesCategory: ref(s.salesCategories[i.category]!.guid),
        })),
      menuGroups: g.groups.map(group),
    };
  };
  let last = s.restaurant.modifiedAt;
  for (const list of [s.menus, s.groups, s.items, s.salesCategories])
    for (const o of list) last = Math.max(last, o.modifiedAt);
  return {
    restaurantGuid: plan.guid,
    lastUpdated: toastTime(last),
    restaurantTimeZone: plan.place.timeZone,
    menus: s.menus.map((m) => ({
      guid: m.guid,
      name: m.name,
      description: m.description,
      modifiedDate: modified(m),
      menuGroups: m.groups.map(group),
    })),
    modifierGroupReferences: {},
    modifierOptionReferences: {},
  };
}
