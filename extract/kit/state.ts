/**
 * Saved state with a version and a validator. An entity declares the shape of its state (a zod schema) and
 * its version; state is stored as `{ "$version": n, "value": ... }`. State saved by an older version is
 * migrated step by step by the entity's migrations; state that cannot be read (no migration, or it does
 * not match the schema) is refused with one sentence naming the entity and `--full`, never misread.
 */
import type { z } from 'zod';

/** State saved before states carried a version reads as version 0. */
const UNVERSIONED = 0;

export interface StateSchema<S> {
  version: number;
  schema: z.ZodType<S>;
  /** From version n (the key) to n + 1; version 0 is state saved before versions existed. */
  migrations?: Record<number, (old: unknown) => unknown>;
}

interface Stored {
  $version: number;
  value: unknown;
}

export class StateError extends Error {
  override name = 'StateError';
}

function isStored(saved: unknown): saved is Stored {
  return !!saved && typeof saved === 'object' && typeof (saved as Stored).$version === 'number' && 'value' in saved;
}

/** What a unit commits: the value with its version. */
export function storedState<S>(spec: StateSchema<S>, value: S): Stored {
  return { $version: spec.version, value };
}

/**
 * The saved state as the current version's shape; undefined when nothing was saved.
 * `who` names the entity in errors, e.g. "square.payments (merchant default)".
 */
export function readState<S>(spec: StateSchema<S>, saved: unknown, who: string): S | undefined {
  if (saved === undefined || saved === null) return undefined;
  let version = isStored(saved) ? saved.$version : UNVERSIONED;
  let value = isStored(saved) ? saved.value : saved;
  const refuse = (why: string) =>
    new StateError(`The saved state of ${who} ${why}; run it once with --full to read everything again.`);
  if (version > spec.version) throw refuse(`was written by a newer version of this toolkit (state v${version})`);
  while (version < spec.version) {
    const migrate = spec.migrations?.[version];
    if (!migrate) throw refuse(`has an old shape (v${version}, now v${spec.version}) that cannot be migrated`);
    value = migrate(value);
    version++;
  }
  const parsed = spec.schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw refuse(`does not have the expected shape (${issue?.message ?? 'invalid'}${where})`);
  }
  return parsed.data;
}

/** An ISO time as stored, normalised to UTC when it parses; as written otherwise. */
function isoOf(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A short description of a saved state (versioned or not) for `npm run elt -- status`, read from the
 * fields states share rather than from each entity's schema: a cursor, a snapshot time, backfill windows
 * done, landed files, or per-stream cursors (the earliest one, which is where the entity resumes).
 */
export function describeState(saved: unknown): string {
  const value = isStored(saved) ? saved.value : saved;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'saved';
  const state = value as Record<string, unknown>;
  if (typeof state.cursor === 'string') return `cursor ${isoOf(state.cursor)}`;
  if (typeof state.at === 'string') return `snapshot at ${isoOf(state.at)}`;
  if (Array.isArray(state.done)) return `${plural(state.done.length, 'window')} done`;
  if (state.files && typeof state.files === 'object') return plural(Object.keys(state.files).length, 'file');
  if (state.streams && typeof state.streams === 'object') {
    const cursors = Object.values(state.streams as Record<string, unknown>)
      .map((stream) => (stream as { cursor?: unknown } | null)?.cursor)
      .filter((cursor): cursor is string => typeof cursor === 'string' && !Number.isNaN(Date.parse(cursor)))
      .sort((a, b) => Date.parse(a) - Date.parse(b));
    if (cursors.length > 1) return `cursor ${isoOf(cursors[0]!)} (earliest of ${cursors.length} streams)`;
    if (cursors.length) return `cursor ${isoOf(cursors[0]!)}`;
  }
  return 'saved';
}
