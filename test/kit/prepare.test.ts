import { describe, expect, it } from 'vitest';
import { prepareRecord, RecordSyntaxError } from '../../extract/kit/records/prepare.js';

const prep = (text: string | Buffer, path = ['patron', 'id']) =>
  prepareRecord({ bytes: Buffer.isBuffer(text) ? text : Buffer.from(text), index: 3, offset: 120 }, path);

describe('prepareRecord', () => {
  it('keys on the path, keeping numeric ids digit for digit', () => {
    expect(prep('{"id": 1, "patron": {"id": 18446744073709551615}}')).toMatchObject({
      ok: true,
      key: '18446744073709551615',
    });
    expect(prep('{"patron": {"name": "x", "id": "0042"}}')).toMatchObject({ ok: true, key: '0042' });
    expect(prep('{"nested": {"patron": {"id": 1}}, "patron": {"id": 7}}')).toMatchObject({ ok: true, key: '7' });
    expect(prep('{"p\\u0061tron": {"id": "esc"}}')).toMatchObject({ ok: true, key: 'esc' });
  });

  it('hashes content: same bytes, same hash; any change, another', () => {
    const a = prep('{"patron": {"id": 1}, "x": 1}');
    const b = prep('{"patron": {"id": 1}, "x": 1}');
    const c = prep('{"patron": {"id": 1}, "x": 2}');
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(a.hash).toBe(b.hash);
      expect(a.hash).not.toBe(c.hash);
    }
  });

  it('quarantines what cannot be landed, with the reason', () => {
    expect(prep('42')).toMatchObject({
      ok: false,
      reason: 'record is a number, not a JSON object',
      index: 3,
      offset: 120,
    });
    expect(prep('"x"')).toMatchObject({ ok: false, reason: 'record is a string, not a JSON object' });
    expect(prep('[1]')).toMatchObject({ ok: false, reason: 'record is an array, not a JSON object' });
    expect(prep('null')).toMatchObject({ ok: false, reason: 'record is null, not a JSON object' });
    expect(prep('{"id": 1}')).toMatchObject({ ok: false, reason: 'missing key patron.id', text: '{"id": 1}' });
    expect(prep('{"patron": {"id": null}}')).toMatchObject({ ok: false, reason: 'missing key patron.id' });
    expect(prep('{"patron": {"id": {"a": 1}}}')).toMatchObject({
      ok: false,
      reason: 'key patron.id is an object, not a string or number',
    });
    expect(prep('{"patron": {"id": "  "}}')).toMatchObject({ ok: false, reason: 'empty key patron.id' });
    expect(prep(Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({ ok: false, reason: 'record is not valid UTF-8' });
  });

  it('fails the unit, not the record, when JSON grammar is broken where it decides the outcome', () => {
    expect(() => prep('{"id": tru}')).toThrow(RecordSyntaxError);
    expect(() => prep('{"patron": {"id": "bad \\q escape"}}')).toThrow(/invalid JSON in record 4 at byte 120/);
  });
});
