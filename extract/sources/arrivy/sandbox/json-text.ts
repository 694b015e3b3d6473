/**
 * JSON text for records whose ids must keep every digit. JSON.stringify can only write a JS number, and a
 * number above 2^53 has already lost digits by then; an ExactNumber is written as its digits, bare.
 */

/** An integer written into JSON exactly as these digits (a bare number, not a string). */
export class ExactNumber {
  constructor(readonly digits: string) {
    if (!/^-?[0-9]+$/.test(digits)) throw new Error(`ExactNumber needs an integer's digits, got "${digits}"`);
  }
}

export type JsonValue =
  string | number | boolean | null | ExactNumber | JsonValue[] | { [key: string]: JsonValue | undefined };

/** Compact JSON text; object members whose value is undefined are left out, as JSON.stringify does. */
export function jsonText(value: JsonValue): string {
  if (value instanceof ExactNumber) return value.digits;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members: string[] = [];
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${jsonText(member)}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
