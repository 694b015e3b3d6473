import { describe, expect, it } from 'vitest';
import { countsFromSummary, warningsFrom } from '../../extract/kit/dbt/run.js';

describe("dbt's outcome without run_results.json", () => {
  it("reads the counts from dbt's closing line, colours and zeros left out", () => {
    const output = [
      '\x1b[0m16:14:17  Finished running 8 incremental models, 13 table models, 137 data tests ' +
        'in 0 hours 0 minutes and 9.16 seconds (9.16s).',
      '\x1b[0m16:14:17  \x1b[32mCompleted successfully\x1b[0m',
      '\x1b[0m16:14:17  Done. PASS=162 WARN=5 ERROR=0 SKIP=0 NO-OP=0 TOTAL=167',
    ].join('\n');
    expect(countsFromSummary(output)).toEqual({ pass: 162, warn: 5 });
    expect(countsFromSummary('12:00:00  Done. PASS=3 WARN=0 ERROR=1 SKIP=2 NO-OP=0 TOTAL=6')).toEqual({
      pass: 3,
      error: 1,
      skipped: 2,
    });
  });

  it('has no counts when dbt stopped before its summary', () => {
    expect(countsFromSummary('Encountered an error:\nRuntime Error\n  Could not find profile')).toEqual({});
  });

  it('lists the tests that warned with the rows they found, as dbt printed them (colours and all)', () => {
    const output = [
      '\x1b[0m18:05:40  \x1b[33mWarning in test not_null_stg_square__payments_currency_code ' +
        '(models/staging/square/_square__models.yml)\x1b[0m',
      '\x1b[0m18:05:40  Got 1 result, configured to warn if != 0',
      '\x1b[0m18:05:40  ',
      '\x1b[0m18:05:40    compiled code at target/compiled/x.sql',
      '\x1b[0m18:05:40  \x1b[33mWarning in test stg_arrivy__bookings_datetimes ' +
        '(models/staging/arrivy/_arrivy__models.yml)\x1b[0m',
      '\x1b[0m18:05:40  Got 12 results, configured to warn if != 0',
      '\x1b[0m18:05:40  \x1b[31mFailure in test unique_x (models/x.yml)\x1b[0m',
      '\x1b[0m18:05:40  Got 3 results, configured to fail if != 0',
    ].join('\n');
    expect(warningsFrom(output)).toEqual([
      { test: 'not_null_stg_square__payments_currency_code', rows: 1 },
      { test: 'stg_arrivy__bookings_datetimes', rows: 12 },
    ]);
    expect(warningsFrom('Done. PASS=3 WARN=0 ERROR=0')).toEqual([]);
  });
});
