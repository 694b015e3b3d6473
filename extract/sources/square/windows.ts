/**
 * Time windows and their state. Each stream (the merchant, or one location) first imports its history in
 * windows on a created-at (or start-at) field, then follows changes in windows on the updated-at field from
 * a saved cursor, with a small overlap. Every window is one landing unit, committed with the state that
 * says it is done, so a killed import resumes at the window where it stopped.
 */
import type { Logger } from '../../kit/log.js';
import type { RawRecord } from '../../kit/records/json-records.js';
import { SquareCursorError, type Page } from './api.js';

export const DAY_MS = 86_400_000;
/** Changes are asked for from a little before the saved cursor: Square's search results are eventually consistent. */
export const OVERLAP_MS = 5 * 60_000;

export interface StreamState {
  /** Start of the next history window not landed yet; absent once the stream's history is done. */
  historyNext?: string;
  /** End of the stream's history (fixed when the stream was first seen). */
  historyEnd?: string;
  /** Everything updated before this (minus the overlap) has landed; changes windows start here. */
  cursor: string;
}

export interface WindowedState {
  /** Start of the history (ELT_SQUARE_HISTORY_MONTHS before the first run), kept for later runs. */
  horizon: string;
  streams: Record<string, StreamState>;
}

export interface Window {
  phase: 'history' | 'changes';
  start: number;
  end: number;
  /** The stream's cursor once this window has landed; undefined leaves it as it was. */
  cursorAfter?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function monthsBefore(ms: number, months: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/** Splits [from, to) into windows of at most `size(start)` ms. */
export function split(from: number, to: number, size: (start: number) => number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let start = from; start < to; ) {
    const end = Math.min(to, start + size(start));
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** Default changes pass: updated-at windows from the cursor (minus the overlap) to now, each moving the cursor. */
export function updatedWindows(cursor: number, now: number, windowMs: number): Window[] {
  return split(Math.min(cursor - OVERLAP_MS, now - OVERLAP_MS), now, () => windowMs).map((w) => ({ phase: 'changes' as const, ...w, cursorAfter: w.end }));
}

export interface StreamPlanSpec {
  historyStart: number;
  historyEnd: number;
  historySize: (start: number) => number;
  changes: (cursor: number, now: number) => Window[];
}

/** A new stream's state: its history to import, and the cursor its changes start from. */
export function newStream(spec: StreamPlanSpec, now: number): StreamState {
  return spec.historyStart < spec.historyEnd
    ? { historyNext: iso(spec.historyStart), historyEnd: iso(spec.historyEnd), cursor: iso(now) }
    : { cursor: iso(now) };
}

export function planStream(state: StreamState, now: number, spec: StreamPlanSpec): Window[] {
  const windows: Window[] = [];
  const history = Boolean(state.historyNext && state.historyEnd);
  if (history) {
    for (const w of split(Date.parse(state.historyNext!), Date.parse(state.historyEnd!), spec.historySize)) windows.push({ phase: 'history', ...w });
  }
  // A stream first seen in this run: its history reaches now, so there are no changes to follow yet.
  if (!(history && Date.parse(state.cursor) >= now)) windows.push(...spec.changes(Date.parse(state.cursor), now));
  return windows;
}

/** The stream's state once `window` has landed. */
export function advance(state: StreamState, window: Window): StreamState {
  if (window.phase === 'history') {
    const end = Date.parse(state.historyEnd!);
    return window.end >= end ? { cursor: state.cursor } : { ...state, historyNext: iso(window.end) };
  }
  return window.cursorAfter === undefined ? state : { cursor: iso(Math.max(window.cursorAfter, Date.parse(state.cursor))) };
}

export function describeWindow(w: { start: number; end: number }): string {
  const day = (ms: number) => (ms % DAY_MS === 0 ? iso(ms).slice(0, 10) : iso(ms).replace('.000Z', 'Z'));
  return `${day(w.start)}..${day(w.end)}`;
}

/**
 * The records of one window as raw records, page after page. Square sometimes refuses a cursor
 * (INVALID_CURSOR): the window is then read again from its first page, skipping ids already given,
 * so the unit holds each object once. `keep` filters records (e.g. bookings updated since the cursor).
 */
export async function* windowRecords(
  pages: () => AsyncIterable<Page<unknown>>,
  log: Logger,
  keep?: (item: Record<string, unknown>) => boolean,
  maxRestarts = 3,
): AsyncGenerator<RawRecord> {
  const seen = new Set<string>();
  let index = 0;
  let offset = 0;
  for (let restart = 0; ; restart++) {
    try {
      for await (const page of pages()) {
        for (const item of page.items) {
          const object = item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
          const id = typeof object?.id === 'string' ? object.id : undefined;
          if (id !== undefined) {
            if (seen.has(id)) continue;
            seen.add(id);
          }
          if (object && keep && !keep(object)) continue;
          // Not an object, or no id: landed as is, so the warehouse quarantines it with its reason.
          const bytes = Buffer.from(JSON.stringify(item) ?? 'null', 'utf8');
          yield { bytes, offset, index: index++ };
          offset += bytes.length + 1;
        }
      }
      return;
    } catch (error) {
      if (!(error instanceof SquareCursorError) || restart >= maxRestarts) throw error;
      log.warn('Square refused a paging cursor; reading the window again from its first page', { restart: restart + 1 });
    }
  }
}
