/**
 * Declarative REST entities. A source says how to reach an account (`restSource({ api })`) and, per
 * entity, the listing (path, where the records are, paginator) and how it follows changes; the kit does
 * the loop, framing, progress and state:
 *
 * - snapshot (no `incremental`): the whole list every run, one unit; unchanged records add no version.
 * - incremental: a range from the saved cursor (minus `overlapMs` and `rereadMs`) to the vendor's now
 *   (plus `aheadMs`), in windows of `windowMs`, each one unit committed with the cursor it reached.
 *   The first run starts at `initial(now)`; `--since` starts elsewhere without moving the cursor back;
 *   `--max-pages` cuts a listing short and then keeps the cursor where it was.
 * - backfill (`npm run elt -- backfill`): calendar windows of the range, the ones done kept apart.
 * - forEach: a listing per record of a parent listing (a task's status history), asked again only for
 *   parents whose fingerprint changed since they were last read.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { mapLimited } from '../concurrency.js';
import { HttpError } from '../http/index.js';
import { rawTokenAt } from '../records/raw-token.js';
import type { RawRecord } from '../records/json-records.js';
import type { EntityContext, EntityDefinition, SourceInstance, Unit } from '../source.js';
import type { StateSchema } from '../state.js';
import { calendarWindows, fixedWindows, isoTime, window, type CalendarUnit, type Window } from '../windows.js';
import { RestApi, type RestApiSpec, type RestCall } from './api.js';
import { ListingError, readPages, type ListingSpec } from './listing.js';
import { valueAt, type Params } from './paginators.js';

export interface IncrementalSpec {
  /** The vendor's filter for [start, end): query parameters, or body fields of a POST listing. */
  params(range: { start: number; end: number }): Params;
  /** The record field the filter applies to: a record without it is an error naming the page. */
  field?: readonly string[];
  /** Start of the first run's range, given the vendor's now. */
  initial(now: number): number;
  /** Read from this long before the cursor (searches that are eventually consistent). */
  overlapMs?: number;
  /** Read again this far before the cursor every run, for records that change after their filter time. */
  rereadMs?: number;
  /** Read this far past now (appointments ahead). */
  aheadMs?: number;
  /** Units of at most this size; default one unit for the whole range. */
  windowMs?: number;
  /** Backfill windows (`npm run elt -- backfill`); without it the entity takes no part in backfills. */
  backfillUnit?: CalendarUnit;
}

export interface ForEachSpec {
  /** The parent listing (its own incremental range decides which parents are read). */
  parent: ListingSpec & { incremental?: IncrementalSpec };
  /** JSON path of the parent's id. */
  parentKey: readonly string[];
  /** The child listing; `{id}` in its path is the parent's id. */
  child: ListingSpec;
  /** Changes when the parent's children may have changed; default the parent's whole content. */
  fingerprint?(parent: Record<string, unknown>): string;
  /** The parent id is added to each child record under this name (as its exact text). */
  as: string;
  /** Children read at once; default 4. */
  concurrency?: number;
}

export interface RestEntitySpec extends Omit<ListingSpec, 'path'> {
  name: string;
  /** raw_<source>_<entity> */
  table: string;
  keyPath: readonly string[];
  part?: string;
  path?: string;
  incremental?: IncrementalSpec;
  forEach?: ForEachSpec;
}

type ApiContext<Config> = Pick<EntityContext<Config, unknown>, 'instance' | 'secrets' | 'log' | 'http' | 'shared'>;

export interface RestSourceSpec<Config> {
  /** The source's name, for endpoint labels. */
  name: string;
  /** How to reach one account (`http` and `shared` for a login shared by accounts). */
  api(context: ApiContext<Config>): RestApiSpec;
  /** A cheap call that tells the vendor's clock (its Date header) before any listing ran. */
  clock?: RestCall | ((instance: SourceInstance<Config>) => RestCall);
}

const cursorState = z.object({ cursor: z.string().datetime().optional(), at: z.string().datetime().optional() });
const forEachState = cursorState.extend({ fingerprints: z.record(z.string(), z.string()) });
const doneState = z.object({ done: z.array(z.string()) });
type CursorState = z.infer<typeof cursorState>;
type ForEachState = z.infer<typeof forEachState>;

const CURSOR_STATE: StateSchema<CursorState> = { version: 1, schema: cursorState };
const FOR_EACH_STATE: StateSchema<ForEachState> = { version: 1, schema: forEachState };
const BACKFILL_STATE: StateSchema<z.infer<typeof doneState>> = { version: 1, schema: doneState };

export class RecordFieldError extends Error {
  override name = 'RecordFieldError';
}

/** `rest.entity({...})` for each entity of a source that shares one account connection. */
export function restSource<Config>(source: RestSourceSpec<Config>) {
  const apiOf = (context: ApiContext<Config>) =>
    context.shared('rest-api', () => new RestApi(source.api(context), context.http, context.instance.name));
  const endpointOf = (listing: Pick<ListingSpec, 'method' | 'endpoint'>, path: string) =>
    listing.endpoint ?? `${source.name} ${listing.method ?? 'GET'} ${path}`;

  return {
    /** The account's connection for this run (the one its entities use), for `--check` steps. */
    api: apiOf,
    entity(spec: RestEntitySpec): EntityDefinition<Config, CursorState | ForEachState> {
      const incremental = spec.forEach?.parent.incremental ?? spec.incremental;
      return {
        name: spec.name,
        table: spec.table,
        keyPath: spec.keyPath,
        part: spec.part,
        backfill: incremental?.backfillUnit !== undefined,
        state: spec.forEach ? FOR_EACH_STATE : CURSOR_STATE,
        backfillState: BACKFILL_STATE,
        async *extract(context) {
          const api = apiOf(context);
          const probe = typeof source.clock === 'function' ? source.clock(context.instance) : source.clock;
          const now = await api.now(context.signal, probe);
          const plan = planRanges(spec.name, incremental, context, now);
          const read = spec.forEach
            ? forEachReader(api, spec.forEach, endpointOf)
            : listingReader(api, spec, endpointOf);
          let state = (context.state ?? {}) as ForEachState;
          let done = new Set((context.state as { done?: string[] } | undefined)?.done ?? []);
          for (const [i, w] of plan.windows.entries()) {
            if (done.has(w.id)) continue;
            context.progress({ label: w.id, fraction: i / plan.windows.length });
            const reading = read(w, state, context);
            const unit: Unit<unknown> = {
              origin: `${spec.name} ${w.id}`,
              records: reading.records,
              get state() {
                if (plan.backfill) return { done: [...done, w.id].sort() };
                // A listing cut short by --max-pages keeps the cursor where it was.
                const cursor = reading.cut() ? state.cursor : plan.cursorAfter(w, state.cursor);
                return { ...reading.state(), ...(cursor && { cursor }), at: isoTime(now) };
              },
            };
            yield unit as Unit<CursorState | ForEachState>;
            if (plan.backfill) done = new Set([...done, w.id]);
            state = unit.state as ForEachState;
            if (reading.cut()) return;
          }
          context.progress({ fraction: 1 });
        },
      };
    },
  };
}

interface Plan {
  windows: Window[];
  backfill: boolean;
  /** The cursor once window `w` has landed. */
  cursorAfter(w: Window, before: string | undefined): string | undefined;
}

function planRanges<Config>(
  name: string,
  incremental: IncrementalSpec | undefined,
  context: EntityContext<Config, unknown>,
  now: number,
): Plan {
  if (!incremental)
    return { windows: [{ id: 'snapshot', start: now, end: now }], backfill: false, cursorAfter: () => undefined };
  if (context.backfill) {
    if (!incremental.backfillUnit) throw new Error(`${name} takes no part in backfills`);
    const { from, to } = context.backfill;
    return {
      windows: calendarWindows(from, to, incremental.backfillUnit),
      backfill: true,
      cursorAfter: () => undefined,
    };
  }
  const saved = (context.state as CursorState | undefined)?.cursor;
  const cursor = saved === undefined ? undefined : Date.parse(saved);
  const behind = (incremental.overlapMs ?? 0) + (incremental.rereadMs ?? 0);
  const start = context.limits.since ?? (cursor === undefined ? incremental.initial(now) : cursor - behind);
  const end = now + (incremental.aheadMs ?? 0);
  const windows = incremental.windowMs ? fixedWindows(start, end, incremental.windowMs) : [window(start, end)];
  return {
    windows,
    backfill: false,
    // Everything before the cursor has been read; windows past now never move it beyond now.
    cursorAfter: (w, before) =>
      isoTime(Math.max(before === undefined ? -Infinity : Date.parse(before), Math.min(w.end, now))),
  };
}

interface Reading {
  records: AsyncIterable<RawRecord>;
  /** True once the listing was cut short by --max-pages. */
  cut(): boolean;
  /** State the reader keeps besides the cursor (forEach fingerprints). */
  state(): Partial<ForEachState>;
}

type EndpointOf = (listing: Pick<ListingSpec, 'method' | 'endpoint'>, path: string) => string;

/** Checks the cursor field: the vendor's filter cannot have matched a record without it. */
function checkField(field: readonly string[] | undefined, value: unknown, where: string): void {
  if (!field || !value || typeof value !== 'object') return;
  const at = valueAt(value, field);
  if (at === undefined || at === null)
    throw new RecordFieldError(`${where}: a record has no "${field.join('.')}", the field this listing follows`);
}

/** The listing of window `w`: the vendor's filter for it added to the listing's own query. */
function inWindow<L extends ListingSpec>(
  listing: L,
  incremental: IncrementalSpec | undefined,
  w: Window,
  endpoint: string,
) {
  return { ...listing, query: { ...listing.query, ...incremental?.params(w) }, endpoint };
}

/** Record bytes numbered as one document (index, byte offset), for the positions quarantine keeps. */
async function* numbered(records: AsyncIterable<Buffer>): AsyncGenerator<RawRecord> {
  let index = 0;
  let offset = 0;
  for await (const bytes of records) {
    yield { bytes, offset, index: index++ };
    offset += bytes.length + 1;
  }
}

function listingReader<Config>(api: RestApi, spec: RestEntitySpec, endpointOf: EndpointOf) {
  const path = spec.path ?? `/${spec.name}`;
  return (w: Window, _state: ForEachState, context: EntityContext<Config, unknown>): Reading => {
    let cut = false;
    const listing = inWindow({ ...spec, path }, spec.incremental, w, endpointOf(spec, path));
    async function* records(): AsyncGenerator<Buffer> {
      const options = { maxPages: context.limits.maxPages, values: spec.incremental?.field !== undefined };
      for await (const page of readPages(api, listing, context.signal, options)) {
        for (const [i, bytes] of page.records.entries()) {
          checkField(spec.incremental?.field, page.values[i], `${listing.endpoint} page ${page.number}`);
          yield bytes;
        }
        cut ||= page.cut;
      }
    }
    return { records: numbered(records()), cut: () => cut, state: () => ({}) };
  };
}

/**
 * `{"<as>":<parent id>, ...child}` from the bytes, so neither id nor child is re-encoded. A child that is
 * not an object passes as it is, to be quarantined with its reason.
 */
function withParent(as: string, parentId: Buffer, child: Buffer): Buffer {
  const text = child.toString('utf8').trimStart();
  if (!text.startsWith('{')) return child;
  const rest = text.slice(1).trimStart();
  const head = `{${JSON.stringify(as)}:${parentId.toString('utf8')}${rest.startsWith('}') ? '' : ','}`;
  return Buffer.from(head + rest);
}

/** Parents whose fingerprint changed, then their children, page after page of parents. */
function forEachReader<Config>(api: RestApi, spec: ForEachSpec, endpointOf: EndpointOf) {
  return (w: Window, state: ForEachState, context: EntityContext<Config, unknown>): Reading => {
    let cut = false;
    const fingerprints = { ...state.fingerprints };
    const incremental = spec.parent.incremental;
    const parents = inWindow(spec.parent, incremental, w, endpointOf(spec.parent, spec.parent.path));
    const childEndpoint = endpointOf(spec.child, spec.child.path);
    const readChildren = async (id: string): Promise<Buffer[] | undefined> => {
      const path = spec.child.path.replace('{id}', encodeURIComponent(id));
      const out: Buffer[] = [];
      try {
        const child = { ...spec.child, path, endpoint: childEndpoint };
        for await (const page of readPages(api, child, context.signal, { values: false })) out.push(...page.records);
      } catch (error) {
        // Gone since the parent was listed: asked again next run (its fingerprint is not kept).
        if (error instanceof ListingError && error.cause instanceof HttpError && error.cause.status === 404) {
          context.log.warn('parent gone while reading its children; asked again next run', {
            endpoint: childEndpoint,
            id,
          });
          return undefined;
        }
        throw error;
      }
      return out;
    };
    async function* records(): AsyncGenerator<Buffer> {
      for await (const page of readPages(api, parents, context.signal, { maxPages: context.limits.maxPages })) {
        const due: { id: Buffer; key: string; print: string }[] = [];
        for (const [i, bytes] of page.records.entries()) {
          checkField(incremental?.field, page.values[i], `${parents.endpoint} page ${page.number}`);
          const id = rawTokenAt(bytes, spec.parentKey);
          // A parent without an id lands nowhere here: the parent entity quarantines it.
          if (!id) continue;
          const key = id.toString('utf8').replace(/^"|"$/g, '');
          const parent = page.values[i] as Record<string, unknown>;
          const print = spec.fingerprint
            ? spec.fingerprint(parent)
            : createHash('md5').update(bytes).digest('base64url');
          if (fingerprints[key] !== print) due.push({ id, key, print });
        }
        const children = await mapLimited(due, spec.concurrency ?? 4, (d) => readChildren(d.key));
        for (const [j, batch] of children.entries()) {
          if (!batch) continue;
          for (const child of batch) yield withParent(spec.as, due[j]!.id, child);
          fingerprints[due[j]!.key] = due[j]!.print;
        }
        cut ||= page.cut;
      }
    }
    return { records: numbered(records()), cut: () => cut, state: () => ({ fingerprints }) };
  };
}
