import { describe, expect, it } from 'vitest';
import { entityStatuses } from '../../extract/kit/warehouse/entity-status.js';
import { describeState } from '../../extract/kit/state.js';

const versioned = (value: unknown) => ({ $version: 1, value });

describe('describeState', () => {
  it('describes versioned and unversioned states by the fields they share', () => {
    expect(describeState(versioned({ cursor: '2025-03-01T10:00:00.000Z', at: '2025-03-02T00:00:00.000Z' }))).toBe('cursor 2025-03-01T10:00:00.000Z');
    expect(describeState({ cursor: '2025-03-01T10:00:00.000+0000', pending: ['2025-02-27'] })).toBe('cursor 2025-03-01T10:00:00.000Z');
    expect(describeState(versioned({ at: '2025-03-02T00:00:00Z' }))).toBe('snapshot at 2025-03-02T00:00:00.000Z');
    expect(describeState(versioned({ done: ['2025-W01', '2025-W02'] }))).toBe('2 windows done');
    expect(describeState({ done: ['2025-01'] })).toBe('1 window done');
    expect(describeState({ initialLoadComplete: true, files: { 'guest-profile-1.json': {}, 'guest-profile-2.json': {}, 'reservation-1.json': {} } })).toBe('3 files');
  });

  it('gives the earliest cursor of per-stream states, where the entity resumes', () => {
    const streams = { L1: { cursor: '2025-03-02T00:00:00Z' }, L2: { historyNext: '2024-06-01T00:00:00Z', cursor: '2025-02-01T00:00:00Z' } };
    expect(describeState({ horizon: '2024-03-01T00:00:00Z', streams })).toBe('cursor 2025-02-01T00:00:00.000Z (earliest of 2 streams)');
    expect(describeState(versioned({ horizon: 'x', streams: { '*': { cursor: '2025-03-02T00:00:00Z' } } }))).toBe('cursor 2025-03-02T00:00:00.000Z');
  });

  it('says "saved" for anything else, and keeps a cursor it cannot read as written', () => {
    expect(describeState({ lastRun: '2025-03-02T00:00:00Z' })).toBe('saved');
    expect(describeState({ streams: {} })).toBe('saved');
    expect(describeState([1, 2])).toBe('saved');
    expect(describeState('text')).toBe('saved');
    expect(describeState({ $version: 2, value: null })).toBe('saved');
    expect(describeState({ cursor: 'page-token-abc' })).toBe('cursor page-token-abc');
  });
});

describe('entityStatuses', () => {
  const t = (day: number) => new Date(Date.UTC(2030, 0, day));
  const success = { finishedAt: t(1), rowsSeen: 5, rowsLanded: 2, rowsQuarantined: 1 };

  it('keeps the last success, shows a later failure, and adds the saved position', () => {
    const statuses = entityStatuses(
      [
        { source: 'tock', entity: 'guest', instance: 'default', status: 'failed', finishedAt: t(2), error: 'boom', success },
        { source: 'square', entity: 'payments', instance: 'napa', status: 'completed', finishedAt: t(1), error: null, success },
        { source: 'square', entity: 'orders', instance: 'napa', status: 'degraded', finishedAt: t(3), error: 'circuit open', success: null },
      ],
      [
        { source: 'tock', entity: 'guest', instance: 'default', state: { $version: 1, value: { files: { 'a.json': {} } } } },
        { source: 'square', entity: 'payments', instance: 'default', state: { cursor: '2030-01-01T00:00:00Z' } },
      ],
    );
    expect(statuses.map((s) => `${s.source}.${s.entity}@${s.instance}`)).toEqual([
      'square.orders@napa',
      'square.payments@default',
      'square.payments@napa',
      'tock.guest@default',
    ]);
    expect(statuses[0]).toMatchObject({ lastSuccess: null, lastProblem: { status: 'degraded', finishedAt: t(3), error: 'circuit open' }, position: null });
    // State without syncs: a ledger from before elt.entity_syncs.
    expect(statuses[1]).toMatchObject({ lastSuccess: null, lastProblem: null, position: 'cursor 2030-01-01T00:00:00.000Z' });
    expect(statuses[2]).toMatchObject({ lastSuccess: success, lastProblem: null, position: null });
    expect(statuses[3]).toMatchObject({ lastSuccess: success, lastProblem: { status: 'failed', error: 'boom' }, position: '1 file' });
  });
});
