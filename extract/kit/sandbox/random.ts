/**
 * Seeded, deterministic randomness for sandboxes (mulberry32). Same seed => same sequence, on every machine;
 * never Math.random. Derive independent streams with `createRandom(seed, 'label', index)`, so adding a
 * draw in one place does not shift the data everywhere else.
 */

/** Mixes numbers and strings into one 32-bit seed (FNV-1a over strings, murmur3 finaliser between parts). */
export function hashSeed(...parts: readonly (number | string | bigint)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    if (typeof part === 'number' && Number.isInteger(part) && Math.abs(part) <= 0xffffffff) {
      h = Math.imul(h ^ (part >>> 0), 0x01000193);
      h = Math.imul(h ^ Math.floor(part / 0x100000000), 0x01000193);
    } else {
      const text = String(part);
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    }
    h ^= 0x9e; // part separator: ('ab','c') != ('a','bc')
    h = fmix32(h);
  }
  return h >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next 32-bit unsigned integer (mulberry32). */
  uint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): max < min`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty array');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: pickWeighted([['a', 3], ['b', 1]]) returns 'a' three times as often. */
  pickWeighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    const last = items[items.length - 1];
    if (!last) throw new RangeError('pickWeighted() from an empty array');
    return last[0];
  }

  /** A random string from an alphabet (default lowercase letters and digits). */
  id(length = 12, alphabet = ALPHANUMERIC): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** `n` decimal digits, first one non-zero. */
  digits(n: number): string {
    let out = String(this.int(1, 9));
    for (let i = 1; i < n; i++) out += String(this.int(0, 9));
    return out;
  }

  hex(n: number): string {
    return this.id(n, HEX);
  }

  /** A v4-shaped UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + this.int(0, 3)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Epoch milliseconds in [startMs, endMs). */
  timestamp(startMs: number, endMs: number): number {
    return startMs + Math.floor(this.next() * Math.max(1, endMs - startMs));
  }

  date(start: Date | number, end: Date | number): Date {
    return new Date(this.timestamp(+start, +end));
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }
}

/** A generator seeded from any mix of numbers and strings: createRandom(seed, 'guest', business, n). */
export function createRandom(...seedParts: readonly (number | string | bigint)[]): Random {
  return new Random(hashSeed(...seedParts));
}
