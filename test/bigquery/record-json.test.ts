/**
 * How records are written for BigQuery's JSON type: numbers it cannot hold exactly become strings of the same
 * digits.
 */
import { describe, expect, it } from 'vitest';
import { bigQueryJson, numberFitsBigQueryJson } from '../../extract/kit/warehouse/bigquery/record-json.js';

const convert = (text: string) => bigQueryJson(Buffer.from(text)).toString('utf8');

describe('records for BigQuery JSON', () => {
  it('leaves an ordinary record untouched, without copying it', () => {
    const bytes = Buffer.from('{"patron":{"id":9007199254740993,"name":"Ann"},"cents":1250,"rate":0.25}');
    expect(bigQueryJson(bytes)).toBe(bytes);
  });

  it('quotes integers outside int64 and keeps those inside', () => {
    expect(
      convert('{"a":18446744073709551615,"b":9223372036854775807,"c":-9223372036854775808,"d":-9223372036854775809}'),
    ).toBe('{"a":"18446744073709551615","b":9223372036854775807,"c":-9223372036854775808,"d":"-9223372036854775809"}');
    expect(convert('[123456789012345678901234567890]')).toBe('["123456789012345678901234567890"]');
  });

  it('quotes decimals a double cannot hold exactly', () => {
    expect(
      convert('{"a":0.1234567890123456789,"b":123456789012345.0,"c":1e400,"d":1.5e-400,"e":0.1000000000000000}'),
    ).toBe('{"a":"0.1234567890123456789","b":123456789012345.0,"c":"1e400","d":"1.5e-400","e":0.1000000000000000}');
    expect(numberFitsBigQueryJson('1e400')).toBe(false);
    expect(numberFitsBigQueryJson('1.5e-400')).toBe(false);
    expect(numberFitsBigQueryJson('0.1000000000000000')).toBe(true);
    expect(numberFitsBigQueryJson('12345678901234.56')).toBe(false);
  });

  it('never touches digits inside strings, escaped quotes included', () => {
    const text = '{"phone":"12345678901234567890","odd":"a\\"12345678901234567890\\\\","n":12345678901234567890}';
    expect(convert(text)).toBe(
      '{"phone":"12345678901234567890","odd":"a\\"12345678901234567890\\\\","n":"12345678901234567890"}',
    );
  });

  it('puts a pretty-printed record on one line', () => {
    const text = '{\r\n  "a": [\n    1,\n    2\n  ],\n  "b": "x y"\n}';
    const line = convert(text);
    expect(line).not.toMatch(/[\r\n]/);
    expect(JSON.parse(line)).toEqual(JSON.parse(text));
  });
});
