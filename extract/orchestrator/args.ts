/** Command-line options of `npm run elt`. */
import { parseArgs } from 'node:util';
import type { RunLimits, SourceDefinition } from '../kit/source.js';

export const HELP = `Usage: npm run elt -- [command] [options]

Runs the enabled sources, lands their raw data in the warehouse, then builds the dbt models.
With no source credentials configured, every source runs against its built-in sandbox and lands
clearly labelled demo data in a separate database.

Commands:
  (none)            extract and load, then dbt build
  status            recent runs, last success per source and per entity (with its saved position),
                    quarantine counts, data available
  check [source...] connectivity and credentials test per source (same as --check); touches no data
  sample <source>.<entity> [--limit 5] [--output <file.json>]
                    fetch a few records through the real client (or the sandbox) and print or save
                    them; lands nothing, saves no state
  backfill <source> --from <date> [--to <date>] [--restaurants <list>]
                    read a past date range (dates inclusive, --to defaults to today) in calendar
                    windows per instance, side by side; finished windows are recorded, so running
                    the same command again resumes; windows the vendor refused are listed at the end
                    and asked again by the next backfill (--full reads done windows again too)

Options:
  --only <list>     run only these sources, source.entity or source.part (comma-separated,
                    repeatable): --only tock.guest, --only toast.cash
  --skip <list>     skip these sources, entities or parts
  --full            ignore saved state (cursors, landed files) for the selected sources
  --since <date>    incremental entities read from this day instead of their saved cursor (the
                    cursor never moves backwards)
  --max-pages <n>   stop each paged listing after n pages (a partial run, for testing): what was read
                    lands, and the cursor is not moved past it
  --no-dbt          extract and load only
  --dbt-only        run dbt build only
  --check           connectivity and credentials test per source
  --demo            use the sandbox sources even when credentials are configured
  --restaurants <list>, --instances <list>
                    only these instances (Toast restaurant guids, Square merchants, ...)
  -h, --help        this text

Exit codes: 0 success; 1 a source or dbt failed; 2 bad usage or configuration;
3 another run holds the warehouse lock; 4 the warehouse is unreachable.`;

export interface BackfillRange {
  /** ms, inclusive */
  from: number;
  /** ms, exclusive: the day after --to */
  to: number;
}

export interface CliOptions {
  command: 'run' | 'status' | 'check' | 'backfill' | 'sample';
  /** sample only: how many records, and the file to write them to (stdout when undefined). */
  sample?: { limit: number; output?: string };
  /** --max-pages, --since */
  limits: RunLimits;
  /** backfill only */
  range?: BackfillRange;
  /** Instance names from --restaurants / --instances; undefined = all. */
  instances?: string[];
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
        from: { type: 'string' },
        since: { type: 'string' },
        'max-pages': { type: 'string' },
        limit: { type: 'string' },
        output: { type: 'string' },
        to: { type: 'string' },
        restaurants: { type: 'string', multiple: true },
        instances: { type: 'string', multiple: true },
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
  const backfill = command === 'backfill';
  const backfillSource = backfill ? rest.shift() : undefined;
  const sample = command === 'sample';
  const sampleTarget = sample ? rest.shift() : undefined;
  if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  if (command !== undefined && !['status', 'check', 'backfill', 'sample'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (sample && !sampleTarget?.includes('.')) throw new UsageError('sample needs an entity: npm run elt -- sample <source>.<entity> [--limit 5]');
  if (!sample && (values.limit || values.output)) throw new UsageError('--limit and --output belong to the sample command');
  if (values['no-dbt'] && values['dbt-only']) throw new UsageError('--no-dbt and --dbt-only exclude each other');
  if (backfill && !backfillSource) throw new UsageError('backfill needs a source: npm run elt -- backfill <source> --from <yyyy-mm-dd>');
  if (!backfill && (values.from || values.to)) throw new UsageError('--from and --to belong to the backfill command');
  if (backfill && values['dbt-only']) throw new UsageError('backfill extracts: --dbt-only does not apply');
  const instances = [...splitList(values.restaurants), ...splitList(values.instances)];
  // Entities of the backfilled source, as with --only: `backfill toast --only toast.orders`.
  const only = [...splitList(values.only), ...splitList(checkSources), ...splitList(sampleTarget ? [sampleTarget] : [])];
  if (backfillSource && only.some((item) => item.split('.')[0] !== backfillSource.toLowerCase())) {
    throw new UsageError(`backfill ${backfillSource}: --only can only name parts of ${backfillSource}`);
  }
  return {
    command: values.check || command === 'check' ? 'check' : command === 'status' ? 'status' : backfill ? 'backfill' : sample ? 'sample' : 'run',
    sample: sample ? { limit: positiveInteger('--limit', values.limit ?? '5'), output: values.output } : undefined,
    limits: {
      maxPages: values['max-pages'] === undefined ? undefined : positiveInteger('--max-pages', values['max-pages']),
      since: values.since === undefined ? undefined : parseDay('--since', values.since),
    },
    range: backfill ? backfillRange(values.from, values.to) : undefined,
    instances: instances.length ? instances : undefined,
    only: backfillSource && only.length === 0 ? [backfillSource.toLowerCase()] : only,
    skip: splitList(values.skip),
    full: values.full ?? false,
    dbt: !values['no-dbt'],
    extract: !values['dbt-only'],
    demo: values.demo ?? false,
    help: values.help ?? false,
  };
}

const DAY_MS = 86_400_000;

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${text}: expected a whole number of at least 1`);
  return n;
}

function parseDay(flag: string, text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${flag} ${text}: expected a date like 2025-01-31`);
  return ms;
}

/** --from and --to are calendar days (UTC), both included; --to defaults to today. */
export function backfillRange(from: string | undefined, to: string | undefined, now = Date.now()): BackfillRange {
  if (!from) throw new UsageError('backfill needs --from <yyyy-mm-dd>');
  const start = parseDay('--from', from);
  if (start > now) throw new UsageError(`--from ${from} is in the future`);
  const end = to ? parseDay('--to', to) + DAY_MS : Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  if (end <= start) throw new UsageError(`--to ${to} is before --from ${from}`);
  return { from: start, to: Math.min(end, now) };
}

export interface Selection {
  source: SourceDefinition<unknown>;
  /** undefined = every entity */
  entities?: Set<string>;
}

/** Resolves --only/--skip against the known sources; unknown names are a usage error, not a silent no-op. */
export function selectSources(sources: readonly SourceDefinition<unknown>[], only: string[], skip: string[]): Selection[] {
  const known = new Map(sources.map((s) => [s.name, s]));
  // An item is a source, a source.entity or a source.part (a group of entities, e.g. toast.cash).
  const check = (item: string): { name: string; entity?: string }[] => {
    const [name, entity] = item.split('.');
    const source = known.get(name!);
    if (!source) throw new UsageError(`unknown source "${name}" (known: ${[...known.keys()].join(', ')})`);
    if (!entity) return [{ name: name!, entity: undefined }];
    const matching = source.entities.filter((e) => e.name === entity || e.part === entity);
    if (matching.length === 0) {
      const choices = [...new Set(source.entities.flatMap((e) => [e.part, e.name]).filter(Boolean))];
      throw new UsageError(`unknown entity "${item}" (known: ${choices.map((c) => `${source.name}.${c}`).join(', ')})`);
    }
    return matching.map((e) => ({ name: name!, entity: e.name }));
  };
  const onlyItems = only.flatMap(check);
  const skipItems = skip.flatMap(check);
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
