/** Byte values of JSON's structural characters, for the scanners that work on raw record bytes. */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const SPACE = 0x20;
export const LF = 0x0a;
export const CR = 0x0d;
export const TAB = 0x09;

export function isJsonWhitespace(c: number | undefined): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

/** The first byte that is not JSON whitespace (what kind of value a document holds), or undefined. */
export function firstNonWhitespace(bytes: Buffer): number | undefined {
  return bytes.find((c) => !isJsonWhitespace(c));
}

/** True when the byte at `end` is escaped: an odd run of backslashes before it, counting none before `from`. */
export function isEscaped(buf: Buffer, from: number, end: number): boolean {
  let n = 0;
  for (let j = end - 1; j >= from && buf[j] === BACKSLASH; j--) n++;
  return (n & 1) === 1;
}

/**
 * The one JSON string scanner: index just past the closing quote of the string whose contents start at
 * `from` (just after its opening quote), or -1 when `buf` ends first. indexOf finds quotes natively; only
 * the backslashes right before each quote are looked at.
 */
export function stringEnd(buf: Buffer, from: number): number {
  for (let j = from; ;) {
    const q = buf.indexOf(QUOTE, j);
    if (q < 0) return -1;
    if (!isEscaped(buf, from, q)) return q + 1;
    j = q + 1;
  }
}
