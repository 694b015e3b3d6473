/** Small builders shared by the Toast sandbox's generators: guids, money, references. */
import { createRandom, type Random } from '../../../kit/sandbox/random.js';

export type Json = Record<string, unknown>;

const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = 45;
const guidCodes: number[] = new Array<number>(36).fill(DASH);

/**
 * A v4-shaped guid from four draws. Random.uuid() draws per character, too slow for the millions of guids a
 * benchmark's orders carry; and a string made by concatenation is a rope that JSON.stringify must flatten,
 * which cost more than making it, so the characters go through String.fromCharCode in one piece.
 */
export function guid(rng: Random): string {
  let k = 0;
  for (let w = 0; w < 4; w++) {
    const v = rng.uint32();
    for (let shift = 28; shift >= 0; shift -= 4) {
      if (k === 8 || k === 13 || k === 18 || k === 23) k++;
      guidCodes[k++] = HEX[(v >>> shift) & 15]!;
    }
  }
  guidCodes[14] = 52; // version 4
  guidCodes[19] = HEX[8 + ((guidCodes[19]! - 48) & 3)]!; // variant 8, 9, a or b
  return String.fromCharCode.apply(null, guidCodes);
}

/** The guid of a configuration object: the same for the same seed and parts, whatever else was generated. */
export function stableGuid(...parts: (number | string)[]): string {
  return guid(createRandom(...parts, 'guid'));
}

/** Integer cents -> Toast's decimal currency units. Money is kept in cents so sums reconcile exactly. */
export const money = (cents: number): number => cents / 100;

export const ref = (guidValue: string, entityType?: string): Json => (entityType ? { guid: guidValue, entityType } : { guid: guidValue });

/** Rounds to cents, half away from zero (what a till does). */
export const roundCents = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));
