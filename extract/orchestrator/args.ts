/** Command-line options of `npm run elt`. */
import { parseArgs } from 'node:util';
import type { SourceDefinition } from '../kit/source.js';

export const HELP = `Usage: npm run elt -- [command] [options]

Runs the enabled sources, lands their raw data in the warehouse, then builds the dbt models.
With no source credentials configured, every source runs against its built-in sandbox and lands
clearly labelled demo data in a separate database.

Commands:
  (none)            extract and load, then dbt build
  status            recent runs, last success per source, quarantine counts, data available
  check [source...] connectivity and credentials test per source (same as --check); touches no data

Options:
  --only <list>     run only these sources or source.entity (comma-separated, repeatable): --only tock.guest
  --skip <list>     skip these sources or source.entity
  --full            ignore saved state (cursors, landed files) for the selected sources
  --no-dbt          extract and load only
  --dbt-only        run dbt build only
  --check           connectivity and credentials test per source
  --demo            use the sandbox sources even when credentials are configured
  -h, --help        this text

Exit codes: 0 success; 1 a source or dbt failed; 2 bad usage or configuration;
3 another run holds the warehouse lock; 4 the warehouse is unreachable.`;

export interface CliOptions {
  command: 'run' | 'status' | 'check';
  only: string[];
  skip: string[];
  full: boolean;
  dbt: boolean;
  extract: boolean;
  demo: boolean;
  help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
}

export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        only: { type: 'string', multiple: true },
        skip: { type: 'string', multiple: true },
        full: { type: 'boolean', default: false },
        'no-dbt': { type: 'boolean', default: false },
        'dbt-only': { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  let { positionals } = parsed;
  // `--check square` (or `check square tock`): the sources to check, as with --only.
  const checkSources = values.check ? positionals : positionals[0] === 'check' ? positionals.slice(1) : [];
  if (checkSources.length) positionals = positionals.slice(0, positionals.length - checkSources.length);
  const [command, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  if (command !== undefined && command !== 'status' && command !== 'check') throw new UsageError(`unknown command "${command}"`);
  if (values['no-dbt'] && values['dbt-only']) throw new UsageError('--no-dbt and --dbt-only exclude each other');
  return {
    command: values.check || command === 'check' ? 'check' : command === 'status' ? 'status' : 'run',
    only: [...splitList(values.only), ...splitList(checkSources)],
    skip: splitList(values.skip),
    full: values.full ?? false,
    dbt: !values['no-dbt'],
    extract: !values['dbt-only'],
    demo: values.demo ?? false,
    help: values.help ?? false,
  };
}

export interface Selection {
  source: SourceDefinition<unknown>;
  /** undefined = every entity */
  entities?: Set<string>;
}

/** Resolves --only/--skip against the known sources; unknown names are a usage error, not a silent no-op. */
export function selectSources(sources: readonly SourceDefinition<unknown>[], only: string[], skip: string[]): Selection[] {
  const known = new Map(sources.map((s) => [s.name, s]));
  const check = (item: string) => {
    const [name, entity] = item.split('.');
    const source = known.get(name!);
    if (!source) throw new UsageError(`unknown source "${name}" (known: ${[...known.keys()].join(', ')})`);
    if (entity && !source.entities.some((e) => e.name === entity)) {
      throw new UsageError(`unknown entity "${item}" (known: ${source.entities.map((e) => `${source.name}.${e.name}`).join(', ')})`);
    }
    return { name: name!, entity };
  };
  const onlyItems = only.map(check);
  const skipItems = skip.map(check);
  const selections: Selection[] = [];
  for (const source of sources) {
    const wanted = onlyItems.filter((i) => i.name === source.name);
    if (onlyItems.length && wanted.length === 0) continue;
    let entities: Set<string> | undefined = wanted.some((i) => !i.entity) || wanted.length === 0 ? undefined : new Set(wanted.map((i) => i.entity!));
    const skipped = skipItems.filter((i) => i.name === source.name);
    if (skipped.some((i) => !i.entity)) continue;
    if (skipped.length) {
      entities = new Set([...(entities ?? source.entities.map((e) => e.name))].filter((e) => !skipped.some((i) => i.entity === e)));
      if (entities.size === 0) continue;
    }
    selections.push({ source, entities });
  }
  return selections;
}
