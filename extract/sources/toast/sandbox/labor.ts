/**
 * Labor for one sandbox restaurant: jobs, employees and time entries.
 *
 * Jobs: a fixed list; wages rise on 2025-01-01, 2026-01-01 and once more on a seeded day (some after the
 * sandbox's start, so advancing shows them); "Expo" is deleted in June 2025, "Barback" created in April 2025.
 * Employees: a number of positions (slots), each held by a sequence of people: hired, some with a wage
 * override raised months later, and deleted when they leave, the next hired a few days after.
 * Time entries: per business date, each employee on staff works with a weekday-dependent chance; breaks
 * (unpaid meal breaks, some missed; paid rest breaks); some forgot to clock out (closed automatically at the
 * business day's cut-off); 6% are edited 1 to 4 days later (clock-out corrected), 2% deleted 1 to 4 days later.
 */
import { createRandom, type Random } from '../../../kit/sandbox/random.js';
import type { RestaurantPlan } from './configuration.js';
import { guid, money, ref, roundCents, stableGuid, type Json } from './format.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, START_MS, toastTime, weekday, ymdFromDay } from './time.js';

type Role = 'server' | 'bar' | 'host' | 'kitchen' | 'manager';

interface JobTemplate {
  title: string;
  code: string | null;
  salary?: boolean;
  /** Hourly wage in cents, or the yearly salary in cents. */
  cents: number;
  tipped?: boolean;
  role: Role;
  excludeFromReporting?: boolean;
  createdAt?: number;
  deletedAt?: number;
}

const JOBS: JobTemplate[] = [
  { title: 'General Manager', code: 'GM', salary: true, cents: 6_500_000, role: 'manager' },
  { title: 'Server', code: 'SRV', cents: 800, tipped: true, role: 'server' },
  { title: 'Bartender', code: 'BAR', cents: 900, tipped: true, role: 'bar' },
  { title: 'Host', code: 'HST', cents: 1600, role: 'host' },
  { title: 'Busser', code: 'BUS', cents: 950, tipped: true, role: 'server' },
  { title: 'Line Cook', code: 'LC', cents: 1900, role: 'kitchen' },
  { title: 'Prep Cook', code: 'PC', cents: 1750, role: 'kitchen' },
  { title: 'Dishwasher', code: 'DW', cents: 1600, role: 'kitchen' },
  { title: 'Expo', code: null, cents: 1650, role: 'kitchen', deletedAt: Date.UTC(2025, 5, 16, 15, 12) },
  { title: 'Barback', code: 'BB', cents: 1200, tipped: true, role: 'bar', createdAt: Date.UTC(2025, 3, 1, 16, 40) },
  { title: 'Training', code: null, cents: 1500, role: 'host', excludeFromReporting: true },
];

/** The jobs positions are filled with, cycled after the general manager (index into JOBS). */
const SLOT_JOBS = [1, 5, 1, 2, 7, 1, 3, 6, 4, 1, 5, 2];
/** A second job some employees also work. */
const SECOND_JOB: Record<Role, number[]> = { server: [3, 4], bar: [1], host: [1, 4], kitchen: [5, 6, 7], manager: [] };

const GIVEN = ['Alex', 'Brianna', 'Carlos', 'Dana', 'Eli', 'Fatima', 'Gabe', 'Hana', 'Isaac', 'Jada', 'Kevin', 'Luz', 'Marcus', 'Nadia', 'Oscar', 'Priya', 'Quinn', 'Rosa', 'Sean', 'Tanya', 'Uriel', 'Val', 'Wes', 'Yara', 'Zach'];
const FAMILY = ['Adams', 'Baker', 'Castillo', 'Dubois', 'Evans', 'Flores', 'Greene', 'Huang', 'Ibrahim', 'Jensen', 'Kim', 'Lopez', 'Moreno', 'Nakamura', 'Okafor', 'Patel', 'Reyes', 'Silva', 'Thompson', 'Vu', 'Walker', 'Young'];

interface JobPlan {
  guid: string;
  t: JobTemplate;
  createdAt: number;
  /** Wage changes, ascending: [at, cents]. */
  wages: [number, number][];
}

export interface EmployeePlan {
  guid: string;
  slot: number;
  firstName: string;
  lastName: string;
  chosenName: string | null;
  email: string | null;
  phone: string | null;
  externalId: string | null;
  jobs: JobPlan[];
  hiredAt: number;
  /** When the employee left (is deleted); Infinity while on staff. */
  leftAt: number;
  override?: { job: JobPlan; cents: number; raiseAt: number; raisedCents: number };
}

interface BreakPlan {
  guid: string;
  paid: boolean;
  in: number;
  out: number;
  missed: boolean;
}

export interface ShiftPlan {
  guid: string;
  day: number;
  employee: EmployeePlan;
  job: JobPlan;
  in: number;
  out: number;
  auto: boolean;
  breaks: BreakPlan[];
  /** First version's modifiedDate. */
  modifiedAt: number;
  late?: { at: number; kind: 'edit' | 'delete'; outDeltaMs: number };
  tips: { declaredCash: number; nonCash: number; nonCashSales: number; cashSales: number; withheld: number };
}

/** Share of staff working on each weekday (Monday first). */
const STAFFING = [0.6, 0.62, 0.68, 0.74, 0.86, 0.88, 0.7];

/** A restaurant's jobs and people, hired up to a horizon (the sandbox's now). */
export class LaborPlan {
  readonly jobs: JobPlan[];
  readonly employees: EmployeePlan[] = [];
  /** Employees by slot, in hiring order. */
  private readonly slots: EmployeePlan[][] = [];
  private readonly mealBreak: string;
  private readonly restBreak: string;

  constructor(
    private readonly seed: number,
    private readonly plan: RestaurantPlan,
    slotCount: number,
    horizon: number,
  ) {
    const r = plan.index;
    this.mealBreak = stableGuid(seed, r, 'break-type', 'meal');
    this.restBreak = stableGuid(seed, r, 'break-type', 'rest');
    this.jobs = JOBS.map((t, i) => {
      const rng = createRandom(seed, r, 'job', i);
      const createdAt = t.createdAt ?? plan.setupAt + i * MINUTE_MS;
      const raises = [Date.UTC(2025, 0, 1, 14), Date.UTC(2026, 0, 1, 14), rng.timestamp(Date.UTC(2025, 2, 1), START_MS + 60 * DAY_MS)].sort((a, b) => a - b);
      const wages: [number, number][] = [[createdAt, t.cents]];
      for (const at of raises) {
        if (at <= createdAt || (t.deletedAt !== undefined && at >= t.deletedAt)) continue;
        const last = wages[wages.length - 1]![1];
        wages.push([at, Math.round((last * (1 + rng.int(2, 6) / 100)) / (t.salary ? 10000 : 5)) * (t.salary ? 10000 : 5)]);
      }
      return { guid: stableGuid(seed, r, 'job', i), t, createdAt, wages };
    });
    for (let s = 0; s < slotCount; s++) {
      const rng = createRandom(seed, r, 'slot', s);
      const seq: EmployeePlan[] = [];
      // The first staff are entered when the restaurant is set up; later ones as they are hired.
      let hire = plan.setupAt;
      for (let j = 0; hire <= horizon; j++) {
        const tenure = (s === 0 ? rng.int(500, 1500) : rng.int(45, 900)) * DAY_MS;
        const employee = this.hire(s, j, hire, hire + tenure);
        seq.push(employee);
        this.employees.push(employee);
        hire = hire + tenure + rng.int(3, 20) * DAY_MS;
      }
      this.slots.push(seq);
    }
  }

  private hire(slot: number, j: number, day0: number, leave: number): EmployeePlan {
    const rng = createRandom(this.seed, this.plan.index, 'employee', slot, j);
    const hiredAt = Math.floor(day0 / DAY_MS) * DAY_MS + 15 * HOUR_MS + rng.int(0, 180) * MINUTE_MS;
    const primary = this.jobs[slot === 0 ? 0 : SLOT_JOBS[(slot - 1) % SLOT_JOBS.length]!]!;
    const jobs = [primary];
    const second = SECOND_JOB[primary.t.role];
    if (second.length && rng.chance(0.2)) {
      const other = this.jobs[rng.pick(second)]!;
      if (other !== primary) jobs.push(other);
    }
    const firstName = rng.pick(GIVEN);
    const lastName = rng.pick(FAMILY);
    const employee: EmployeePlan = {
      guid: stableGuid(this.seed, this.plan.index, 'employee', slot, j),
      slot,
      firstName,
      lastName,
      chosenName: rng.chance(0.1) ? firstName.slice(0, 3) : null,
      email: rng.chance(0.9) ? `${firstName}.${lastName}.${slot}${j}@example.com`.toLowerCase() : null,
      phone: rng.chance(0.8) ? `${this.plan.place.area}555${String(rng.int(100, 199)).padStart(4, '0')}` : null,
      externalId: rng.chance(0.5) ? `PAY-${rng.int(10000, 99999)}` : null,
      jobs,
      hiredAt,
      leftAt: Math.floor(leave / DAY_MS) * DAY_MS + 17 * HOUR_MS + rng.int(0, 120) * MINUTE_MS,
    };
    if (!primary.t.salary && rng.chance(0.3)) {
      const cents = this.jobWage(primary, hiredAt) + rng.int(2, 8) * 25;
      employee.override = { job: primary, cents, raiseAt: hiredAt + rng.int(120, 300) * DAY_MS + rng.int(0, 300) * MINUTE_MS, raisedCents: cents + rng.int(2, 4) * 25 };
    }
    return employee;
  }

  private jobWage(job: JobPlan, at: number): number {
    let cents = job.wages[0]![1];
    for (const [t, c] of job.wages) if (t <= at) cents = c;
    return cents;
  }

  /** Hourly wage of an employee in a job at a time; null for salaried jobs. */
  wage(e: EmployeePlan, job: JobPlan, at: number): number | null {
    if (job.t.salary) return null;
    if (e.override?.job === job) return at >= e.override.raiseAt ? e.override.raisedCents : e.override.cents;
    return this.jobWage(job, at);
  }

  jobRecords(now: number): Json[] {
    return this.jobs
      .filter((j) => j.createdAt <= now)
      .map((j) => {
        const deleted = j.t.deletedAt !== undefined && j.t.deletedAt <= now;
        const changes = j.wages.filter(([t]) => t <= now);
        const [lastChange, wage] = changes[changes.length - 1]!;
        return {
          guid: j.guid,
          entityType: 'RestaurantJob',
          createdDate: toastTime(j.createdAt),
          modifiedDate: toastTime(deleted ? j.t.deletedAt! : lastChange),
          deleted,
          title: j.t.title,
          code: j.t.code,
          wageFrequency: j.t.salary ? 'SALARY' : 'HOURLY',
          defaultWage: money(wage),
          tipped: !!j.t.tipped,
          excludeFromReporting: !!j.t.excludeFromReporting,
        };
      });
  }

  employeeRecords(now: number): Json[] {
    return this.employees
      .filter((e) => e.hiredAt <= now)
      .map((e) => {
        const deleted = e.leftAt <= now;
        const raised = e.override !== undefined && e.override.raiseAt <= now;
        const modifiedAt = deleted ? e.leftAt : raised ? e.override!.raiseAt : e.hiredAt;
        return {
          guid: e.guid,
          entityType: 'RestaurantUser',
          createdDate: toastTime(e.hiredAt),
          modifiedDate: toastTime(modifiedAt),
          deleted,
          deletedDate: deleted ? toastTime(e.leftAt) : null,
          firstName: e.firstName,
          lastName: e.lastName,
          chosenName: e.chosenName,
          email: e.email,
          phoneNumber: e.phone,
          externalEmployeeId: e.externalId,
          jobReferences: e.jobs.map((j) => ref(j.guid, 'RestaurantJob')),
          wageOverrides: e.override ? [{ jobReference: ref(e.override.job.guid, 'RestaurantJob'), wage: money(raised ? e.override.raisedCents : e.override.cents) }] : [],
        };
      });
  }

  /** The employees on staff for the whole business date (hired before it starts, not gone before it ends). */
  onStaff(day: number): EmployeePlan[] {
    const start = this.plan.days.start(day);
    const end = this.plan.days.start(day + 1);
    const out: EmployeePlan[] = [];
    for (const seq of this.slots) for (const e of seq) if (e.hiredAt < start && e.leftAt > end) out.push(e);
    return out;
  }

  /** The shifts of a business date, every version (render with timeEntryRecord as of a time). */
  shifts(day: number): ShiftPlan[] {
    const days = this.plan.days;
    const midnight = days.midnight(day);
    const cutoff = days.start(day + 1);
    const out: ShiftPlan[] = [];
    for (const e of this.onStaff(day)) {
      const rng = createRandom(this.seed, this.plan.index, 'shift', day, e.guid);
      const job = e.jobs.length > 1 && rng.chance(0.25) ? e.jobs[1]! : e.jobs[0]!;
      const role = job.t.role;
      if (!rng.chance(role === 'manager' ? 5 / 7 : STAFFING[weekday(day)]!)) continue;
      const startHour = rng.pick(START_HOURS[role]);
      const inAt = midnight + startHour * HOUR_MS + rng.int(-10, 10) * MINUTE_MS + rng.int(0, 59_999);
      const hours = role === 'manager' ? rng.int(9, 10) : startHour < 12 && rng.chance(0.05) ? rng.int(11, 12) : rng.int(5, 9);
      const auto = rng.chance(0.03);
      const planned = Math.min(inAt + hours * HOUR_MS + rng.int(-20, 25) * MINUTE_MS, cutoff - 15 * MINUTE_MS);
      const outAt = auto ? cutoff : planned;
      const breaks = this.breaks(rng, inAt, planned);
      const lateDraw = rng.next();
      const lateAt = midnight + rng.int(1, 4) * DAY_MS + rng.int(10, 20) * HOUR_MS + rng.int(0, 3_599_999);
      const tipped = !!job.t.tipped;
      const nonCashSales = tipped ? rng.int(300, 1800) * 100 : 0;
      const cashSales = tipped ? rng.int(30, 400) * 100 : 0;
      const nonCash = roundCents((nonCashSales * rng.int(15, 22)) / 100);
      out.push({
        guid: guid(rng),
        day,
        employee: e,
        job,
        in: inAt,
        out: outAt,
        auto,
        breaks,
        modifiedAt: auto ? cutoff : outAt + rng.int(1_000, 90_000),
        late: lateDraw < 0.06 ? { at: lateAt, kind: 'edit', outDeltaMs: rng.int(-45, 45) * MINUTE_MS || 15 * MINUTE_MS } : lateDraw < 0.08 ? { at: lateAt, kind: 'delete', outDeltaMs: 0 } : undefined,
        tips: {
          nonCashSales,
          cashSales,
          nonCash,
          declaredCash: roundCents((cashSales * rng.int(10, 20)) / 100),
          withheld: tipped && rng.chance(0.3) ? roundCents(nonCash * 0.03) : 0,
        },
      });
    }
    return out;
  }

  private breaks(rng: Random, inAt: number, outAt: number): BreakPlan[] {
    const breaks: BreakPlan[] = [];
    const length = outAt - inAt;
    if (length >= 6 * HOUR_MS) {
      const at = inAt + Math.floor(length / 2) + rng.int(-30, 30) * MINUTE_MS;
      breaks.push({ guid: guid(rng), paid: false, in: at, out: at + rng.int(25, 35) * MINUTE_MS, missed: rng.chance(0.08) });
    }
    if (length >= 4 * HOUR_MS && rng.chance(0.3)) {
      const at = inAt + Math.floor(length / 4) + rng.int(0, 20) * MINUTE_MS;
      breaks.push({ guid: guid(rng), paid: true, in: at, out: at + 10 * MINUTE_MS, missed: false });
    }
    return breaks;
  }

  /** A shift as of `now`: undefined before its first version exists. */
  timeEntryRecord(s: ShiftPlan, now: number): Json | undefined {
    if (s.modifiedAt > now) return undefined;
    const late = s.late && s.late.at <= now ? s.late : undefined;
    const outAt = late?.kind === 'edit' ? s.out + late.outDeltaMs : s.out;
    const deleted = late?.kind === 'delete';
    let paidMs = outAt - s.in;
    for (const b of s.breaks) if (!b.paid && !b.missed) paidMs -= b.out - b.in;
    const regularMs = Math.min(paidMs, 8 * HOUR_MS);
    const hours = (ms: number) => Math.round((ms / HOUR_MS) * 10000) / 10000;
    const wage = this.wage(s.employee, s.job, s.in);
    return {
      guid: s.guid,
      entityType: 'TimeEntry',
      createdDate: toastTime(s.in),
      modifiedDate: toastTime(late ? late.at : s.modifiedAt),
      deleted,
      deletedDate: deleted ? toastTime(late.at) : null,
      jobReference: ref(s.job.guid, 'RestaurantJob'),
      employeeReference: ref(s.employee.guid, 'RestaurantUser'),
      inDate: toastTime(s.in),
      outDate: toastTime(outAt),
      autoClockedOut: s.auto,
      businessDate: String(ymdFromDay(s.day)),
      regularHours: hours(regularMs),
      overtimeHours: hours(paidMs - regularMs),
      hourlyWage: wage === null ? null : money(wage),
      breaks: s.breaks.map((b) => ({ guid: b.guid, breakType: ref(b.paid ? this.restBreak : this.mealBreak), paid: b.paid, inDate: toastTime(b.in), outDate: b.missed ? null : toastTime(b.out), missed: b.missed })),
      declaredCashTips: money(s.tips.declaredCash),
      nonCashTips: money(s.tips.nonCash),
      nonCashSales: money(s.tips.nonCashSales),
      cashSales: money(s.tips.cashSales),
      tipsWithheld: money(s.tips.withheld),
    };
  }

  /** When a shift was last modified as of `now` (its first version must exist). */
  static modifiedAt(s: ShiftPlan, now: number): number {
    return s.late && s.late.at <= now ? s.late.at : s.modifiedAt;
  }

  /** Deleted as of `now`. */
  static deleted(s: ShiftPlan, now: number): boolean {
    return s.late?.kind === 'delete' && s.late.at <= now;
  }
}

/** Local clock-in hours by role. */
const START_HOURS: Record<Role, number[]> = {
  server: [10.5, 16.5, 16.5],
  bar: [15.5, 16, 11],
  host: [10.75, 16.75],
  kitchen: [9, 10, 15.5],
  manager: [9.5, 13],
};
