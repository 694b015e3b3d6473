/**
 * Turns a raw record into what the landing contract stores: its natural key, a content hash, and the
 * exact bytes; or a quarantine reason when it cannot be landed.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { RawRecord } from './json-records.js';
import { rawTokenAt } from './raw-token.js';

export type PreparedRecord =
  | { ok: true; key: string; hash: string; bytes: Buffer }
  | { ok: false; key: string | null; reason: string; text: string; index: number; offset: number };

/** Raised for a record whose JSON grammar is broken: the whole document is suspect, so its unit fails. */
export class RecordSyntaxError extends Error {
  override name = 'RecordSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function prepareRecord(record: RawRecord, keyPath: readonly string[]): PreparedRecord {
  const { bytes, index, offset } = record;
  const quarantine = (reason: string, key: string | null = null): PreparedRecord => ({
    ok: false,
    key,
    reason,
    text: bytes.toString('utf8'),
    index,
    offset,
  });
  if (!isUtf8(bytes)) return quarantine('record is not valid UTF-8');
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new RecordSyntaxError(
      `invalid JSON in record ${index + 1}: ${(error as Error).message}`,
      offset + (position ? Buffer.byteLength(text.slice(0, Number(position))) : 0),
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return quarantine(`record is ${describe(value)}, not a JSON object`);
  }
  const keyValue = valueAt(value, keyPath);
  const keyName = keyPath.join('.');
  let key: string;
  if (typeof keyValue === 'string') {
    key = keyValue.trim();
  } else if (typeof keyValue === 'number') {
    // JSON.parse rounds integers above 2^53; take such keys from the original digits.
    key = Number.isSafeInteger(keyValue) ? String(keyValue) : (rawTokenAt(text, keyPath) ?? String(keyValue));
  } else {
    return quarantine(keyValue === undefined || keyValue === null ? `missing key ${keyName}` : `key ${keyName} is ${describe(keyValue)}, not a string or number`);
  }
  if (key === '') return quarantine(`empty key ${keyName}`);
  return { ok: true, key, hash: createHash('md5').update(bytes).digest('hex'), bytes };
}
