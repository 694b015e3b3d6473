import { describe, expect, it } from 'vitest';
import { countsFromSummary } from '../../extract/kit/dbt/run.js';

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
});
