import { describe, expect, it } from 'vitest';
import {
  JsonRecordSplitter,
  JsonStructureError,
  readJsonRecords,
  type RawRecord,
} from '../../extract/kit/records/json-records.js';

async function* chunked(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function split(text: string, size = 1_000_000): Promise<string[]> {
  const out: string[] = [];
  for await (const r of readJsonRecords(chunked(text, size))) out.push(r.bytes.toString('utf8'));
  return out;
}

const tricky = [
  { id: 1, s: 'quote " inside', t: 'back\\slash\\', u: 'ünïcödé ✓ 🍷', n: [1, [2, { x: '}' }]], e: {} },
  'a bare string with \\" escapes',
  42,
  null,
  true,
  { nested: { deep: [{ a: '[' }, { b: ']' }] }, esc: '\\\\"' },
];

describe('readJsonRecords', () => {
  it('yields every element of a top-level array byte-exact, whatever the chunk size', async () => {
    const text = JSON.stringify(tricky);
    const expected = tricky.map((r) => JSON.stringify(r));
    for (const size of [1, 2, 3, 7, 64, 1_000_000]) {
      expect(await split(text, size)).toEqual(expected);
    }
  });

  it('keeps big integers as their original digits', async () => {
    const [record] = await split('[{"id": 18446744073709551615}]', 5);
    expect(record).toBe('{"id": 18446744073709551615}');
  });

  it('accepts a single top-level object, whitespace and a BOM', async () => {
    expect(await split('\ufeff \n {"a": [1, 2]} \n', 4)).toEqual(['{"a": [1, 2]}']);
    expect(await split(' [ {"a":1} ,\n {"b":2} ] ')).toEqual(['{"a":1}', '{"b":2}']);
    expect(await split('[]')).toEqual([]);
  });

  it('reports offsets of records', async () => {
    const offsets: number[] = [];
    for await (const r of readJsonRecords(chunked('[{"a":1}, {"b":2}]', 3))) offsets.push(r.offset);
    expect(offsets).toEqual([1, 10]);
  });

  it('fails on a truncated document with the byte offset where it ended', async () => {
    const text = '[{"a":1},{"b":"unterminated';
    const error = await split(text, 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonStructureError);
    expect((error as JsonStructureError).offset).toBe(Buffer.byteLength(text));
    await expect(split('[{"a":1}', 2)).rejects.toThrow(/truncated/);
    await expect(split('[1, 2', 2)).rejects.toThrow(/truncated/);
  });

  it('fails on structural garbage with its offset', async () => {
    await expect(split('<html>503</html>')).rejects.toThrow('expected a JSON array or object at byte 0');
    await expect(split('[{"a":1} {"b":2}]')).rejects.toThrow("expected ',' or ']' after a value at byte 9");
    await expect(split('[{"a":1},,{"b":2}]')).rejects.toThrow('expected a value at byte 9');
    await expect(split('[{"a":1}] x')).rejects.toThrow('unexpected content after the end of the document at byte 10');
    await expect(split('')).rejects.toThrow('empty document');
  });

  it('untilEnd: stops at the end of the first value (a list inside a body), ignoring what follows', () => {
    const body = Buffer.from('{"items":[{"a":"]"},{"b":2}],"cursor":"x"}');
    const out: RawRecord[] = [];
    const splitter = new JsonRecordSplitter({ untilEnd: true });
    splitter.push(body.subarray(body.indexOf('[')), out);
    splitter.end();
    expect(out.map((r) => r.bytes.toString())).toEqual(['{"a":"]"}', '{"b":2}']);
  });
});
