/**
 * Spans of time a Toast entity is read in: business days (cash), or modified-time windows of at most a
 * week (orders, time entries; Toast allows a month). Backfill spans are aligned to the calendar (UTC days,
 * weeks from Monday) so that a resumed or widened backfill finds the spans it already did by their id.
 */
export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: Monday-aligned weeks start 3 days later. */
const MONDAY_OFFSET_MS = 4 * DAY_MS;

export interface Span {
  id: string;
  /** ms, inclusive */
  start: number;
  /** ms, exclusive */
  end: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

export function daySpan(start: number): Span {
  const from = floorDay(start);
  return { id: day(from), start: from, end: from + DAY_MS };
}

/** The UTC days touching [from, to). */
export function daySpans(from: number, to: number): Span[] {
  const spans: Span[] = [];
  for (let at = floorDay(from); at < to; at += DAY_MS) spans.push(daySpan(at));
  return spans;
}

const timeSpan = (start: number, end: number): Span => ({ id: `${new Date(start).toISOString()}..${new Date(end).toISOString()}`, start, end });

/** Monday-to-Monday weeks (UTC) covering [from, to), the first and last cut to the range. */
export function weekSpans(from: number, to: number): Span[] {
  const spans: Span[] = [];
  for (let at = from; at < to; ) {
    const weekEnd = Math.floor((at - MONDAY_OFFSET_MS) / WEEK_MS) * WEEK_MS + MONDAY_OFFSET_MS + WEEK_MS;
    const end = Math.min(weekEnd, to);
    spans.push(timeSpan(at, end));
    at = end;
  }
  return spans;
}

/** [from, to) in consecutive spans of at most a week, from `from` (incremental runs). */
export function rangeSpans(from: number, to: number): Span[] {
  const spans: Span[] = [];
  for (let at = from; at < to; at += WEEK_MS) spans.push(timeSpan(at, Math.min(at + WEEK_MS, to)));
  return spans;
}
