/**
 * Finds the bytes of the value at a path inside one JSON record without parsing the record: the key is
 * usually a few hundred bytes in, and skipping values by structure is far cheaper than JSON.parse.
 * Returns the exact source text, so a uint64 id keeps every digit.
 */

import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  isJsonWhitespace,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  stringEnd,
} from './json-bytes.js';

function skipWhitespace(buf: Buffer, i: number): number {
  while (i < buf.length && isJsonWhitespace(buf[i])) i++;
  return i;
}

/** Index just past the string whose opening quote is at i. */
function skipString(buf: Buffer, i: number): number {
  const end = stringEnd(buf, i + 1);
  return end < 0 ? buf.length : end;
}

/** Index just past the value starting at i. */
function skipValue(buf: Buffer, i: number): number {
  const c = buf[i];
  if (c === QUOTE) return skipString(buf, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < buf.length; j++) {
      const d = buf[j];
      if (d === QUOTE) j = skipString(buf, j) - 1;
      else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) return j + 1;
    }
    return buf.length;
  }
  let j = i;
  while (j < buf.length) {
    const d = buf[j];
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isJsonWhitespace(d)) break;
    j++;
  }
  return j;
}

function keyMatches(buf: Buffer, start: number, end: number, name: Buffer): boolean {
  // start/end include the quotes; escaped names are rare enough to decode properly.
  if (buf.indexOf(BACKSLASH, start) > -1 && buf.indexOf(BACKSLASH, start) < end) {
    return JSON.parse(buf.toString('utf8', start, end)) === name.toString('utf8');
  }
  return end - start - 2 === name.length && buf.compare(name, 0, name.length, start + 1, end - 1) === 0;
}

/**
 * Where the value at `path` starts, or undefined when some step is missing or not an object.
 * A member name repeated in one object resolves to its last occurrence, as jsonb and JSON.parse do.
 */
export function valueStart(buf: Buffer, path: readonly string[]): number | undefined {
  let i = skipWhitespace(buf, 0);
  for (const part of path) {
    if (buf[i] !== OPEN_BRACE) return undefined;
    const name = Buffer.from(part);
    const quoted = Buffer.from(JSON.stringify(part));
    i = skipWhitespace(buf, i + 1);
    let found = -1;
    while (i < buf.length && buf[i] === QUOTE) {
      const keyEnd = skipString(buf, i);
      const matches = keyMatches(buf, i, keyEnd, name);
      i = skipWhitespace(buf, keyEnd);
      if (buf[i] !== COLON) return undefined;
      i = skipWhitespace(buf, i + 1);
      if (matches) {
        found = i;
        // Only when the name appears again further on can this object repeat it: usually it does not.
        if (buf.indexOf(quoted, i) < 0) break;
      }
      i = skipWhitespace(buf, skipValue(buf, i));
      if (buf[i] === COMMA) i = skipWhitespace(buf, i + 1);
    }
    if (found < 0) return undefined;
    i = found;
  }
  return i;
}

/** The raw text of the value at `path`, or undefined (see valueStart). */
export function rawTokenAt(buf: Buffer, path: readonly string[]): Buffer | undefined {
  const i = valueStart(buf, path);
  return i === undefined ? undefined : buf.subarray(i, skipValue(buf, i));
}
