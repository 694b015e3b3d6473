/**
 * A record's bytes as one NDJSON-safe value for BigQuery's JSON type.
 *
 * BigQuery's JSON type keeps a number only as INT64 or FLOAT64 (a load job rounds or rejects the rest),
 * so a number it cannot hold exactly lands as a JSON string with the same digits: integers outside the
 * int64 range (a uint64 id above 2^63, say) and decimals with more than 15 significant digits or outside
 * the double range. json_value() (the dbt macros' json_text) reads such a value as the same text it
 * reads a number as, so ids keep every digit either way; _key is taken from the original bytes and
 * _hash is the md5 of the original bytes, so neither depends on this.
 *
 * NDJSON needs one record per line: line breaks between tokens (pretty-printed input) become spaces.
 * Only valid JSON is given here (the loader checks the grammar first), so a raw line break can never be
 * inside a string.
 *
 * The common case (no line breaks, no long digit runs) returns the input untouched, without a copy.
 */

import { CR, LF, QUOTE, SPACE, stringEnd } from '../../records/json-bytes.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Up to 15 significant decimal digits survive a round trip through a double. */
const DOUBLE_EXACT_DIGITS = 15;

/** A number that could need quoting has 16 digits and dots in a row, or an exponent of three digits. */
const NUMBER_CANDIDATE = /[0-9.]{16}|[0-9][eE][+-]?[0-9]{3}/;

function isNumberStart(c: number): boolean {
  return c === 0x2d || (c >= 0x30 && c <= 0x39);
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/** True when BigQuery's JSON type holds this JSON number token exactly. */
export function numberFitsBigQueryJson(token: string): boolean {
  if (/^-?\d+$/.test(token)) {
    const value = BigInt(token);
    return value >= INT64_MIN && value <= INT64_MAX;
  }
  const mantissa = token.replace(/[eE].*$/, '').replace(/[-.]/g, '');
  const significant = mantissa.replace(/^0+/, '').replace(/0+$/, '');
  const value = Number(token);
  if (!Number.isFinite(value)) return false;
  if (value === 0 && significant.length > 0) return false; // underflow
  return significant.length <= DOUBLE_EXACT_DIGITS;
}

/** The record's JSON for a BigQuery JSON column, on one line (see the module comment). */
export function bigQueryJson(bytes: Buffer): Buffer {
  const hasLineBreak = bytes.includes(LF) || bytes.includes(CR);
  const mayHaveLongNumber = NUMBER_CANDIDATE.test(bytes.toString('latin1'));
  if (!hasLineBreak && !mayHaveLongNumber) return bytes;

  const parts: Buffer[] = [];
  let copiedTo = 0;
  let i = 0;
  const len = bytes.length;
  while (i < len) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      const end = stringEnd(bytes, i + 1);
      i = end < 0 ? len : end;
      continue;
    }
    if (c === LF || c === CR) {
      parts.push(bytes.subarray(copiedTo, i), Buffer.from([SPACE]));
      copiedTo = ++i;
      continue;
    }
    if (isNumberStart(c)) {
      let j = i + 1;
      while (j < len && isNumberChar(bytes[j]!)) j++;
      if (mayHaveLongNumber && (j - i >= 16 || /[eE]/.test(bytes.toString('latin1', i, j)))) {
        const token = bytes.toString('latin1', i, j);
        if (!numberFitsBigQueryJson(token)) {
          parts.push(bytes.subarray(copiedTo, i), Buffer.from(`"${token}"`, 'latin1'));
          copiedTo = j;
        }
      }
      i = j;
      continue;
    }
    i++;
  }
  if (copiedTo === 0) return bytes;
  parts.push(bytes.subarray(copiedTo));
  return Buffer.concat(parts);
}
