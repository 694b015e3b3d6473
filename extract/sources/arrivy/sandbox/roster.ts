/**
 * The life of a list Arrivy returns whole (customers, team members): when each record was created, edited
 * and deleted. Edits come at seeded random gaps after creation, deletions at a seeded time for a few; each
 * advanced day adds forced ones on top (so one day always changes something). The clock decides what shows:
 * a deletion only once it has happened, and edits up to the time asked for.
 */
import { createRandom, type Random } from '../../../kit/sandbox/random.js';

export interface RosterPlan {
  /** Seed parts naming this list, e.g. [seed, account, 'customer']. */
  seed: readonly (number | string)[];
  created(k: number): number;
  /** Records created before t. */
  countAt(t: number): number;
  /** The seeded deletion time of record k, or Infinity; drawn from `rng`, its own stream. */
  plannedDeletion(k: number, rng: Random): number;
  editMeanMs: number;
}

export class Roster {
  private readonly forcedEdits = new Map<number, number[]>();
  private readonly forcedDeletions = new Map<number, number>();
  /** Every record's edits up to now, once asked for: the clock never moves within a world. */
  private readonly editsByRecord = new Map<number, number[]>();

  constructor(
    private readonly plan: RosterPlan,
    private readonly now: number,
  ) {}

  countAt(t: number): number {
    return this.plan.countAt(t);
  }

  created(k: number): number {
    return this.plan.created(k);
  }

  /** An advanced day's edit or deletion of record k at `at`. */
  force(change: 'edit' | 'delete', k: number, at: number): void {
    this.editsByRecord.clear();
    if (change === 'delete') this.forcedDeletions.set(k, Math.min(this.forcedDeletions.get(k) ?? Infinity, at));
    else this.forcedEdits.set(k, [...(this.forcedEdits.get(k) ?? []), at]);
  }

  private rng(part: string, k: number): Random {
    return createRandom(...this.plan.seed, part, k);
  }

  /** When record k was deleted, if that has happened by now. */
  deletedAt(k: number): number | undefined {
    const t = Math.min(this.plan.plannedDeletion(k, this.rng('delete', k)), this.forcedDeletions.get(k) ?? Infinity);
    return t <= this.now ? t : undefined;
  }

  /** Whether record k existed (created, not deleted) at t <= now. */
  existedAt(k: number, t: number): boolean {
    return this.created(k) <= t && (this.deletedAt(k) ?? Infinity) > t;
  }

  /** Edit times of record k up to t (<= now), ascending; none after its deletion. */
  edits(k: number, t: number): number[] {
    let all = this.editsByRecord.get(k);
    if (!all) {
      const rng = this.rng('edits', k);
      const gap = () => -Math.log(1 - rng.next()) * this.plan.editMeanMs;
      const deleted = this.deletedAt(k) ?? Infinity;
      all = [];
      for (let at = this.created(k) + gap(); at <= this.now; at += gap()) all.push(at);
      for (const at of this.forcedEdits.get(k) ?? []) if (at <= this.now) all.push(at);
      all = all.filter((at) => at < deleted).sort((a, b) => a - b);
      this.editsByRecord.set(k, all);
    }
    return t >= this.now ? all : all.filter((at) => at <= t);
  }

  /** Record k as of t: drawn from its own stream, then each edit up to t applied in turn. */
  stateAt<S>(k: number, t: number, draw: (rng: Random) => S, edit: (state: S, rng: Random, e: number) => void): S {
    const state = draw(this.rng('draw', k));
    this.edits(k, t).forEach((_, e) => edit(state, createRandom(...this.plan.seed, 'edit', k, e), e));
    return state;
  }

  /** The records listed now (created, not deleted), in creation order. */
  listed(): number[] {
    const out: number[] = [];
    const n = this.countAt(this.now + 1);
    for (let k = 0; k < n; k++) if (this.deletedAt(k) === undefined) out.push(k);
    return out;
  }
}
