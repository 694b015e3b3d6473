import { describe, expect, it } from 'vitest';
import { backfillRange, parseCli, selectSources, UsageError } from '../../extract/orchestrator/args.js';
import { SOURCES } from '../../extract/sources/index.js';

const names = (argv: string[]) => {
  const o = parseCli(argv);
  return selectSources(SOURCES, o.only, o.skip).map(
    (s) => `${s.source.name}:${s.entities ? [...s.entities].sort().join('+') : '*'}`,
  );
};

describe('npm run elt options', () => {
  it('defaults to running everything with dbt', () => {
    expect(parseCli([])).toMatchObject({
      command: 'run',
      only: [],
      skip: [],
      full: false,
      dbt: true,
      extract: true,
      demo: false,
    });
    expect(names([])).toEqual(['tock:*', 'square:*', 'toast:*', 'arrivy:*', 'commerce7:*']);
  });

  it('selects sources and entities with --only and --skip', () => {
    expect(names(['--only', 'tock.guest'])).toEqual(['tock:guest']);
    expect(names(['--only', 'tock.guest,tock.reservation'])).toEqual(['tock:guest+reservation']);
    expect(names(['--only', 'tock.guest', '--only', 'tock'])).toEqual(['tock:*']);
    expect(names(['--skip', 'tock.guest'])).toEqual([
      'tock:reservation',
      'square:*',
      'toast:*',
      'arrivy:*',
      'commerce7:*',
    ]);
    expect(
      names(['--skip', 'tock', '--skip', 'square', '--skip', 'toast', '--skip', 'arrivy', '--skip', 'commerce7']),
    ).toEqual([]);
    expect(names(['--only', 'commerce7.orders,commerce7.club_memberships'])).toEqual([
      'commerce7:club_memberships+orders',
    ]);
    expect(names(['--only', 'square.payments,square.orders'])).toEqual(['square:orders+payments']);
    expect(names(['--only', 'TOCK.Guest'])).toEqual(['tock:guest']);
    expect(names(['--only', 'arrivy.tasks,arrivy.task_statuses'])).toEqual(['arrivy:task_statuses+tasks']);
  });

  it('sample, --since and --max-pages', () => {
    expect(parseCli(['sample', 'square.payments'])).toMatchObject({
      command: 'sample',
      only: ['square.payments'],
      sample: { limit: 5 },
    });
    expect(parseCli(['sample', 'tock.guest', '--limit', '2', '--output', 'x.json'])).toMatchObject({
      sample: { limit: 2, output: 'x.json' },
    });
    expect(() => parseCli(['sample', 'tock'])).toThrow(/sample needs an entity/);
    expect(() => parseCli(['--limit', '2'])).toThrow(/belong to the sample command/);
    expect(parseCli(['--since', '2026-01-02', '--max-pages', '3']).limits).toEqual({
      since: Date.UTC(2026, 0, 2),
      maxPages: 3,
    });
    expect(() => parseCli(['--max-pages', '0'])).toThrow(/--max-pages 0: expected a whole number/);
    expect(() => parseCli(['--since', 'yesterday'])).toThrow(/--since yesterday: expected a date/);
  });

  it('knows its commands and flags', () => {
    expect(parseCli(['status']).command).toBe('status');
    expect(parseCli(['check']).command).toBe('check');
    expect(parseCli(['--check']).command).toBe('check');
    expect(parseCli(['--check', 'square'])).toMatchObject({ command: 'check', only: ['square'] });
    expect(parseCli(['check', 'square', 'tock'])).toMatchObject({ command: 'check', only: ['square', 'tock'] });
    expect(parseCli(['--no-dbt'])).toMatchObject({ dbt: false, extract: true });
    expect(parseCli(['--dbt-only'])).toMatchObject({ dbt: true, extract: false });
    expect(parseCli(['--full', '--demo'])).toMatchObject({ full: true, demo: true });
  });

  it('refuses what it does not understand', () => {
    expect(() => parseCli(['--no-dbt', '--dbt-only'])).toThrow(UsageError);
    expect(() => parseCli(['launch'])).toThrow('unknown command "launch"');
    expect(() => parseCli(['status', 'extra'])).toThrow('unexpected arguments');
    expect(() => names(['--only', 'lightspeed'])).toThrow('unknown source "lightspeed"');
    expect(() => names(['--skip', 'tock.menus'])).toThrow('unknown entity "tock.menus"');
  });

  it('selects a part (a group of entities) by its name', () => {
    expect(names(['--only', 'toast.cash'])).toEqual(['toast:cash_deposits+cash_entries']);
    expect(names(['--only', 'toast.labor'])).toEqual(['toast:employees+jobs+time_entries']);
    expect(names(['--only', 'toast.orders,toast.cash'])).toEqual(['toast:cash_deposits+cash_entries+orders']);
    expect(names(['--only', 'toast', '--skip', 'toast.config'])).toEqual([
      'toast:cash_deposits+cash_entries+employees+jobs+orders+time_entries',
    ]);
    expect(() => names(['--only', 'toast.payroll'])).toThrow(
      /unknown entity "toast.payroll" \(known: toast.orders, toast.cash, toast.cash_entries/,
    );
  });

  it('parses a backfill: source, inclusive dates, instances', () => {
    const options = parseCli([
      'backfill',
      'toast',
      '--from',
      '2025-01-01',
      '--to',
      '2025-01-31',
      '--restaurants',
      'a,b',
      '--no-dbt',
    ]);
    expect(options).toMatchObject({ command: 'backfill', only: ['toast'], instances: ['a', 'b'], dbt: false });
    expect(options.range).toEqual({ from: Date.parse('2025-01-01T00:00:00Z'), to: Date.parse('2025-02-01T00:00:00Z') });
    expect(parseCli(['backfill', 'toast', '--from', '2025-01-01', '--only', 'toast.orders']).only).toEqual([
      'toast.orders',
    ]);
    expect(parseCli(['--instances', 'x']).instances).toEqual(['x']);
    const now = Date.parse('2025-03-10T12:00:00Z');
    expect(backfillRange('2025-03-01', undefined, now)).toEqual({ from: Date.parse('2025-03-01T00:00:00Z'), to: now });
  });

  it('refuses a backfill it cannot run', () => {
    expect(() => parseCli(['backfill'])).toThrow('backfill needs a source');
    expect(() => parseCli(['backfill', 'toast'])).toThrow('backfill needs --from');
    expect(() => parseCli(['backfill', 'toast', '--from', '2025-13-45'])).toThrow('expected a date like 2025-01-31');
    expect(() => parseCli(['backfill', 'toast', '--from', '2025-02-01', '--to', '2025-01-01'])).toThrow(
      'is before --from',
    );
    expect(() => parseCli(['backfill', 'toast', '--from', '2999-01-01'])).toThrow('is in the future');
    expect(() => parseCli(['backfill', 'toast', '--from', '2025-01-01', '--only', 'square'])).toThrow(
      '--only can only name parts of toast',
    );
    expect(() => parseCli(['--from', '2025-01-01'])).toThrow('--from and --to belong to the backfill command');
  });
});
