/**
 * Finds the bytes of the value at a path inside one JSON record without parsing the record: the key is
 * usually a few hundred bytes in, and skipping values by structure is far cheaper than JSON.parse.
 * Returns the exact source text, so a uint64 id keeps every digit.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

function skipWhitespace(buf: Buffer, i: number): number {
  while (i < buf.length) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Index just past the string whose opening quote is at i. */
function skipString(buf: Buffer, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, j);
    if (q < 0) return buf.length;
    let backslashes = 0;
    for (let k = q - 1; k > i && buf[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Index just past the value starting at i. */
function skipValue(buf: Buffer, i: number): number {
  const c = buf[i];
  if (c === QUOTE) return skipString(buf, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < buf.length; j++) {
      const d = buf[j];
      if (d === QUOTE) j = skipString(buf, j) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return j + 1;
    }
    return buf.length;
  }
  let j = i;
  while (j < buf.length) {
    const d = buf[j];
    if (d === COMMA || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
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
 * The raw text of the value at `path`, or undefined when some step is missing or not an object.
 * A member name repeated in one object resolves to its last occurrence, as jsonb and JSON.parse do.
 */
export function rawTokenAt(buf: Buffer, path: readonly string[]): Buffer | undefined {
  let i = skipWhitespace(buf, 0);
  for (const part of path) {
    if (buf[i] !== 0x7b) return undefined;
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
  return buf.subarray(i, skipValue(buf, i));
}
