/**
 * The Arrivy sandbox's data generator: deterministic, ids exact above 2^53, Arrivy's two datetime layouts,
 * status histories that only grow, one advanced day changing a realistic slice, range queries that agree
 * with a brute-force scan, and the bad-input switches.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../extract/sources/arrivy/sandbox/clock.js';
import {
  ArrivyWorld,
  BAD_INPUTS,
  DEFAULT_DATA,
  type ArrivyDataConfig,
} from '../../extract/sources/arrivy/sandbox/data.js';
import { ExactNumber, jsonText } from '../../extract/sources/arrivy/sandbox/json-text.js';

const SMALL: ArrivyDataConfig = { ...DEFAULT_DATA, customers: 200, teamMembers: 12, tasks: 1_500 };
const TWO_TO_53 = 2n ** 53n;
const UTC_LAYOUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const ORIGINAL_LAYOUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

function world(days = 0, cfg: Partial<ArrivyDataConfig> = {}): ArrivyWorld {
  return new ArrivyWorld({ ...SMALL, ...cfg }, days);
}

/** Every task booked by now, scheduled or not. */
function allTasks(w: ArrivyWorld): number[] {
  const out: number[] = [];
  for (let i = 0; i < w.taskCount(); i++) if (w.task(i)) out.push(i);
  return out;
}

/** The digits of every `"<field>":<number>` in a JSON text, as written. */
function numbersOf(text: string, field: string): string[] {
  return [...text.matchAll(new RegExp(`"${field}":(\\d+)`, 'g'))].map((m) => m[1]!);
}

/** An instant from a `*_original_iso_str` (Date.parse reads the offset). */
const instantOf = (original: string) => Date.parse(original);

describe('Arrivy sandbox data', () => {
  it('is the same for the same seed and day, and different for another seed', () => {
    const a = world(3);
    const b = world(3);
    const tasks = allTasks(a).slice(0, 300);
    expect(tasks.map((i) => a.taskJson(i))).toEqual(tasks.map((i) => b.taskJson(i)));
    expect(tasks.map((i) => a.statusJson(i))).toEqual(tasks.map((i) => b.statusJson(i)));
    expect(a.customerIndexes().map((j) => a.customerJson(j))).toEqual(
      b.customerIndexes().map((j) => b.customerJson(j)),
    );
    expect(a.teamMemberIndexes().map((m) => a.teamMemberJson(m))).toEqual(
      b.teamMemberIndexes().map((m) => b.teamMemberJson(m)),
    );
    const other = world(3, { seed: 7 });
    expect(other.customerJson(0)).not.toEqual(a.customerJson(0));
  });

  it('writes ids as bare JSON numbers with every digit, some above 2^53', () => {
    const w = world(0, { bigIdShare: 0.2 });
    const text = w
      .customerIndexes()
      .map((j) => w.customerJson(j))
      .join('\n');
    const ids = numbersOf(text, 'id');
    expect(ids).toEqual(w.customerIndexes().map((j) => w.id('customer', j)));
    const big = ids.filter((id) => BigInt(id) > TWO_TO_53);
    expect(big.length).toBeGreaterThan(10);
    for (const id of big) {
      expect(id).toMatch(/^\d{16}$/);
      // A double cannot hold them: what JSON.parse gives back is another number.
      expect(String(JSON.parse(id))).not.toBe(id);
    }
    // Owners and groups are always big, as in Arrivy's own documentation example.
    for (const owner of numbersOf(text, 'owner')) expect(BigInt(owner)).toBeGreaterThan(TWO_TO_53);
    const task = w.taskJson(allTasks(w)[0]!)!;
    expect(BigInt(numbersOf(task, 'group_id')[0]!)).toBeGreaterThan(TWO_TO_53);
  });

  it('finds every record again from its id, and no record from an id of another kind or account', () => {
    const w = world(0, { bigIdShare: 0.5 });
    for (const i of [0, 1, 2, 500, 1_499]) expect(w.indexOf('task', w.id('task', i))).toBe(i);
    for (const j of [0, 7, 199]) expect(w.indexOf('customer', w.id('customer', j))).toBe(j);
    expect(w.indexOf('task', w.id('customer', 7))).toBeUndefined();
    expect(w.indexOf('task', world(0, { account: 1, bigIdShare: 0.5 }).id('task', 7))).toBeUndefined();
    expect(w.indexOf('task', '12')).toBeUndefined();
  });

  it('writes exact numbers and leaves out undefined members', () => {
    expect(jsonText({ id: new ExactNumber('9007199254740993'), a: undefined, b: [1, 'x', null, true] })).toBe(
      '{"id":9007199254740993,"b":[1,"x",null,true]}',
    );
    expect(() => new ExactNumber('12.5')).toThrow();
  });

  it('writes datetimes in UTC without a zone designator, and the same instant on the business clock', () => {
    const w = world(0);
    const offsets = new Set<string>();
    for (const i of allTasks(w).slice(0, 1_500)) {
      const t = JSON.parse(w.taskJson(i)!) as Record<string, string | null>;
      if (t.start_datetime === null) {
        expect(t.start_datetime_original_iso_str).toBeNull();
        continue;
      }
      expect(t.start_datetime).toMatch(UTC_LAYOUT);
      expect(t.end_datetime).toMatch(UTC_LAYOUT);
      expect(t.start_datetime_original_iso_str).toMatch(ORIGINAL_LAYOUT);
      expect(instantOf(t.start_datetime_original_iso_str!)).toBe(Date.parse(`${t.start_datetime!}Z`));
      expect(instantOf(t.end_datetime_original_iso_str!)).toBe(Date.parse(`${t.end_datetime!}Z`));
      offsets.add(t.start_datetime_original_iso_str!.slice(19));
      // Working hours on the business's own clock.
      const hour = Number(t.start_datetime_original_iso_str!.slice(11, 13));
      expect(hour).toBeGreaterThanOrEqual(7);
      expect(hour).toBeLessThan(18);
    }
    // Pacific time: standard and daylight offsets both occur over the year.
    expect([...offsets].sort()).toEqual(['-07:00', '-08:00']);
  });

  it('lists tasks by current start exactly as a scan of every task finds them', () => {
    const w = world(5);
    const from = w.now - 20 * DAY_MS;
    const to = w.now + 40 * DAY_MS;
    const expected = allTasks(w)
      .map((i) => ({ i, start: w.task(i)!.start }))
      .filter((t): t is { i: number; start: number } => t.start !== undefined && t.start >= from && t.start < to)
      .sort((a, b) => a.start - b.start || a.i - b.i)
      .map((t) => t.i);
    expect(expected.length).toBeGreaterThan(100);
    expect(w.scheduledTaskIndexes(from, to)).toEqual(expected);
    const unscheduled = allTasks(w).filter((i) => w.task(i)!.start === undefined);
    expect(w.unscheduledTaskIndexes()).toEqual(unscheduled);
    for (const i of unscheduled)
      expect(JSON.parse(w.taskJson(i)!)).toMatchObject({ unscheduled: true, start_datetime: null });
  });

  it('moves statuses through NOTSTARTED, ENROUTE, STARTED, COMPLETE in order, and nothing after CANCELLED', () => {
    const w = world(0);
    const seen = new Set<string>();
    for (const i of allTasks(w)) {
      const t = w.task(i)!;
      const types = t.events.map((e) => e.type);
      types.forEach((type) => seen.add(type));
      expect(t.status).toBe(types.at(-1) ?? 'NOTSTARTED');
      expect(t.events.map((e) => e.time)).toEqual(t.events.map((e) => e.time).sort((a, b) => a - b));
      for (const e of t.events) expect(e.time).toBeLessThanOrEqual(w.now);
      const at = (type: string) => t.events.find((e) => e.type === type)?.time;
      if (at('ENROUTE') !== undefined && at('STARTED') !== undefined)
        expect(at('ENROUTE')!).toBeLessThan(at('STARTED')!);
      if (at('COMPLETE') !== undefined) expect(at('STARTED')!).toBeLessThan(at('COMPLETE')!);
      if (types.includes('CANCELLED')) expect(types.at(-1)).toBe('CANCELLED');
      if (t.start === undefined) expect(types.filter((type) => type !== 'CANCELLED')).toEqual([]);
      if (types.includes('RESCHEDULED')) expect(t.originalStart).not.toBe(t.start);
    }
    expect([...seen].sort()).toEqual([
      'CANCELLED',
      'COMPLETE',
      'CONFIRMED',
      'ENROUTE',
      'EXCEPTION',
      'RESCHEDULED',
      'STARTED',
    ]);
  });

  it('renders each status row with its task, type, both times and a reporter', () => {
    const w = world(0);
    const i = allTasks(w).find((k) => w.task(k)!.events.some((e) => e.type === 'ENROUTE'))!;
    const rows = w.statusJson(i).map((text) => JSON.parse(text) as Record<string, unknown>);
    const texts = w.statusJson(i);
    expect(rows.length).toBe(w.task(i)!.events.length);
    rows.forEach((row, k) => {
      expect(numbersOf(texts[k]!, 'task_id')).toEqual([w.id('task', i)]);
      expect(row.time).toMatch(UTC_LAYOUT);
      expect(instantOf(row.time_original_iso_str as string)).toBe(Date.parse(`${row.time as string}Z`));
      expect(row).toHaveProperty('reporter_name');
      expect(['mobile_app', 'web']).toContain(row.source);
    });
    expect(new Set(texts.map((text) => numbersOf(text, 'id')[0])).size).toBe(rows.length);
  });

  it('keeps history: what was visible on one day is still there, unchanged, the next', () => {
    const before = world(4);
    const after = world(5);
    for (const i of allTasks(before)) {
      const a = before.task(i)!;
      const b = after.task(i)!;
      expect(b.created).toBe(a.created);
      expect(b.customer).toBe(a.customer);
      const later = new Map(b.events.map((e) => [e.ordinal, e]));
      for (const e of a.events) expect(later.get(e.ordinal)).toEqual(e);
    }
  });

  it('changes a realistic slice when advanced by one day', () => {
    const before = world(6);
    const after = world(7);
    const customersBefore = new Map(before.customerIndexes().map((j) => [j, before.customerJson(j)]));
    const customersAfter = new Map(after.customerIndexes().map((j) => [j, after.customerJson(j)]));
    const edited = [...customersAfter].filter(([j, text]) => customersBefore.has(j) && customersBefore.get(j) !== text);
    const created = [...customersAfter.keys()].filter((j) => !customersBefore.has(j));
    const deleted = [...customersBefore.keys()].filter((j) => !customersAfter.has(j));
    expect(edited.length).toBeGreaterThan(0);
    expect(created.length).toBeGreaterThan(0);
    expect(deleted.length).toBeGreaterThan(0);
    for (const j of deleted) expect(after.isCustomerDeleted(j)).toBe(true);

    // Day 7 also deletes a team member (every 7th day) and edits one.
    const membersBefore = new Map(before.teamMemberIndexes().map((m) => [m, before.teamMemberJson(m)]));
    const membersAfter = new Map(after.teamMemberIndexes().map((m) => [m, after.teamMemberJson(m)]));
    expect([...membersBefore.keys()].filter((m) => !membersAfter.has(m)).length).toBeGreaterThan(0);
    expect(
      [...membersAfter].filter(([m, text]) => membersBefore.has(m) && membersBefore.get(m) !== text).length,
    ).toBeGreaterThan(0);

    // Tasks: new bookings; statuses moved on for the day's work; most of the window untouched.
    const tasksBefore = allTasks(before);
    const tasksAfter = allTasks(after);
    expect(tasksAfter.length).toBeGreaterThan(tasksBefore.length);
    let changed = 0;
    let progressed = 0;
    for (const i of tasksBefore) {
      if (before.taskJson(i) !== after.taskJson(i)) changed++;
      if (after.task(i)!.events.length > before.task(i)!.events.length) progressed++;
    }
    expect(progressed).toBeGreaterThan(0);
    expect(changed).toBeGreaterThanOrEqual(progressed / 2);
    expect(changed).toBeLessThan(tasksBefore.length / 10);
  });

  it('reschedules, reassigns crews and books tasks without a start over the days', () => {
    const days = 30;
    const w = world(days);
    const first = world(0);
    const rescheduled = allTasks(w).filter((i) => {
      const t = w.task(i)!;
      return t.originalStart !== undefined && t.events.some((e) => e.type === 'RESCHEDULED' && e.time > first.now);
    });
    expect(rescheduled.length).toBeGreaterThan(0);
    for (const i of rescheduled) {
      const was = first.task(i);
      if (was) expect(was.start).toBe(w.task(i)!.originalStart);
    }
    const reassigned = allTasks(first).filter((i) => first.task(i)!.crew.join() !== w.task(i)!.crew.join());
    expect(reassigned.length).toBeGreaterThan(0);
    expect(w.unscheduledTaskIndexes().length).toBeGreaterThan(0);
    const gotStart = first.unscheduledTaskIndexes().filter((i) => w.task(i)!.start !== undefined);
    expect(gotStart.length).toBeGreaterThan(0);
  });

  it('books crews of one to three team members, some tasks without a customer', () => {
    const w = world(0);
    const tasks = allTasks(w).map((i) => w.task(i)!);
    expect(new Set(tasks.map((t) => t.crew.length))).toEqual(new Set([1, 2, 3]));
    expect(tasks.some((t) => t.customer === undefined)).toBe(true);
    expect(tasks.filter((t) => t.customer !== undefined).length).toBeGreaterThan(tasks.length * 0.9);
  });

  it('serves the benchmark scale by index, without building the whole account', () => {
    const w = new ArrivyWorld({ ...DEFAULT_DATA, customers: 10_000, teamMembers: 200, tasks: 100_000 }, 0);
    expect(w.taskCount()).toBe(100_000);
    expect(w.customerCount()).toBe(10_000);
    const window = w.scheduledTaskIndexes(w.now - 30 * DAY_MS, w.now + 180 * DAY_MS);
    expect(window.length).toBeGreaterThan(30_000);
    const last = window.at(-1)!;
    expect(JSON.parse(w.taskJson(last)!).start_datetime).toMatch(UTC_LAYOUT);
  });

  describe('bad inputs', () => {
    const w = world(0, { badInputs: BAD_INPUTS });
    const plain = world(0);

    it('are off unless asked for', () => {
      for (const bad of BAD_INPUTS) expect(plain.badInputTask(bad)).toBeUndefined();
      const i = w.badInputTask('unexpected-datetime')!;
      expect(JSON.parse(plain.taskJson(i)!).start_datetime).toMatch(UTC_LAYOUT);
    });

    it('puts each on its own task near the start', () => {
      const tasks = BAD_INPUTS.map((bad) => w.badInputTask(bad)!);
      expect(new Set(tasks).size).toBe(BAD_INPUTS.length);
      for (const i of tasks) expect(Math.abs(w.task(i)!.start! - w.now)).toBeLessThan(5 * DAY_MS);
    });

    it('a task without a customer', () => {
      const task = JSON.parse(w.taskJson(w.badInputTask('task-without-customer')!)!) as Record<string, unknown>;
      expect(Object.keys(task).filter((k) => k.startsWith('customer'))).toEqual([]);
    });

    it('a status row for a task that does not exist', () => {
      const i = w.badInputTask('status-for-unknown-task')!;
      const texts = w.statusJson(i);
      const taskIds = texts.map((text) => numbersOf(text, 'task_id')[0]!);
      const stray = taskIds.filter((id) => id !== w.id('task', i));
      expect(stray).toHaveLength(1);
      // An id of the task kind, of no task ever booked.
      expect(w.task(w.indexOf('task', stray[0]!)!)).toBeUndefined();
      expect(plain.statusJson(i)).toHaveLength(texts.length - 1);
    });

    it('a datetime in an unexpected layout, its original copy still right', () => {
      const task = JSON.parse(w.taskJson(w.badInputTask('unexpected-datetime')!)!) as Record<string, string>;
      expect(task.start_datetime).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      expect(task.start_datetime_original_iso_str).toMatch(ORIGINAL_LAYOUT);
    });

    it('an id as a string in one record and a number in another', () => {
      const i = w.badInputTask('id-string-and-number')!;
      const task = JSON.parse(w.taskJson(i)!) as Record<string, unknown>;
      expect(task.id).toBe(w.id('task', i));
      expect(typeof task.customer_id).toBe('string');
      const customer = w.task(i)!.customer!;
      expect(numbersOf(w.customerJson(customer), 'id')).toEqual([task.customer_id]);
      expect(numbersOf(w.statusJson(i).join(), 'task_id')[0]).toBe(task.id);
    });
  });
});
