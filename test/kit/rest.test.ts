/**
 * The declarative REST kit end to end: a source declared with restSource against a sandbox declared as a
 * route table, run by the runner into a real PostgreSQL. Paginators, incremental cursors, --max-pages,
 * --since, forEach children, versioned state, and the bad inputs that must fail a unit cleanly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { basicAuth, bearerAuth, HttpClient, type HttpError } from '../../extract/kit/http/index.js';
import { silentLogger } from '../../extract/kit/log.js';
import {
  cursor,
  linkHeader,
  pageNumber,
  readPages,
  RestApi,
  restSource,
  type RestEntitySpec,
} from '../../extract/kit/rest/index.js';
import { runSource } from '../../extract/kit/runner.js';
import {
  listReply,
  pageNumberSlice,
  isReply,
  encodeCursor,
  decodeCursor,
  startRoutes,
  type Route,
} from '../../extract/kit/sandbox/routes.js';
import type { LoopbackServer } from '../../extract/kit/sandbox/server.js';
import type { EntityDefinition, SourceDefinition } from '../../extract/kit/source.js';
import { readState, storedState } from '../../extract/kit/state.js';
import { DAY_MS } from '../../extract/kit/windows.js';
import { PostgresWarehouse } from '../../extract/kit/warehouse/postgres/postgres-warehouse.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';

const TABLES = ['raw_kit_widgets', 'raw_kit_parts'];
const NOW = Date.UTC(2026, 5, 15);
const BIG = '9503933968570268123';

/** 23 widgets, one a day before NOW; widget 7's id is beyond 2^53 and written digit for digit. */
function widgetTexts(): { text: string; updated: number }[] {
  return Array.from({ length: 23 }, (_, i) => {
    const updated = NOW - (23 - i) * DAY_MS;
    const id = i === 7 ? BIG : String(1000 + i);
    return { text: `{"id":${id},"name":"w${i}","updated_at":"${new Date(updated).toISOString()}"}`, updated };
  });
}

interface Knobs {
  /** What the sandbox gets wrong. */
  fault?: 'repeat-cursor' | 'no-envelope' | 'bad-total' | 'missing-field' | 'page-400' | 'down' | 'html' | 'object';
  tokenRefused?: boolean;
  requests: string[];
}

function routes(knobs: Knobs): Route[] {
  const inRange = (from?: string, to?: string) =>
    widgetTexts().filter((w) => (!from || w.updated >= Date.parse(from)) && (!to || w.updated < Date.parse(to)));
  return [
    {
      method: 'GET',
      path: '/widgets',
      handle(req) {
        const slice = pageNumberSlice(req, { size: 'per_page', defaultSize: 10, maxSize: 10 });
        if (isReply(slice)) return slice;
        const all = inRange(req.query('from'), req.query('to'));
        if (knobs.fault === 'down') return { status: 503, json: { error: 'down' } };
        if (knobs.fault === 'page-400' && slice.start >= 10)
          return { status: 400, json: { error: 'page out of range' } };
        const texts = all.slice(slice.start, slice.start + slice.count).map((w) => w.text);
        if (knobs.fault === 'missing-field' && slice.start === 10) texts[0] = '{"id":77,"name":"no time"}';
        const total = knobs.fault === 'bad-total' ? all.length + 1 : all.length;
        return listReply({ texts }, { key: 'widgets', fields: { total } });
      },
    },
    {
      method: 'GET',
      path: '/cursor/widgets',
      handle(req) {
        const at = req.query('cursor') === 'start' ? 0 : decodeCursor(req.query('cursor') ?? '', 'w');
        if (at === undefined) return { status: 400, json: { error: 'bad cursor' } };
        const texts = widgetTexts()
          .slice(at, at + 5)
          .map((w) => w.text);
        const next = at + 5 < 23 ? encodeCursor(knobs.fault === 'repeat-cursor' ? 5 : at + 5, 'w') : undefined;
        if (knobs.fault === 'no-envelope') return { json: { items: [] } };
        return listReply({ texts }, { key: 'widgets', fields: next ? { cursor: next } : {} });
      },
    },
    {
      method: 'GET',
      path: '/linked/widgets',
      handle(req) {
        const page = Number(req.query('p') ?? '0');
        if (knobs.fault === 'html' && page === 1) return { text: '<html><body>Just a moment...</body></html>' };
        if (knobs.fault === 'object' && page === 1) return { json: { error: 'not a list' } };
        const texts = widgetTexts()
          .slice(page * 8, page * 8 + 8)
          .map((w) => w.text);
        const more = page * 8 + 8 < 23;
        return listReply({ texts }, undefined, more ? { link: `</linked/widgets?p=${page + 1}>; rel="next"` } : {});
      },
    },
    {
      method: 'GET',
      path: '/widgets/:id/parts',
      handle: (req) => ({ text: `[{"part":"${req.params.id}-a"},{"part":"${req.params.id}-b"}]` }),
    },
  ];
}

let db: TestDatabase;
let warehouse: PostgresWarehouse;
let server: LoopbackServer | undefined;
const knobs: Knobs = { requests: [] };

beforeAll(async () => {
  db = await freshDatabase('elt_test_kit_rest');
  warehouse = new PostgresWarehouse(db.target);
  await warehouse.prepare(TABLES);
});
afterAll(async () => {
  await server?.close();
  await warehouse?.close();
  await db?.close();
});
beforeEach(async () => {
  await server?.close();
  knobs.fault = undefined;
  knobs.tokenRefused = false;
  knobs.requests = [];
  server = await startRoutes({
    routes: routes(knobs),
    auth(req) {
      knobs.requests.push(`${req.url.pathname}${req.url.search}`);
      const token = req.headers.authorization;
      if (knobs.tokenRefused && token === 'Bearer first') return { json: { error: 'expired' } };
      return token === 'Bearer first' ||
        token === 'Bearer second' ||
        token === `Basic ${Buffer.from('u:p').toString('base64')}`
        ? undefined
        : { json: { error: 'unauthorized' } };
    },
  });
  await db.query(`truncate ${TABLES.map((t) => `raw.${t}`).join(', ')}, elt.state, elt.quarantine`);
});

const iso = (ms: number) => new Date(ms).toISOString();

function source(
  entities: (kit: ReturnType<typeof restSource<{ url: string }>>) => EntityDefinition<{ url: string }, unknown>[],
  auth: 'bearer' | 'basic' = 'basic',
  explain?: (error: HttpError) => Error | undefined,
): SourceDefinition<{ url: string }> {
  let obtained = 0;
  const kit = restSource<{ url: string }>({
    name: 'kit',
    api: ({ instance }) => ({
      baseUrl: instance.config.url,
      auth:
        auth === 'basic'
          ? basicAuth({ user: 'u', password: 'p' })
          : bearerAuth({ obtain: async () => ({ accessToken: obtained++ === 0 ? 'first' : 'second' }) }),
      explain,
    }),
  });
  return {
    name: 'kit',
    title: 'Kit',
    configure: () => ({ configured: true, instances: [{ name: 'default', config: { url: server!.url } }] }),
    entities: entities(kit),
    check: async function* () {},
  };
}

const widgets = (over: Partial<RestEntitySpec> = {}): RestEntitySpec => ({
  name: 'widgets',
  table: 'raw_kit_widgets',
  keyPath: ['id'],
  path: '/widgets',
  records: ['widgets'],
  paginator: pageNumber({ size: { param: 'per_page', value: 10 }, total: ['total'] }),
  ...over,
});

const incremental = {
  params: (w: { start: number; end: number }) => ({ from: iso(w.start), to: iso(w.end) }),
  field: ['updated_at'],
  initial: () => NOW - 30 * DAY_MS,
  overlapMs: DAY_MS,
};

async function run(
  src: SourceDefinition<{ url: string }>,
  options: { full?: boolean; maxPages?: number; since?: number } = {},
) {
  const result = await runSource(src, {
    warehouse,
    runId: 1,
    env: {},
    full: options.full ?? false,
    limits: { maxPages: options.maxPages, since: options.since },
    log: silentLogger,
    signal: new AbortController().signal,
  });
  return result.outcomes;
}

const ids = async (table = 'raw_kit_widgets') =>
  (await db.query<{ k: string }>(`select _key as k from raw.${table} order by _seq`)).map((r) => r.k);
const savedState = async (entity = 'widgets') =>
  (await db.query<{ state: unknown }>(`select state from elt.state where entity = $1`, [entity]))[0]?.state;

describe('paginators', () => {
  it('page number with a total, in an envelope: every record once, uint64 ids exact', async () => {
    const [outcome] = await run(source((kit) => [kit.entity(widgets())]));
    expect(outcome).toMatchObject({ ok: true, counts: { rowsSeen: 23, rowsLanded: 23 } });
    expect(await ids()).toContain(BIG);
    expect(knobs.requests.filter((r) => r.startsWith('/widgets'))).toHaveLength(3);
    expect(await savedState()).toMatchObject({ $version: 1, value: { at: expect.any(String) } });
  });

  it('cursor from a body field, starting at cursor=start', async () => {
    const spec = widgets({
      path: '/cursor/widgets',
      paginator: cursor({ from: { field: ['cursor'] }, param: 'cursor', start: 'start' }),
    });
    const [outcome] = await run(source((kit) => [kit.entity(spec)]));
    expect(outcome).toMatchObject({ ok: true, counts: { rowsSeen: 23 } });
    expect(knobs.requests.filter((r) => r.startsWith('/cursor'))).toHaveLength(5);
  });

  it('Link rel="next" header, bare arrays', async () => {
    const spec = widgets({ path: '/linked/widgets', records: undefined, paginator: linkHeader() });
    const [outcome] = await run(source((kit) => [kit.entity(spec)]));
    expect(outcome).toMatchObject({ ok: true, counts: { rowsSeen: 23 } });
    expect(new Set(await ids()).size).toBe(23);
  });
});

describe('pages read for their records only (values: false)', () => {
  const linked = { path: '/linked/widgets', paginator: linkHeader(), endpoint: 'kit GET /linked/widgets' };
  const api = () =>
    new RestApi(
      { baseUrl: server!.url, auth: basicAuth({ user: 'u', password: 'p' }) },
      new HttpClient({ name: 'kit', logger: silentLogger, retry: { attempts: 1 } }),
      'default',
    );
  const read = async (values: boolean) => {
    const pages = [];
    for await (const page of readPages(api(), linked, new AbortController().signal, { values })) pages.push(page);
    return pages;
  };

  it('a bare array paged by headers goes unparsed: the same bytes, no values', async () => {
    const parsed = await read(true);
    const unparsed = await read(false);
    expect(unparsed.map((p) => p.records.length)).toEqual([8, 8, 7]);
    expect(unparsed.flatMap((p) => p.records.map(String))).toEqual(widgetTexts().map((w) => w.text));
    expect(unparsed.flatMap((p) => p.records.map(String))).toEqual(parsed.flatMap((p) => p.records.map(String)));
    expect(unparsed.every((p) => p.values.length === 0)).toBe(true);
    expect(parsed.flatMap((p) => p.values)).toHaveLength(23);
  });

  it('an HTML page or an object instead of the array fails naming the page, as when parsed', async () => {
    for (const values of [true, false]) {
      knobs.fault = 'html';
      await expect(read(values)).rejects.toThrow(/GET \/linked\/widgets page 2: .*HTTP 200 with an HTML page/);
      knobs.fault = 'object';
      await expect(read(values)).rejects.toThrow(/GET \/linked\/widgets page 2: the answer is not a JSON array/);
    }
  });
});

describe('incremental cursor', () => {
  it('first run from initial(), the next from the cursor minus overlap; --since never moves it back', async () => {
    const src = source((kit) => [kit.entity(widgets({ incremental: { ...incremental, windowMs: 10 * DAY_MS } }))]);
    const [first] = await run(src);
    expect(first).toMatchObject({ ok: true, counts: { rowsSeen: 23 } });
    expect(first!.counts.units).toBeGreaterThan(3);
    const cursorAfter = ((await savedState()) as { value: { cursor: string } }).value.cursor;
    expect(Date.parse(cursorAfter)).toBeGreaterThan(NOW);
    knobs.requests = [];
    const [second] = await run(src);
    expect(second).toMatchObject({ ok: true, counts: { rowsSeen: 0, rowsLanded: 0 } });
    const from = new URL(`http://x${knobs.requests.find((r) => r.startsWith('/widgets'))}`).searchParams.get('from')!;
    expect(Date.parse(cursorAfter) - Date.parse(from)).toBe(DAY_MS);
    const [since] = await run(src, { since: NOW - 5 * DAY_MS });
    expect(since).toMatchObject({ ok: true, counts: { rowsSeen: 5, rowsLanded: 0 } });
    const after = ((await savedState()) as { value: { cursor: string } }).value.cursor;
    expect(Date.parse(after)).toBeGreaterThanOrEqual(Date.parse(cursorAfter));
  });

  it('--max-pages lands what it read and keeps the cursor where it was', async () => {
    const src = source((kit) => [kit.entity(widgets({ incremental }))]);
    const [outcome] = await run(src, { maxPages: 1 });
    expect(outcome).toMatchObject({ ok: true, counts: { rowsSeen: 10 } });
    expect(((await savedState()) as { value: { cursor?: string } }).value.cursor).toBeUndefined();
    const [rest] = await run(src);
    expect(rest).toMatchObject({ ok: true, counts: { rowsSeen: 23, rowsLanded: 13 } });
  });
});

describe('bad input fails the unit, names the endpoint and page, commits nothing', () => {
  const cases: [Knobs['fault'], Partial<RestEntitySpec>, RegExp][] = [
    [
      'repeat-cursor',
      { path: '/cursor/widgets', paginator: cursor({ from: { field: ['cursor'] }, param: 'cursor', start: 'start' }) },
      /GET \/cursor\/widgets page 2: .*repeated the cursor/,
    ],
    [
      'no-envelope',
      { path: '/cursor/widgets', paginator: cursor({ from: { field: ['cursor'] }, param: 'cursor', start: 'start' }) },
      /page 1: the answer has no list at "widgets"/,
    ],
    ['bad-total', {}, /page 3: paging ended after 23 records but the total says 24/],
    ['missing-field', { incremental }, /page 2: a record has no "updated_at"/],
    ['page-400', {}, /GET \/widgets page 2: .*HTTP 400/],
  ];
  for (const [fault, spec, message] of cases) {
    it(fault!, async () => {
      knobs.fault = fault;
      const [outcome] = await run(source((kit) => [kit.entity(widgets(spec))]));
      expect(outcome!.ok).toBe(false);
      expect(outcome!.error).toMatch(message);
      expect(await ids()).toEqual([]);
      expect(await savedState()).toBeUndefined();
    });
  }
});

it("an error the vendor explains in its body becomes the source's sentence (RestApiSpec.explain)", async () => {
  knobs.fault = 'page-400';
  const explain = (error: HttpError) =>
    error.status === 400
      ? new Error(`Kit says: ${(JSON.parse(error.bodySnippet!) as { error: string }).error}.`)
      : undefined;
  const [outcome] = await run(source((kit) => [kit.entity(widgets())], 'basic', explain));
  expect(outcome!.error).toMatch(/GET \/widgets page 2: Kit says: page out of range\.$/);
});

it('an endpoint whose circuit opens leaves the entity degraded, not failed', async () => {
  knobs.fault = 'down';
  const http = {
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    circuit: { failureThreshold: 2, resetAfterMs: 60_000, perAttempt: true },
  };
  const [outcome] = await run({ ...source((kit) => [kit.entity(widgets())]), http });
  expect(outcome).toMatchObject({
    ok: true,
    degraded: true,
    error: expect.stringMatching(/GET \/widgets page 1: .*circuit/),
  });
});

describe('forEach children', () => {
  it('reads each parent once, adds the parent id as its exact text, and skips unchanged parents next run', async () => {
    const parts = (kit: ReturnType<typeof restSource<{ url: string }>>) =>
      kit.entity({
        name: 'parts',
        table: 'raw_kit_parts',
        keyPath: ['part'],
        forEach: {
          parent: { ...widgets(), path: '/widgets' },
          parentKey: ['id'],
          child: { path: '/widgets/{id}/parts' },
          as: 'widget_id',
        },
      });
    const src = source((kit) => [parts(kit)]);
    const [outcome] = await run(src);
    expect(outcome).toMatchObject({ ok: true, counts: { rowsSeen: 46 } });
    const [row] = await db.query<{ record: string }>(`select record::text from raw.raw_kit_parts where _key = $1`, [
      `${BIG}-a`,
    ]);
    expect(row!.record).toContain(`"widget_id": ${BIG}`);
    knobs.requests = [];
    const [again] = await run(src);
    expect(again).toMatchObject({ ok: true, counts: { rowsSeen: 0 } });
    expect(knobs.requests.filter((r) => r.includes('/parts'))).toEqual([]);
  });
});

describe('auth', () => {
  it('bearer: a refused token is replaced once and the request sent again', async () => {
    knobs.tokenRefused = true;
    const [outcome] = await run(source((kit) => [kit.entity(widgets())], 'bearer'));
    expect(outcome).toMatchObject({ ok: true, counts: { rowsSeen: 23 } });
  });
});

describe('versioned state', () => {
  const spec = {
    version: 2,
    schema: z.object({ cursor: z.string() }),
    migrations: { 1: (old: unknown) => ({ cursor: (old as { c: string }).c }) },
  };
  it('migrates, refuses newer or malformed state with one sentence naming the entity and --full', () => {
    expect(readState(spec, storedState({ ...spec, version: 1 }, { c: 'x' } as never), 'kit.widgets (default)')).toEqual(
      { cursor: 'x' },
    );
    expect(() => readState(spec, { $version: 3, value: {} }, 'kit.widgets (default)')).toThrow(
      /^The saved state of kit.widgets \(default\) was written by a newer version.*--full/,
    );
    expect(() => readState(spec, { cursor: 1 }, 'kit.widgets (default)')).toThrow(/old shape \(v0, now v2\)/);
    expect(() => readState(spec, { $version: 2, value: { cursor: 1 } }, 'kit.widgets (default)')).toThrow(
      /expected shape .* at cursor/,
    );
  });

  it('a run with unreadable state fails that entity, names it and says --full', async () => {
    await db.query(
      `insert into elt.state (source, entity, source_instance, state, run_id)
       values ('kit', 'widgets', 'default', '{"$version": 9, "value": {}}', 1)`,
    );
    const [outcome] = await run(source((kit) => [kit.entity(widgets({ incremental }))]));
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/kit\.widgets \(default\).*--full/) });
  });
});
