/**
 * Time windows: how every source cuts a range of time into landing units. A window is half-open
 * [start, end) in epoch ms with an id. Fixed-size windows follow a cursor (incremental runs); calendar
 * windows (UTC days, Monday weeks, months) are what backfills use, so a backfill resumed on another day,
 * or a wider one, finds the windows it already did by their ids.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: Monday-aligned weeks start 4 days later. */
const MONDAY_OFFSET_MS = 4 * DAY_MS;

export interface Window {
  id: string;
  /** ms, inclusive */
  start: number;
  /** ms, exclusive */
  end: number;
}

export type CalendarUnit = 'day' | 'week' | 'month';

export const isoTime = (ms: number): string => new Date(ms).toISOString();
export const isoDay = (ms: number): string => isoTime(ms).slice(0, 10);
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** A window's id: days as dates when it starts and ends on midnights, else full timestamps. */
export function describeWindow(w: { start: number; end: number }): string {
  const at = (ms: number) => (ms % DAY_MS === 0 ? isoDay(ms) : isoTime(ms).replace('.000Z', 'Z'));
  return `${at(w.start)}..${at(w.end)}`;
}

export function window(start: number, end: number): Window {
  return { id: describeWindow({ start, end }), start, end };
}

/** [from, to) in consecutive windows of at most `size(start)` ms, from `from`. */
export function fixedWindows(from: number, to: number, size: number | ((start: number) => number)): Window[] {
  const sizeAt = typeof size === 'number' ? () => size : size;
  const out: Window[] = [];
  for (let start = from; start < to; ) {
    const end = Math.min(to, start + Math.max(1, sizeAt(start)));
    out.push(window(start, end));
    start = end;
  }
  return out;
}

/** The start of the calendar unit (UTC) holding `ms`. */
export function calendarStart(ms: number, unit: CalendarUnit): number {
  if (unit === 'day') return floorDay(ms);
  if (unit === 'week') return Math.floor((ms - MONDAY_OFFSET_MS) / WEEK_MS) * WEEK_MS + MONDAY_OFFSET_MS;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function calendarNext(start: number, unit: CalendarUnit): number {
  if (unit === 'day') return start + DAY_MS;
  if (unit === 'week') return start + WEEK_MS;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * Calendar units covering [from, to). `clip` cuts the first and last to the range (a week from a
 * Wednesday); without it whole units are returned (days touching the range).
 */
export function calendarWindows(from: number, to: number, unit: CalendarUnit, clip = true): Window[] {
  const out: Window[] = [];
  for (let start = calendarStart(from, unit); start < to; start = calendarNext(start, unit)) {
    const end = calendarNext(start, unit);
    out.push(clip ? window(Math.max(start, from), Math.min(end, to)) : window(start, end));
  }
  return out;
}

export function monthsBefore(ms: number, months: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}
