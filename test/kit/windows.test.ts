import { describe, expect, it } from 'vitest';
import { calendarWindows, DAY_MS, describeWindow, fixedWindows, monthsBefore } from '../../extract/kit/windows.js';

const d = (s: string) => Date.parse(`${s}T00:00:00Z`);

describe('windows', () => {
  it('fixed windows cover the range exactly, the last one cut', () => {
    const ws = fixedWindows(d('2026-01-01'), d('2026-01-10'), 4 * DAY_MS);
    expect(ws.map((w) => w.id)).toEqual(['2026-01-01..2026-01-05', '2026-01-05..2026-01-09', '2026-01-09..2026-01-10']);
    expect(fixedWindows(5, 5, 1)).toEqual([]);
  });

  it('calendar weeks start on Mondays, clipped to the range; days and months align too', () => {
    // 2026-01-07 is a Wednesday.
    const weeks = calendarWindows(d('2026-01-07'), d('2026-01-20'), 'week');
    expect(weeks.map((w) => w.id)).toEqual(['2026-01-07..2026-01-12', '2026-01-12..2026-01-19', '2026-01-19..2026-01-20']);
    expect(new Date(weeks[1]!.start).getUTCDay()).toBe(1);
    const days = calendarWindows(d('2026-01-01') + 3_600_000, d('2026-01-03'), 'day', false);
    expect(days.map((w) => w.id)).toEqual(['2026-01-01..2026-01-02', '2026-01-02..2026-01-03']);
    expect(calendarWindows(d('2026-01-15'), d('2026-03-02'), 'month', false).map((w) => w.id)).toEqual([
      '2026-01-01..2026-02-01',
      '2026-02-01..2026-03-01',
      '2026-03-01..2026-04-01',
    ]);
  });

  it('describes times off midnight in full, and counts months back', () => {
    expect(describeWindow({ start: d('2026-01-01') + 90_000, end: d('2026-01-02') })).toBe('2026-01-01T00:01:30Z..2026-01-02');
    expect(monthsBefore(d('2026-03-31'), 1)).toBe(d('2026-03-03'));
  });
});
