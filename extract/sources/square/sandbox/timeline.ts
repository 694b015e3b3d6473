/**
 * Index-addressed time series for the Square sandbox: record i of a kind has a timestamp computed from i
 * alone, ascending with i, so "records created in [a, b)" is an index range and nothing is stored.
 * A timeline is a list of segments: the base history, then one segment per advanced day.
 */
import { hashSeed } from '../../../kit/sandbox/random.js';

export interface Segment {
  /** Time of the segment's first slot. */
  start: number;
  /** Width of one record's slot, ms. */
  slot: number;
  /** Index of the segment's first record. */
  first: number;
  count: number;
}

export class Timeline {
  readonly total: number;

  constructor(
    readonly segments: readonly Segment[],
    private readonly salt: readonly (number | string)[],
  ) {
    const last = segments.at(-1);
    this.total = last ? last.first + last.count : 0;
  }

  segmentOf(i: number): Segment | undefined {
    for (const s of this.segments) if (i >= s.first && i < s.first + s.count) return s;
    return undefined;
  }

  /** Timestamp of record i: inside its slot, at a seeded offset. */
  at(i: number): number {
    const s = this.segmentOf(i);
    if (!s) throw new RangeError(`record ${i} is not on this timeline`);
    const jitter = hashSeed(...this.salt, i) / 4294967296;
    return Math.floor(s.start + (i - s.first + jitter) * s.slot);
  }

  /** Indices whose time is in [a, b), ascending, starting at index `from`. */
  *range(a: number, b: number, from = 0): Generator<number> {
    for (const s of this.segments) {
      const end = s.start + s.count * s.slot;
      if (end <= a || s.start >= b) continue;
      const lo = Math.max(from, s.first + Math.max(0, Math.floor((a - s.start) / s.slot)));
      const hi = Math.min(s.first + s.count - 1, s.first + Math.floor((b - s.start) / s.slot));
      for (let i = lo; i <= hi; i++) {
        const t = this.at(i);
        if (t >= a && t < b) yield i;
      }
    }
  }

  /** How many records have a time before t (to pick, say, a customer who existed then). */
  countBefore(t: number): number {
    let n = 0;
    for (const s of this.segments) {
      if (t <= s.start) break;
      n = s.first + Math.min(s.count, Math.floor((t - s.start) / s.slot));
    }
    return n;
  }
}

/** Edits of records on advanced days: which records changed when, found by record or by time. */
export class EditLog {
  private readonly byRecord = new Map<number, number[]>();
  /** Every edit, ascending by time. */
  private readonly all: { index: number; at: number }[] = [];

  add(index: number, at: number): void {
    const times = this.byRecord.get(index) ?? [];
    times.push(at);
    times.sort((x, y) => x - y);
    this.byRecord.set(index, times);
    this.all.push({ index, at });
  }

  seal(): void {
    this.all.sort((x, y) => x.at - y.at || x.index - y.index);
  }

  /** Edit times of a record, ascending (empty when never edited). */
  of(index: number): readonly number[] {
    return this.byRecord.get(index) ?? [];
  }

  /** Every edit, ascending by time. */
  entries(): readonly { index: number; at: number }[] {
    return this.all;
  }

  /** Records whose LAST edit falls in [a, b). */
  *lastEditsIn(a: number, b: number): Generator<{ index: number; at: number }> {
    for (const e of this.all) {
      if (e.at < a) continue;
      if (e.at >= b) break;
      if (this.of(e.index).at(-1) === e.at) yield e;
    }
  }
}
