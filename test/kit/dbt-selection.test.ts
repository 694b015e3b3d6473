import { describe, expect, it } from 'vitest';
import { parseCli, selectSources } from '../../extract/orchestrator/args.js';
import { dbtSelection, type SourceOutcome } from '../../extract/orchestrator/pipeline.js';
import { emptyCounts } from '../../extract/kit/runner.js';
import { SOURCES } from '../../extract/sources/index.js';

const outcome = (source: string, status: SourceOutcome['status']): SourceOutcome => ({
  source,
  status,
  counts: emptyCounts(),
  durationMs: 0,
  note: '',
  skipped: [],
});

function selection(argv: string[], outcomes: SourceOutcome[]) {
  const options = parseCli(argv);
  return dbtSelection(selectSources(SOURCES, options.only, options.skip), options, outcomes);
}

describe('what dbt builds after a run', () => {
  it('builds what the extracted sources feed, whatever their outcome', () => {
    expect(selection([], [outcome('tock', 'completed'), outcome('square', 'failed')])).toEqual([
      '--select',
      'source:square+',
      'source:tock+',
    ]);
    expect(selection(['--only', 'tock.guest'], [outcome('tock', 'completed')])).toEqual(['--select', 'source:tock+']);
  });

  it('leaves out sources that are not configured', () => {
    expect(selection([], [outcome('tock', 'completed'), outcome('square', 'not configured')])).toEqual([
      '--select',
      'source:tock+',
    ]);
  });

  it('builds everything on a plain --dbt-only, and the chosen sources with --only', () => {
    expect(selection(['--dbt-only'], [])).toEqual([]);
    expect(selection(['--dbt-only', '--only', 'square'], [])).toEqual(['--select', 'source:square+']);
  });
});
