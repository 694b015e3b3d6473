/**
 * Turns a raw record into what the landing contract stores: its natural key, a content hash, and the
 * exact bytes; or a quarantine reason when it cannot be landed.
 *
 * Records are not parsed here: the key is read straight from the bytes and the warehouse validates the
 * JSON as it converts it (PostgreSQL jsonb input, BigQuery JSON). A record that is not valid JSON makes
 * its whole unit fail, with the record's byte offset; parsing it here as well would double the CPU cost.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { RawRecord } from './json-records.js';
import { firstNonWhitespace } from './json-bytes.js';
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

/** V8's JSON.parse messages quote the record's text; errors reach logs and the ledger, so keep only the position. */
function syntaxError(index: number, offset: number, error: unknown): RecordSyntaxError {
  const position = /position (\d+)/.exec((error as Error).message)?.[1];
  const where = position === undefined ? '' : ` (near character ${position} of the record)`;
  return new RecordSyntaxError(`invalid JSON in record ${index + 1} at byte ${offset}${where}`, offset);
}

function kindOf(firstByte: number | undefined): string {
  switch (firstByte) {
    case 0x22:
      return 'a string';
    case 0x5b:
      return 'an array';
    case 0x6e:
      return 'null';
    case 0x74:
    case 0x66:
      return 'a boolean';
    default:
      return 'a number';
  }
}

export function prepareRecord(record: RawRecord, keyPath: readonly string[]): PreparedRecord {
  const { bytes, index, offset } = record;
  const quarantine = (reason: string, key: string | null = null): PreparedRecord => {
    const text = bytes.toString('utf8');
    // Only valid JSON may be quarantined as "bad content"; broken grammar fails the unit like any other record.
    if (isUtf8(bytes)) {
      try {
        JSON.parse(text);
      } catch (error) {
        throw syntaxError(index, offset, error);
      }
    }
    return { ok: false, key, reason, text, index, offset };
  };
  if (!isUtf8(bytes)) return quarantine('record is not valid UTF-8');
  const first = firstNonWhitespace(bytes);
  if (first !== 0x7b) return quarantine(`record is ${kindOf(first)}, not a JSON object`);
  const keyName = keyPath.join('.');
  const token = rawTokenAt(bytes, keyPath);
  const t0 = token?.[0];
  let key: string;
  if (token === undefined || (t0 === 0x6e && token.toString() === 'null')) {
    return quarantine(`missing key ${keyName}`);
  } else if (t0 === 0x22) {
    try {
      key = (JSON.parse(token.toString('utf8')) as string).trim();
    } catch (error) {
      throw syntaxError(index, offset, error);
    }
  } else if (t0 === 0x2d || (t0 !== undefined && t0 >= 0x30 && t0 <= 0x39)) {
    // Numbers keep their digits as sent: no rounding through a double above 2^53.
    key = token.toString('latin1');
  } else {
    return quarantine(`key ${keyName} is ${t0 === 0x7b ? 'an object' : kindOf(t0)}, not a string or number`);
  }
  if (key === '') return quarantine(`empty key ${keyName}`);
  return { ok: true, key, hash: createHash('md5').update(bytes).digest('hex'), bytes };
}
