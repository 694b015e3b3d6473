/**
 * Square's streams of windows and their state. Each stream (the merchant, or one location) first imports
 * its history in windows on a created-at (or start-at) field, then follows changes in windows on the
 * updated-at field from a saved cursor, with a small overlap. Every window is one landing unit, committed
 * with the state that says it is done, so a killed import resumes at the window where it stopped.
 */
import { z } from 'zod';
import type { StateSchema } from '../../kit/state.js';
import { fixedWindows, isoTime, MINUTE_MS, type Window } from '../../kit/windows.js';

/** Changes are asked for from a little before the saved cursor: Square's search results are eventually consistent. */
export const OVERLAP_MS = 5 * MINUTE_MS;

/** A time as the state keeps it (ISO 8601, UTC). */
export const timestamp = z.string().datetime();

/** Version 1 of a state whose shape has not changed: version 0 is the same value, saved before states had versions. */
export function firstVersion<S>(schema: z.ZodType<S>): StateSchema<S> {
  return { version: 1, schema, migrations: { 0: (value) => value } };
}

const streamState = z.object({
  /** Start of the next history window not landed yet; absent once the stream's history is done. */
  historyNext: timestamp.optional(),
  /** End of the stream's history (fixed when the stream was first seen). */
  historyEnd: timestamp.optional(),
  /** Everything updated before this (minus the overlap) has landed; changes windows start here. */
  cursor: timestamp,
});

const windowedState = z.object({
  /** Start of the history (ELT_SQUARE_HISTORY_MONTHS before the first run), kept for later runs. */
  horizon: timestamp,
  streams: z.record(z.string(), streamState),
});

export type StreamState = z.infer<typeof streamState>;
export type WindowedState = z.infer<typeof windowedState>;

export const WINDOWED_STATE = firstVersion(windowedState);

export interface SquareWindow extends Window {
  phase: 'history' | 'changes';
  /** The stream's cursor once this window has landed; undefined leaves it as it was. */
  cursorAfter?: number;
}

/** Default changes pass: updated-at windows from the cursor (minus the overlap) to now, each moving the cursor. */
export function updatedWindows(cursor: number, now: number, windowMs: number): SquareWindow[] {
  const from = Math.min(cursor, now) - OVERLAP_MS;
  return fixedWindows(from, now, windowMs).map((w) => ({ ...w, phase: 'changes', cursorAfter: w.end }));
}

export interface StreamPlanSpec {
  historyStart: number;
  historyEnd: number;
  historySize: (start: number) => number;
  changes: (cursor: number, now: number) => SquareWindow[];
}

/** A new stream's state: its history to import, and the cursor its changes start from. */
export function newStream(spec: StreamPlanSpec, now: number): StreamState {
  return spec.historyStart < spec.historyEnd
    ? { historyNext: isoTime(spec.historyStart), historyEnd: isoTime(spec.historyEnd), cursor: isoTime(now) }
    : { cursor: isoTime(now) };
}

/** `since` (--since) starts the changes there instead of at the cursor; `advance` never moves it back. */
export function planStream(state: StreamState, now: number, spec: StreamPlanSpec, since?: number): SquareWindow[] {
  const windows: SquareWindow[] = [];
  const history = state.historyNext !== undefined && state.historyEnd !== undefined;
  if (history) {
    const range = fixedWindows(Date.parse(state.historyNext!), Date.parse(state.historyEnd!), spec.historySize);
    windows.push(...range.map((w) => ({ ...w, phase: 'history' as const })));
  }
  // A stream first seen in this run: its history reaches now, so there are no changes to follow yet.
  if (!(history && Date.parse(state.cursor) >= now))
    windows.push(...spec.changes(since ?? Date.parse(state.cursor), now));
  return windows;
}

/** The stream's state once `window` has landed. */
export function advance(state: StreamState, window: SquareWindow): StreamState {
  if (window.phase === 'history') {
    const end = Date.parse(state.historyEnd!);
    return window.end >= end ? { cursor: state.cursor } : { ...state, historyNext: isoTime(window.end) };
  }
  if (window.cursorAfter === undefined) return state;
  return { cursor: isoTime(Math.max(window.cursorAfter, Date.parse(state.cursor))) };
}
