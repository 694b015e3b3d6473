import { describe, expect, it } from 'vitest';
import { parseCli, selectSources, UsageError } from '../../extract/orchestrator/args.js';
import { SOURCES } from '../../extract/sources/index.js';

const names = (argv: string[]) => {
  const o = parseCli(argv);
  return selectSources(SOURCES, o.only, o.skip).map((s) => `${s.source.name}:${s.entities ? [...s.entities].sort().join('+') : '*'}`);
};

describe('npm run elt options', () => {
  it('defaults to running everything with dbt', () => {
    expect(parseCli([])).toMatchObject({ command: 'run', only: [], skip: [], full: false, dbt: true, extract: true, demo: false });
    expect(names([])).toEqual(['tock:*', 'square:*']);
  });

  it('selects sources and entities with --only and --skip', () => {
    expect(names(['--only', 'tock.guest'])).toEqual(['tock:guest']);
    expect(names(['--only', 'tock.guest,tock.reservation'])).toEqual(['tock:guest+reservation']);
    expect(names(['--only', 'tock.guest', '--only', 'tock'])).toEqual(['tock:*']);
    expect(names(['--skip', 'tock.guest'])).toEqual(['tock:reservation', 'square:*']);
    expect(names(['--skip', 'tock', '--skip', 'square'])).toEqual([]);
    expect(names(['--only', 'square.payments,square.orders'])).toEqual(['square:orders+payments']);
    expect(names(['--only', 'TOCK.Guest'])).toEqual(['tock:guest']);
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
    expect(() => names(['--only', 'toast'])).toThrow('unknown source "toast"');
    expect(() => names(['--skip', 'tock.menus'])).toThrow('unknown entity "tock.menus"');
  });
});
