/**
 * Cash management for one sandbox restaurant and business date: per drawer an opening bank (CASH_IN),
 * no-sale openings, pay-outs, a mid-shift skim (CASH_OUT), tip-outs, the cash collected at close and a
 * close-out (exact, over or short); on about 1 day in 10 a mistaken pay-out, skim or tip-out is undone by a
 * later entry (`undoes`). Deposits: one a day of the cash collected; on about 1 day in 16 a mistyped deposit
 * is undone and entered again. Only entries dated at or before the sandbox's now are returned.
 */
import { createRandom, type Random } from '../../../kit/sandbox/random.js';
import type { RestaurantPlan } from './configuration.js';
import { guid, money, ref, stableGuid, type Json } from './format.js';
import type { EmployeePlan } from './labor.js';
import { HOUR_MS, MINUTE_MS, toastTime } from './time.js';

const PAYOUT_REASONS = ['Ice delivery', 'Cleaning supplies', 'Produce run'];
const NO_SALE_REASONS = ['Make change', 'Count drawer', 'Reprint receipt'];

interface Entry {
  guid: string;
  at: number;
  type: string;
  cents: number;
  reason: string | null;
  drawer: string;
  payoutReason: string | null;
  noSaleReason: string | null;
  employee1: string | null;
  employee2: string | null;
  undoes: string | null;
}

interface Deposit {
  guid: string;
  at: number;
  cents: number;
  employee: string | null;
  undoes: string | null;
}

/** The cash entries and deposits of a business date, as of `now`. */
export function cashDay(
  seed: number,
  plan: RestaurantPlan,
  day: number,
  staff: EmployeePlan[],
  now: number,
): { entries: Json[]; deposits: Json[] } {
  const r = plan.index;
  const rng = createRandom(seed, r, 'cash', day);
  const midnight = plan.days.midnight(day);
  const at = (fromHour: number, toHour: number) =>
    midnight + rng.int(fromHour * 60, toHour * 60) * MINUTE_MS + rng.int(0, 59_999);
  const manager = (staff.find((e) => e.jobs[0]!.t.role === 'manager') ?? staff[0])?.guid ?? null;
  const tipped = staff.filter((e) => e.jobs.some((j) => j.t.tipped));
  const someone = (list: EmployeePlan[]) => (list.length ? rng.pick(list).guid : null);
  const entries: Entry[] = [];
  const entry = (
    e: Omit<Entry, 'guid' | 'reason' | 'payoutReason' | 'noSaleReason' | 'employee2' | 'undoes'> & Partial<Entry>,
  ): Entry => {
    const full: Entry = {
      guid: guid(rng),
      reason: null,
      payoutReason: null,
      noSaleReason: null,
      employee2: null,
      undoes: null,
      ...e,
    };
    entries.push(full);
    return full;
  };
  let collected = 0;
  for (let d = 0; d < 2; d++) {
    const drawer = stableGuid(seed, r, 'cash-drawer', d);
    entry({
      at: midnight + 10.5 * HOUR_MS + d * 5 * MINUTE_MS,
      type: 'CASH_IN',
      cents: 20000,
      drawer,
      employee1: manager,
      reason: 'Opening bank',
    });
    for (let n = rng.int(0, 3); n > 0; n--) {
      const k = rng.int(0, NO_SALE_REASONS.length - 1);
      entry({
        at: at(11, 23),
        type: 'NO_SALE',
        cents: 0,
        drawer,
        employee1: someone(staff),
        noSaleReason: stableGuid(seed, r, 'no-sale-reason', k),
        reason: NO_SALE_REASONS[k]!,
      });
    }
    for (let n = rng.int(0, 2); n > 0; n--) {
      const k = rng.int(0, PAYOUT_REASONS.length - 1);
      entry({
        at: at(11, 20),
        type: 'PAY_OUT',
        cents: rng.int(10, 80) * 100 + rng.pick([0, 50, 99]),
        drawer,
        employee1: manager,
        payoutReason: stableGuid(seed, r, 'payout-reason', k),
        reason: PAYOUT_REASONS[k]!,
      });
    }
    if (rng.chance(0.3))
      entry({
        at: at(19, 20),
        type: 'CASH_OUT',
        cents: rng.int(10, 30) * 1000,
        drawer,
        employee1: manager,
        reason: 'Skim',
      });
    for (let n = rng.int(1, 4); n > 0; n--)
      entry({
        at: at(22, 24),
        type: 'TIP_OUT',
        cents: rng.int(20, 150) * 100,
        drawer,
        employee1: manager,
        employee2: someone(tipped),
      });
    const cents = rng.int(300, 1500) * 100 + rng.int(0, 99);
    collected += cents;
    entry({ at: at(24, 24.5), type: 'CASH_COLLECTED', cents, drawer, employee1: manager, employee2: someone(tipped) });
    const close = rng.pickWeighted([
      ['CLOSE_OUT_EXACT', 6],
      ['CLOSE_OUT_OVERAGE', 2],
      ['CLOSE_OUT_SHORTAGE', 2],
    ] as const);
    entry({
      at: at(24.5, 25),
      type: close,
      cents: close === 'CLOSE_OUT_EXACT' ? 0 : rng.int(25, 800),
      drawer,
      employee1: manager,
    });
  }
  if (rng.chance(0.1)) undoOne(rng, entries);

  const deposits: Deposit[] = [];
  const depositAt = midnight + 25.25 * HOUR_MS;
  if (rng.chance(1 / 16)) {
    const wrong = { guid: guid(rng), at: depositAt, cents: collected * 10, employee: manager, undoes: null };
    deposits.push(
      wrong,
      { guid: guid(rng), at: depositAt + 3 * MINUTE_MS, cents: wrong.cents, employee: manager, undoes: wrong.guid },
      { guid: guid(rng), at: depositAt + 5 * MINUTE_MS, cents: collected, employee: manager, undoes: null },
    );
  } else {
    deposits.push({ guid: guid(rng), at: depositAt, cents: collected, employee: manager, undoes: null });
  }

  return {
    entries: entries
      .filter((e) => e.at <= now)
      .sort((a, b) => a.at - b.at)
      .map((e) => ({
        guid: e.guid,
        entityType: 'CashEntry',
        amount: money(e.cents),
        reason: e.reason,
        date: toastTime(e.at),
        type: e.type,
        cashDrawer: ref(e.drawer),
        payoutReason: e.payoutReason ? ref(e.payoutReason) : null,
        noSaleReason: e.noSaleReason ? ref(e.noSaleReason) : null,
        employee1: e.employee1 ? ref(e.employee1) : null,
        employee2: e.employee2 ? ref(e.employee2) : null,
        undoes: e.undoes,
      })),
    deposits: deposits
      .filter((d) => d.at <= now)
      .map((d) => ({
        guid: d.guid,
        entityType: 'Deposit',
        amount: money(d.cents),
        date: toastTime(d.at),
        employee: d.employee ? ref(d.employee) : null,
        undoes: d.undoes,
      })),
  };
}

/** A mistaken entry undone a few minutes later by one of the same type and amount. */
function undoOne(rng: Random, entries: Entry[]): void {
  const undoable = entries.filter((e) => e.type === 'PAY_OUT' || e.type === 'CASH_OUT' || e.type === 'TIP_OUT');
  if (!undoable.length) return;
  const wrong = rng.pick(undoable);
  entries.push({
    ...wrong,
    guid: guid(rng),
    at: wrong.at + rng.int(2, 30) * MINUTE_MS,
    reason: 'Entered by mistake',
    undoes: wrong.guid,
  });
}
