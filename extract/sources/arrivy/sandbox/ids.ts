/**
 * Arrivy-looking ids: 16-digit integers (App Engine datastore ids), some above 2^53 so that a reader that
 * parses them as doubles changes their last digits. Every id encodes (kind, account, index), so the sandbox
 * finds a record from the id in a URL without a lookup table; big ids are odd, so no double holds them.
 */
import { hashSeed } from '../../../kit/sandbox/random.js';

export type IdKind = 'customer' | 'entity' | 'task' | 'status' | 'group' | 'owner';
const KINDS: readonly IdKind[] = ['customer', 'entity', 'task', 'status', 'group', 'owner'];

const SMALL_BASE = 4_503_599_627_370_496n; // 2^52: the smallest 16-digit ids start near here
const BIG_BASE = 9_007_199_254_740_992n; // 2^53 (with the odd tail, every big id is odd and above it)
/** Room per (kind, account) and per index: 2^24 indexes of 64 ids each. */
export const MAX_INDEX = 2 ** 24;
const STRIDE = 64n;
const RANGE = BigInt(MAX_INDEX) * STRIDE;
const ACCOUNTS = 16;

export interface IdSpace {
  seed: number;
  account: number;
  /** Share of ids above 2^53. */
  bigIdShare: number;
}

/** Owner and group ids are always above 2^53 (as the documentation's own example group_id is). */
export function isBigId(space: IdSpace, kind: IdKind, index: number): boolean {
  if (kind === 'owner' || kind === 'group') return true;
  return hashSeed(space.seed, space.account, kind, index, 'big') / 4294967296 < space.bigIdShare;
}

/** The id's digits: a base (below or above 2^53), the (kind, account) range, then the index and an odd tail. */
export function arrivyId(space: IdSpace, kind: IdKind, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_INDEX)
    throw new RangeError(`${kind} index ${index} out of range`);
  if (space.account < 0 || space.account >= ACCOUNTS) throw new RangeError(`account ${space.account} out of range`);
  const base = isBigId(space, kind, index) ? BIG_BASE : SMALL_BASE;
  const range = BigInt(KINDS.indexOf(kind) * ACCOUNTS + space.account) * RANGE;
  const tail = BigInt((hashSeed(space.seed, space.account, kind, index, 'tail') % 32) * 2 + 1);
  return (base + range + BigInt(index) * STRIDE + tail).toString();
}

/** The index of a `kind` id of this account, or undefined when no record of that kind has this id. */
export function indexOfId(space: IdSpace, kind: IdKind, digits: string): number | undefined {
  if (!/^[0-9]{16}$/.test(digits)) return undefined;
  const value = BigInt(digits);
  const range = BigInt(KINDS.indexOf(kind) * ACCOUNTS + space.account) * RANGE;
  for (const base of [SMALL_BASE, BIG_BASE]) {
    const offset = value - base - range;
    if (offset < 0n || offset >= RANGE) continue;
    const index = Number(offset / STRIDE);
    if (arrivyId(space, kind, index) === digits) return index;
  }
  return undefined;
}
