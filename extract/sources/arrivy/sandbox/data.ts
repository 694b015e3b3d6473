/**
 * Deterministic Arrivy data for the sandbox (facts in docs/sources/arrivy.md), computed from (seed, account,
 * kind, index) and the sandbox clock: nothing is stored but a short plan per advanced day, so 100,000 tasks
 * cost nothing until a page of them is served, and a page costs only its own records.
 *
 * Time: the clock starts at a fixed instant of March 2025 (from the seed) and moves one day per advance().
 * Everything that happens is planned in time from the start, and a record shows what happened up to "now":
 * - customers (roster.ts, people.ts): created over three years before the start, then about a year's share
 *   each day; edited now and then (contact, address, notes, name), a few deleted (they vanish from the list);
 * - team members (entities, the crew): on staff before the start and one hired every 14 days; edited, a few
 *   deleted;
 * - tasks: booked with a start on a working day (7:00 to 18:00 on the business's clock) over the history
 *   and the months ahead, more booked each day; a share unscheduled (no start; some get one later); some
 *   rescheduled (the start moves), some crews reassigned, some cancelled;
 * - each task's status history (statuses.ts), reported around its start, with RESCHEDULED and CANCELLED
 *   from the office; the task's `status` is its latest report, NOTSTARTED before any.
 * Every advanced day also edits one customer and one team member and deletes one customer (every 7th day
 * also a team member), so that one advance() always changes something.
 *
 * Choices where Arrivy is silent (the sandbox plays one): records carry no created/updated time; a deleted
 * record disappears; a task's customer_* fields are a copy of the customer as it was when the task was
 * booked; status history rows carry their task_id.
 */
import { createRandom, hashSeed, type Random } from '../../../kit/sandbox/random.js';
import { BusinessClock, DAY_MS, HOUR_MS, MINUTE_MS, utcText } from './clock.js';
import { arrivyId, indexOfId, MAX_INDEX, type IdKind, type IdSpace } from './ids.js';
import { ExactNumber, jsonText, type JsonValue } from './json-text.js';
import {
  CREW_GROUPS,
  customerRecord,
  drawCustomer,
  drawMember,
  editCustomer,
  editMember,
  memberName,
  memberRecord,
  taskContact,
  walkUpContact,
  type CustomerState,
  type MemberState,
} from './people.js';
import { Roster } from './roster.js';
import {
  crewReports,
  ORDINAL,
  REPORTS_PER_TASK,
  type Reporter,
  type StatusEvent,
  type StatusType,
} from './statuses.js';

/**
 * Awkward records on demand, each on one task near the start (so within the default window for weeks):
 * - task-without-customer: a task with no customer_id and no customer fields at all (the day after);
 * - status-for-unknown-task: a status row naming a task id that exists nowhere, in the history of a task
 *   two days before the start;
 * - unexpected-datetime: a task whose start_datetime is an HTTP date ("Wed, 05 Mar 2025 17:30:00 GMT")
 *   instead of Arrivy's layout (two days after; its *_original_iso_str stays right);
 * - id-string-and-number: a task whose id and customer_id are JSON strings, while every other record
 *   writes ids as numbers (three days after).
 */
export type BadInput =
  'task-without-customer' | 'status-for-unknown-task' | 'unexpected-datetime' | 'id-string-and-number';
export const BAD_INPUTS: readonly BadInput[] = [
  'task-without-customer',
  'status-for-unknown-task',
  'unexpected-datetime',
  'id-string-and-number',
];
const BAD_INPUT_DAY: Record<BadInput, number> = {
  'task-without-customer': 1,
  'status-for-unknown-task': -2,
  'unexpected-datetime': 2,
  'id-string-and-number': 3,
};

export interface ArrivyDataConfig {
  seed: number;
  /** Which account (source instance) this is: its ids, people and tasks are its own. 0 to 15. */
  account: number;
  /** The business's IANA time zone: its wall clock writes the *_original_iso_str copies. */
  timeZone: string;
  /** Customers created before the start; about customers / 365 more each day. */
  customers: number;
  /** Team members at the start; one more every 14 days. */
  teamMembers: number;
  /** Tasks booked before the start (a share unscheduled); about tasks / (history + ahead) more each day. */
  tasks: number;
  /** Scheduled tasks start over [start - historyDays, start + aheadDays]. */
  historyDays: number;
  aheadDays: number;
  unscheduledShare: number;
  /** Share of ids above 2^53. */
  bigIdShare: number;
  badInputs: readonly BadInput[];
}

export const DEFAULT_DATA: ArrivyDataConfig = {
  seed: 42,
  account: 0,
  timeZone: 'America/Los_Angeles',
  customers: 300,
  teamMembers: 20,
  tasks: 2_000,
  historyDays: 365,
  aheadDays: 180,
  unscheduledShare: 0.03,
  bigIdShare: 0.03,
  badInputs: [],
};

/** The sandbox clock before any advance: a weekday morning in March 2025 (Pacific standard time). */
export function arrivyEpoch(seed: number): number {
  return Date.UTC(2025, 2, 3, 15) + (hashSeed(seed, 'arrivy-epoch') % 5) * DAY_MS;
}

/** Where a task stands at the sandbox clock. */
export interface TaskState {
  index: number;
  created: number;
  /** Current start; undefined while unscheduled. */
  start: number | undefined;
  /** The start before a reschedule, when one has happened. */
  originalStart: number | undefined;
  durationMinutes: number;
  /** Team member indexes of the current crew. */
  crew: number[];
  customer: number | undefined;
  events: StatusEvent[];
  status: StatusType;
}

const YEAR_MS = 365 * DAY_MS;
const HIRE_EVERY_DAYS = 14;
const RESCHEDULE_MAX_DAYS = 10;
/** The report a status-for-unknown-task bad input adds: the last place in the task's status ids. */
const STRAY_ORDINAL = REPORTS_PER_TASK - 1;
const JOB_TYPES = ['Installation', 'Repair', 'Maintenance', 'Estimate', 'Delivery'];
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** How many of `count` records, the k-th in slot [start + k*width, start + (k+1)*width), have a time before t. */
function countInSlots(t: number, start: number, width: number, count: number, timeOf: (k: number) => number): number {
  if (t <= start || count <= 0) return 0;
  const k = Math.min(count, Math.floor((t - start) / width));
  return k < count && timeOf(k) < t ? k + 1 : k;
}

interface TaskPlan {
  created: number;
  /** When the task got its start: at booking, later, or never (Infinity). */
  scheduledAt: number;
  /** The start it got, before any reschedule. */
  planned: number | undefined;
  rescheduled?: { at: number; start: number };
  cancelledAt?: number;
}

/** One account's world at a number of advanced days. */
export class ArrivyWorld {
  readonly epoch: number;
  readonly now: number;
  readonly clock: BusinessClock;
  private readonly space: IdSpace;
  private readonly customers: Roster;
  private readonly members: Roster;
  private readonly customersPerDay: number;
  private readonly tasksPerDay: number;
  /** Base tasks: [0, scheduledBase) scheduled on the timeline, [scheduledBase, cfg.tasks) unscheduled. */
  private readonly scheduledBase: number;
  private readonly firstDay: number;
  private readonly spanDays: number;
  private readonly anchors = new Map<BadInput, number>();
  /** Task plans once computed (a page asks for a task's plan several times; a world never changes). */
  private readonly plans = new Map<number, TaskPlan>();

  constructor(
    readonly cfg: ArrivyDataConfig,
    readonly days: number,
  ) {
    this.epoch = arrivyEpoch(cfg.seed);
    this.now = this.epoch + days * DAY_MS;
    this.clock = new BusinessClock(cfg.timeZone);
    this.space = { seed: cfg.seed, account: cfg.account, bigIdShare: cfg.bigIdShare };
    this.customersPerDay = Math.max(1, Math.round(cfg.customers / 365));
    this.spanDays = Math.max(1, cfg.historyDays + cfg.aheadDays);
    this.tasksPerDay = Math.max(2, Math.round(cfg.tasks / this.spanDays));
    this.scheduledBase = cfg.tasks - Math.round(cfg.tasks * cfg.unscheduledShare);
    this.firstDay = this.clock.localDay(this.epoch) - cfg.historyDays;
    if (this.taskCount() * REPORTS_PER_TASK > MAX_INDEX) throw new RangeError('too many tasks for the status id space');

    this.customers = new Roster(
      {
        seed: [cfg.seed, cfg.account, 'customer'],
        created: (j) => this.customerCreated(j),
        countAt: (t) => this.customerCountAt(t),
        plannedDeletion: (j, rng) =>
          rng.chance(0.04) ? this.customerCreated(j) + 7 * DAY_MS + rng.next() * 3 * YEAR_MS : Infinity,
        editMeanMs: 240 * DAY_MS,
      },
      this.now,
    );
    this.members = new Roster(
      {
        seed: [cfg.seed, cfg.account, 'member'],
        created: (m) => this.memberHired(m),
        countAt: (t) => this.memberCountAt(t),
        plannedDeletion: (m, rng) =>
          rng.chance(0.03)
            ? Math.max(this.memberHired(m) + DAY_MS, this.epoch - 200 * DAY_MS + rng.next() * 600 * DAY_MS)
            : Infinity,
        editMeanMs: 180 * DAY_MS,
      },
      this.now,
    );
    for (let d = 1; d <= days; d++) {
      const dayStart = this.epoch + (d - 1) * DAY_MS;
      const rng = createRandom(cfg.seed, cfg.account, 'day', d);
      const force = (roster: Roster, change: 'edit' | 'delete') => {
        const n = roster.countAt(dayStart);
        if (n > 0) roster.force(change, rng.int(0, n - 1), dayStart + rng.int(0, DAY_MS - 1));
      };
      force(this.customers, 'edit');
      force(this.customers, 'delete');
      force(this.members, 'edit');
      if (d % 7 === 0) force(this.members, 'delete');
    }
    for (const bad of cfg.badInputs) {
      this.anchors.set(bad, this.taskStartingAfter(this.epoch + BAD_INPUT_DAY[bad] * DAY_MS));
    }
  }

  private rng(kind: string, index: number, ...more: (number | string)[]): Random {
    return createRandom(this.cfg.seed, this.cfg.account, kind, index, ...more);
  }

  id(kind: IdKind, index: number): string {
    return arrivyId(this.space, kind, index);
  }

  /** The index of a record of `kind` from its id's digits, if such a record was ever planned. */
  indexOf(kind: IdKind, digits: string): number | undefined {
    return indexOfId(this.space, kind, digits);
  }

  /** The task a bad input was put on (undefined when that switch is off). */
  badInputTask(bad: BadInput): number | undefined {
    return this.anchors.get(bad);
  }

  // ---------------------------------------------------------------- customers

  private customerCreated(j: number): number {
    const jitter = hashSeed(this.cfg.seed, this.cfg.account, 'customer-at', j) / 4294967296;
    if (j < this.cfg.customers) {
      return this.epoch - 3 * YEAR_MS + (j + jitter) * ((3 * YEAR_MS - HOUR_MS) / this.cfg.customers);
    }
    const k = j - this.cfg.customers;
    const day = Math.floor(k / this.customersPerDay);
    return this.epoch + day * DAY_MS + ((k % this.customersPerDay) + jitter) * (DAY_MS / this.customersPerDay);
  }

  /** Customers created before t (deleted ones included). */
  private customerCountAt(t: number): number {
    const base = this.cfg.customers;
    const created = (k: number) => this.customerCreated(k);
    if (t <= this.epoch)
      return countInSlots(t, this.epoch - 3 * YEAR_MS, (3 * YEAR_MS - HOUR_MS) / base, base, created);
    const days = Math.min(this.days, Math.ceil((t - this.epoch) / DAY_MS));
    const perDay = this.customersPerDay;
    return base + countInSlots(t, this.epoch, DAY_MS / perDay, days * perDay, (k) => created(base + k));
  }

  /** Customers listed now (created, not deleted), in creation order. */
  customerIndexes(): number[] {
    return this.customers.listed();
  }

  /** Customers ever created up to now, deleted ones included. */
  customerCount(): number {
    return this.customers.countAt(this.now + 1);
  }

  isCustomerDeleted(j: number): boolean {
    return this.customers.deletedAt(j) !== undefined;
  }

  private customerState(j: number, t: number): CustomerState {
    return this.customers.stateAt(j, t, (rng) => drawCustomer(rng, j), editCustomer);
  }

  customer(j: number): JsonValue {
    const ids = { id: this.id('customer', j), owner: this.id('owner', 0) };
    return customerRecord(this.customerState(j, this.now), this.rng('customer-extra', j), ids, j);
  }

  customerJson(j: number): string {
    return jsonText(this.customer(j));
  }

  // ---------------------------------------------------------------- team members (entities)

  private memberHired(m: number): number {
    if (m < this.cfg.teamMembers) return this.epoch - 800 * DAY_MS + m * DAY_MS;
    return this.epoch + ((m - this.cfg.teamMembers + 1) * HIRE_EVERY_DAYS - 1) * DAY_MS + 2 * HOUR_MS;
  }

  private memberCountAt(t: number): number {
    const since = Math.min(t - this.epoch, this.days * DAY_MS);
    const n = this.cfg.teamMembers + (since <= 0 ? 0 : Math.floor(since / (HIRE_EVERY_DAYS * DAY_MS)));
    return n > 0 && this.memberHired(n - 1) >= t ? n - 1 : n;
  }

  /** Team members listed now, in hiring order. */
  teamMemberIndexes(): number[] {
    return this.members.listed();
  }

  isTeamMemberDeleted(m: number): boolean {
    return this.members.deletedAt(m) !== undefined;
  }

  private memberState(m: number, t: number): MemberState {
    return this.members.stateAt(m, t, drawMember, editMember);
  }

  teamMember(m: number): JsonValue {
    const s = this.memberState(m, this.now);
    return memberRecord(
      s,
      { id: this.id('entity', m), owner: this.id('owner', 0), group: this.id('group', s.group) },
      m,
    );
  }

  teamMemberJson(m: number): string {
    return jsonText(this.teamMember(m));
  }

  /** Up to `size` distinct team members on staff at t. */
  private crewAt(rng: Random, t: number, size: number): number[] {
    const n = this.members.countAt(t);
    const crew: number[] = [];
    for (let tries = 0; crew.length < size && tries < size * 6 && n > 0; tries++) {
      const m = rng.int(0, n - 1);
      if (!crew.includes(m) && this.members.existedAt(m, t)) crew.push(m);
    }
    return crew;
  }

  // ---------------------------------------------------------------- tasks

  /** Tasks ever booked up to now (base and advanced days). */
  taskCount(): number {
    return this.cfg.tasks + this.days * this.tasksPerDay;
  }

  /** An instant on local day `day` during working hours (7:00 to 17:45, quarter hours). */
  private workingTime(day: number, quarter: number): number {
    return this.clock.instant(day, 7 * 60 + quarter * 15);
  }

  /** The plan of task i (memoised). */
  private plan(i: number): TaskPlan {
    let p = this.plans.get(i);
    if (!p) {
      p = this.planTask(i);
      this.plans.set(i, p);
    }
    return p;
  }

  /**
   * What happens to task i, planned once and for all (the clock only decides how much of it is visible):
   * when it was booked, when it got a start (at booking, later, or never), that start, a reschedule, a
   * cancellation. A task cancelled before it was scheduled stays unscheduled; a reschedule after the
   * cancellation does not happen.
   */
  private planTask(i: number): TaskPlan {
    const rng = this.rng('task-time', i);
    let created: number;
    let scheduledAt: number;
    let planned: number | undefined;
    if (i < this.scheduledBase) {
      const x = (i * this.spanDays) / this.scheduledBase;
      const day = Math.floor(x);
      planned = this.workingTime(this.firstDay + day, Math.floor((x - day) * 44));
      const lead = rng.int(1, 45) * DAY_MS + rng.int(0, 8) * HOUR_MS;
      created = Math.min(planned - lead, this.epoch - HOUR_MS - rng.int(0, 20 * 24) * HOUR_MS);
      scheduledAt = created;
    } else {
      created =
        i < this.cfg.tasks
          ? this.epoch - 90 * DAY_MS + rng.next() * (90 * DAY_MS - HOUR_MS)
          : this.epoch + Math.floor((i - this.cfg.tasks) / this.tasksPerDay) * DAY_MS + rng.int(0, DAY_MS - 1);
      if (i < this.cfg.tasks || rng.chance(this.cfg.unscheduledShare)) {
        // Unscheduled when booked; four in ten get a start later.
        scheduledAt = rng.chance(0.4) ? created + rng.next() * 120 * DAY_MS : Infinity;
        const day = this.clock.localDay(Number.isFinite(scheduledAt) ? scheduledAt : created) + rng.int(1, 14);
        planned = Number.isFinite(scheduledAt) ? this.workingTime(day, rng.int(0, 43)) : undefined;
      } else {
        scheduledAt = created;
        planned = this.workingTime(this.clock.localDay(created) + rng.int(1, 60), rng.int(0, 43));
      }
    }
    const moved = planned === undefined ? undefined : this.reschedule(i, scheduledAt, planned);
    const cancelledAt = this.cancellation(i, created, moved?.start ?? planned);
    if (cancelledAt !== undefined && cancelledAt < scheduledAt)
      return { created, scheduledAt: Infinity, planned: undefined, cancelledAt };
    const rescheduled = moved && (cancelledAt === undefined || moved.at < cancelledAt) ? moved : undefined;
    return { created, scheduledAt, planned, rescheduled, cancelledAt };
  }

  /** The reschedule of a task (when and where to), or none. */
  private reschedule(i: number, from: number, planned: number): { at: number; start: number } | undefined {
    const rng = this.rng('task-reschedule', i);
    if (!rng.chance(0.06)) return undefined;
    const shift = rng.pick([-1, 1]) * rng.int(1, RESCHEDULE_MAX_DAYS);
    const wall = planned + this.clock.offsetMinutes(planned) * MINUTE_MS;
    const start = this.clock.instant(this.clock.localDay(planned) + shift, Math.round((wall % DAY_MS) / MINUTE_MS));
    const latest = Math.min(planned, start) - 6 * HOUR_MS;
    return latest - from > HOUR_MS ? { at: from + rng.next() * (latest - from), start } : undefined;
  }

  private cancellation(i: number, created: number, finalStart: number | undefined): number | undefined {
    const rng = this.rng('task-cancel', i);
    if (!rng.chance(finalStart === undefined ? 0.15 : 0.05)) return undefined;
    const until = finalStart === undefined ? created + 60 * DAY_MS : finalStart + 30 * MINUTE_MS;
    return created + rng.next() * (until - created);
  }

  /** The start a plan shows now: undefined while unscheduled. */
  private startAt(p: TaskPlan): number | undefined {
    if (p.scheduledAt > this.now) return undefined;
    return p.rescheduled && p.rescheduled.at <= this.now ? p.rescheduled.start : p.planned;
  }

  /** The task at the sandbox clock; undefined when not booked yet. */
  task(i: number): TaskState | undefined {
    if (i < 0 || i >= this.taskCount()) return undefined;
    const p = this.plan(i);
    if (p.created > this.now) return undefined;
    // One stream per part, so that how many draws one part takes never shifts another.
    const rng = this.rng('task-crew', i);
    const finalStart = p.rescheduled?.start ?? p.planned;
    const durationMinutes = rng.int(2, 8) * 30;

    const firstCrew = this.crewAt(
      rng,
      p.created,
      rng.pickWeighted([
        [1, 50],
        [2, 35],
        [3, 15],
      ]),
    );
    const reassigned =
      rng.chance(0.1) && finalStart !== undefined
        ? p.created + rng.next() * (finalStart - 2 * HOUR_MS - p.created)
        : undefined;
    // Drawn only once visible: who is on staff at a later time is not known before then.
    const secondCrew =
      reassigned !== undefined && reassigned > p.created && reassigned <= this.now
        ? this.crewAt(this.rng('task-crew-change', i), reassigned, firstCrew.length)
        : firstCrew;
    const crewAt = (t: number) => (reassigned !== undefined && reassigned <= t ? secondCrew : firstCrew);

    let customer: number | undefined;
    const pick = this.rng('task-customer', i);
    if (!pick.chance(0.04) && this.anchors.get('task-without-customer') !== i) {
      const n = this.customers.countAt(p.created);
      for (let tries = 0; tries < 5 && n > 0 && customer === undefined; tries++) {
        const c = pick.int(0, n - 1);
        if (this.customers.existedAt(c, p.created)) customer = c;
      }
    }

    const reporter = (t: number): Reporter => crewAt(t)[0] ?? 'office';
    const events =
      finalStart === undefined
        ? []
        : crewReports(this.rng('task-status', i), p.scheduledAt, finalStart, durationMinutes, reporter);
    if (p.rescheduled) {
      const notes = 'Moved at customer request';
      events.push({
        ordinal: ORDINAL.RESCHEDULED,
        type: 'RESCHEDULED',
        time: p.rescheduled.at,
        reporter: 'office',
        notes,
      });
    }
    if (p.cancelledAt !== undefined) {
      const notes = this.rng('task-cancel-note', i).pick(['Customer cancelled', 'Weather', 'Duplicate booking']);
      events.push({ ordinal: ORDINAL.CANCELLED, type: 'CANCELLED', time: p.cancelledAt, reporter: 'office', notes });
    }
    const visible = events
      .filter((e) => e.time <= this.now && (p.cancelledAt === undefined || e.time <= p.cancelledAt))
      .sort((a, b) => a.time - b.time || a.ordinal - b.ordinal);
    const start = this.startAt(p);
    return {
      index: i,
      created: p.created,
      start,
      originalStart: start !== undefined && start !== p.planned ? p.planned : undefined,
      durationMinutes,
      crew: crewAt(this.now),
      customer,
      events: visible,
      status: visible.at(-1)?.type ?? 'NOTSTARTED',
    };
  }

  /** Current start of task i when it is booked and scheduled by now, else undefined. */
  private startNow(i: number): number | undefined {
    const p = this.plan(i);
    return p.created > this.now ? undefined : this.startAt(p);
  }

  /** Tasks with a current start in [from, to), ascending by start (then index): what GET /tasks pages through. */
  scheduledTaskIndexes(from: number, to: number): number[] {
    const margin = RESCHEDULE_MAX_DAYS + 1;
    const dayFrom = this.clock.localDay(from) - this.firstDay - margin;
    const dayTo = this.clock.localDay(to) - this.firstDay + margin + 1;
    const n = this.scheduledBase;
    const lo = Math.max(0, Math.floor((dayFrom * n) / this.spanDays));
    const hi = Math.min(n, Math.ceil((dayTo * n) / this.spanDays) + 1);
    const found: { i: number; start: number }[] = [];
    const consider = (i: number) => {
      const start = this.startNow(i);
      if (start !== undefined && start >= from && start < to) found.push({ i, start });
    };
    for (let i = lo; i < hi; i++) consider(i);
    for (let i = n; i < this.taskCount(); i++) consider(i);
    return found.sort((a, b) => a.start - b.start || a.i - b.i).map((f) => f.i);
  }

  /** Tasks booked and still without a start: what GET /tasks?unscheduled=true lists. */
  unscheduledTaskIndexes(): number[] {
    const out: number[] = [];
    for (let i = this.scheduledBase; i < this.taskCount(); i++) {
      const p = this.plan(i);
      if (p.created <= this.now && p.scheduledAt > this.now) out.push(i);
    }
    return out;
  }

  /** The first base task planned to start at or after t (bad inputs sit on such tasks). */
  private taskStartingAfter(t: number): number {
    const n = this.scheduledBase;
    let i = Math.max(0, Math.floor(((this.clock.localDay(t) - this.firstDay - 1) * n) / this.spanDays));
    while (i < n - 1 && (this.plan(i).planned ?? Infinity) < t) i++;
    return i;
  }

  /** The task as GET /tasks returns it, or undefined when not booked yet. */
  taskRecord(i: number): JsonValue | undefined {
    const t = this.task(i);
    if (!t) return undefined;
    const rng = this.rng('task-fields', i);
    const asString = this.anchors.get('id-string-and-number') === i;
    const idOf = (kind: IdKind, index: number) =>
      asString ? this.id(kind, index) : new ExactNumber(this.id(kind, index));
    const end = t.start === undefined ? undefined : t.start + t.durationMinutes * MINUTE_MS;
    const jobType = rng.pick(JOB_TYPES);
    const windowed = rng.chance(0.4);
    const c = t.customer === undefined ? undefined : this.customerState(t.customer, t.created);
    const inline = t.customer === undefined && this.anchors.get('task-without-customer') !== i && rng.chance(0.7);
    const record: { [key: string]: JsonValue | undefined } = {
      id: idOf('task', i),
      url_safe_id: rng.id(32, URL_SAFE),
      title: `${jobType} - ${c?.last ?? (inline ? 'Walk-up' : 'No customer')}`,
      details: rng.chance(0.5) ? rng.pick(['Bring ladder', 'Second visit', 'Warranty work', 'Quote requested']) : null,
      status: t.status,
      start_datetime: t.start === undefined ? null : utcText(t.start),
      start_datetime_original_iso_str: t.start === undefined ? null : this.clock.originalIso(t.start),
      end_datetime: end === undefined ? null : utcText(end),
      end_datetime_original_iso_str: end === undefined ? null : this.clock.originalIso(end),
      duration: t.durationMinutes,
      unscheduled: t.start === undefined,
      enable_time_window_display: windowed,
      time_window_start: windowed ? rng.pick([60, 120]) : undefined,
      entity_ids: t.crew.map((m) => new ExactNumber(this.id('entity', m))),
      resource_ids: [],
      customer_id: t.customer === undefined ? undefined : idOf('customer', t.customer),
      ...(c ? taskContact(c) : inline ? walkUpContact(rng) : {}),
      extra_fields: { job_type: jobType },
      notifications: { sms: rng.chance(0.8), email: rng.chance(0.6) },
      source: rng.pick(['web', 'web', 'api', 'booking_page']),
      external_id: rng.chance(0.5) ? `JOB-${200_000 + i}` : null,
      group_id: new ExactNumber(this.id('group', rng.int(0, CREW_GROUPS - 1))),
      additional_addresses: [],
    };
    if (this.anchors.get('unexpected-datetime') === i && t.start !== undefined)
      record.start_datetime = new Date(t.start).toUTCString();
    return record;
  }

  taskJson(i: number): string | undefined {
    const record = this.taskRecord(i);
    return record === undefined ? undefined : jsonText(record);
  }

  /** A task's status history as GET /tasks/{id}/status returns it, oldest first. */
  statusRecords(i: number): JsonValue[] {
    const t = this.task(i);
    if (!t) return [];
    const rows = t.events.map((e) => this.statusRecord(t, e, this.id('task', i)));
    if (this.anchors.get('status-for-unknown-task') === i && t.events.length > 0) {
      const stray: StatusEvent = {
        ordinal: STRAY_ORDINAL,
        type: 'COMPLETE',
        time: t.events.at(-1)!.time + MINUTE_MS,
        reporter: 'office',
      };
      rows.push(this.statusRecord(t, stray, this.id('task', MAX_INDEX - 1)));
    }
    return rows;
  }

  private statusRecord(t: TaskState, e: StatusEvent, taskId: string): JsonValue {
    const reporter =
      typeof e.reporter === 'number'
        ? {
            reporter_id: new ExactNumber(this.id('entity', e.reporter)),
            reporter_name: memberName(this.memberState(e.reporter, e.time)),
            source: 'mobile_app',
          }
        : e.reporter === 'customer'
          ? { reporter_id: null, reporter_name: 'Customer', source: 'web' }
          : { reporter_id: new ExactNumber(this.id('owner', 0)), reporter_name: 'Office', source: 'web' };
    return {
      id: new ExactNumber(this.id('status', t.index * REPORTS_PER_TASK + e.ordinal)),
      task_id: new ExactNumber(taskId),
      type: e.type,
      time: utcText(e.time),
      time_original_iso_str: this.clock.originalIso(e.time),
      ...reporter,
      extra_fields: { notes: e.notes ?? null, visible_to_customer: e.type !== 'EXCEPTION' },
    };
  }

  statusJson(i: number): string[] {
    return this.statusRecords(i).map(jsonText);
  }
}
