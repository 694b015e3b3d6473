/**
 * Commerce7 against its sandbox over sockets, into a real PostgreSQL: the first sync (every list by cursor),
 * a rerun that lands nothing, a day of changes read through the updatedAt filter, two tenants, a refused
 * tenant, a 422, 429s, a repeated cursor, and the generator's bad inputs landed as sent.
 */
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../extract/kit/http/index.js';
import { silentLogger } from '../../extract/kit/log.js';
import { runSource, sharedPerRun, sourceInstances, type SourceRunResult } from '../../extract/kit/runner.js';
import { secretStore } from '../../extract/kit/secrets.js';
import type { SourceDefinition } from '../../extract/kit/source.js';
import { configureCommerce7, type Commerce7Config } from '../../extract/sources/commerce7/config.js';
import { BAD_INPUTS, type Kind } from '../../extract/sources/commerce7/sandbox/data.js';
import {
  SANDBOX_APP,
  startCommerce7Sandbox,
  type Commerce7Sandbox,
  type Commerce7SandboxOptions,
} from '../../extract/sources/commerce7/sandbox/index.js';
import { commerce7 } from '../../extract/sources/commerce7/source.js';
import { sourceTestLifecycle } from '../helpers/database.js';

const TABLES = commerce7.entities.map((e) => e.table);
const life = sourceTestLifecycle<Commerce7Sandbox>('elt_test_commerce7_sync', TABLES);
const SMALL = { customers: 160, orders: 500, products: 12 };
const KINDS: Record<string, Kind> = {
  raw_commerce7_customers: 'customers',
  raw_commerce7_orders: 'orders',
  raw_commerce7_products: 'products',
  raw_commerce7_club_memberships: 'clubMemberships',
};
const OVERLAP_MS = 10 * 60_000;

/** The source with retries in milliseconds and no pacing; otherwise as shipped. */
const fastCommerce7: SourceDefinition<Commerce7Config> = {
  ...commerce7,
  http: { retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 40 } },
};

async function sandbox(options: Commerce7SandboxOptions = {}): Promise<Commerce7Sandbox> {
  return life.track(
    await startCommerce7Sandbox({
      stateDir: life.stateDir(),
      faults: {},
      ...options,
      data: { ...SMALL, ...options.data },
    }),
  );
}

function run(s: Commerce7Sandbox, options: { runId?: number; env?: Record<string, string> } = {}) {
  return runSource(fastCommerce7, {
    warehouse: life.warehouse(),
    runId: options.runId ?? 1,
    env: options.env ?? s.env,
    full: false,
    limits: {},
    log: silentLogger,
    signal: new AbortController().signal,
  });
}

const { query, count } = life;
const okAll = (result: SourceRunResult) =>
  expect(result.outcomes.filter((o) => !o.ok).map((o) => `${o.entity}: ${o.error}`)).toEqual([]);
const filters = (requests: string[]) =>
  requests.map((r) => new URL(`http://x${r}`).searchParams.get('updatedAt')).filter((f) => f !== null);
/** Every list asked for what changed since `from` (the vendor's clock read by the run, a few ms after its Date). */
function expectChangesSince(requests: string[], from: number): void {
  const asked = filters(requests);
  expect(asked.length).toBeGreaterThanOrEqual(4);
  for (const filter of asked) {
    expect(filter).toMatch(/^gte:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(filter.slice(4)) - from).toBeGreaterThanOrEqual(0);
    expect(Date.parse(filter.slice(4)) - from).toBeLessThan(5_000);
  }
}

describe('commerce7: first sync, rerun, a day of changes', () => {
  it('lands every record of every list by cursor, and a rerun lands nothing', async () => {
    const s = await sandbox();
    const first = await run(s);
    okAll(first);
    const w = s.world();
    for (const [table, kind] of Object.entries(KINDS)) {
      expect(await count(table), table).toBe(w.listing(kind).length);
      expect(await count(table, `_key = record->>'id'`), table).toBe(w.listing(kind).length);
    }
    expect(w.listing('orders').length).toBeGreaterThan(200);
    // Cursor paging from `start`, everything asked for on the first run.
    const requests = s.requests();
    expect(requests.filter((r) => r.includes('cursor=start')).length).toBe(4);
    expect(new Set(filters(requests))).toEqual(new Set(['gte:1970-01-01T00:00:00.000Z']));

    const before = s.requests().length;
    const second = await run(s, { runId: 2 });
    okAll(second);
    expect(second.counts.rowsLanded).toBe(0);
    // The rerun asks only for what changed since the first run began (the vendor's clock), minus the overlap.
    expectChangesSince(s.requests().slice(before), w.now - OVERLAP_MS);
  });

  it('a day later lands exactly the records that changed that day, through the updatedAt filter', async () => {
    const s = await sandbox();
    okAll(await run(s));
    const before = { world: s.world(), requests: s.requests().length };
    await s.advance();
    const after = s.world();
    okAll(await run(s, { runId: 2 }));
    for (const [table, kind] of Object.entries(KINDS)) {
      const changed = after.listing(kind).filter((r) => r.updatedAt > before.world.now);
      expect(changed.length, table).toBeGreaterThan(0);
      const landed = await query<{ k: string }>(`select _key as k from raw.${table} where _run_id = 2`);
      expect(landed.map((r) => r.k).sort(), table).toEqual(changed.map((r) => r.id).sort());
    }
    // Far fewer requests than a full read: one or two pages per list.
    const daily = s.requests().slice(before.requests);
    expectChangesSince(daily, before.world.now - OVERLAP_MS);
    expect(daily.length).toBeLessThan(before.requests / 2);
    // Memberships moved: one put on hold or cancelled that day has its new status landed.
    const statuses = await query<{ status: string }>(
      `select record->>'status' as status from raw.raw_commerce7_club_memberships where _run_id = 2`,
    );
    expect(statuses.some((r) => r.status !== 'Active')).toBe(true);
  });

  it('keeps two tenants apart, each with its own tenant header, ids and records', async () => {
    const s = await sandbox({ tenants: ['default', 'napa'] });
    okAll(await run(s));
    const instances = await query<{ i: string; n: number }>(
      `select _source_instance as i, count(*)::int as n from raw.raw_commerce7_orders group by 1 order by 1`,
    );
    expect(instances).toEqual([
      { i: 'default', n: s.world('default').listing('orders').length },
      { i: 'napa', n: s.world('napa').listing('orders').length },
    ]);
    expect(await count('raw_commerce7_customers', `_source_instance = 'napa'`)).toBe(
      s.world('napa').listing('customers').length,
    );
    const shared = await count(
      'raw_commerce7_customers a',
      `_source_instance = 'default' and exists (select 1 from raw.raw_commerce7_customers b
        where b._source_instance = 'napa' and b._key = a._key)`,
    );
    expect(shared).toBe(0);
  });

  it('accepts a ready base64 token instead of the app id and secret', async () => {
    const s = await sandbox();
    const token = Buffer.from(`${SANDBOX_APP.id}:${SANDBOX_APP.secret}`).toString('base64');
    const { COMMERCE7_APP_ID: _id, COMMERCE7_APP_SECRET: _secret, ...rest } = s.env;
    okAll(await run(s, { env: { ...rest, COMMERCE7_AUTH_TOKEN: token } }));
    expect(await count('raw_commerce7_products')).toBe(s.world().listing('products').length);
  });
});

describe('commerce7: refusals and bad answers', () => {
  it('a wrong tenant: one sentence naming COMMERCE7_TENANT and the credential variables, nothing landed', async () => {
    const s = await sandbox();
    const result = await run(s, { env: { ...s.env, COMMERCE7_TENANT: 'other-winery' } });
    expect(result.outcomes).toHaveLength(4);
    for (const outcome of result.outcomes) {
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(
        new RegExp(
          'Commerce7 refused the credentials of tenant default \\(HTTP 401\\): check COMMERCE7_TENANT ' +
            '\\(the tenant, "other-winery"\\) and COMMERCE7_APP_ID and COMMERCE7_APP_SECRET\\.',
        ),
      );
      expect(outcome.error).not.toContain(SANDBOX_APP.secret);
    }
    expect(await count('raw_commerce7_customers')).toBe(0);
  });

  it('an app id without its secret is missing the secret; a tenant without credentials is missing them', () => {
    expect(configureCommerce7({ COMMERCE7_TENANT: 'napa-winery', COMMERCE7_APP_ID: 'app' })).toEqual({
      configured: false,
      missing: ['COMMERCE7_APP_SECRET'],
    });
    expect(configureCommerce7({ COMMERCE7_TENANT__NAPA: 'napa-winery' })).toEqual({
      configured: false,
      missing: ['COMMERCE7_APP_ID__NAPA', 'COMMERCE7_APP_SECRET__NAPA'],
    });
  });

  it("a 422 fails the entity with Commerce7's message in one sentence", async () => {
    const s = await sandbox({ unknownParams: ['updatedAt'] });
    const result = await run(s);
    for (const outcome of result.outcomes) {
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(
        new RegExp(
          ': commerce7 GET /[a-z-]+ page 1: Commerce7 rejected a request of tenant default ' +
            '\\(HTTP 422\\): Invalid query param: updatedAt\\.$',
        ),
      );
    }
  });

  it('--check reads one customer: the total, or the refusal naming the tenant variable', async () => {
    const s = await sandbox();
    const check = async (env: Record<string, string>) => {
      const [instance] = await sourceInstances(commerce7, env, secretStore(life.warehouse(), env));
      const context = {
        instance: instance!,
        http: new HttpClient({ name: 'commerce7', logger: silentLogger, retry: { attempts: 1 } }),
        log: silentLogger,
        signal: new AbortController().signal,
        secrets: secretStore(life.warehouse(), env),
        shared: sharedPerRun()(),
      };
      const steps = [];
      for await (const step of commerce7.check(context)) steps.push(step);
      return steps;
    };
    const total = s.world().listing('customers').length;
    expect(await check(s.env)).toEqual([
      { name: 'credentials and tenant (customers)', ok: true, detail: `tenant sandbox-winery: ${total} customers` },
    ]);
    const [refused] = await check({ ...s.env, COMMERCE7_TENANT: 'nope' });
    expect(refused).toMatchObject({ ok: false, detail: expect.stringMatching(/HTTP 401.*check COMMERCE7_TENANT/) });
  });

  it('429s are waited out (Retry-After), and every record still lands once', async () => {
    const s = await sandbox({ requestsPerMinute: 240 });
    const result = await run(s);
    okAll(result);
    expect(result.http.metrics().reduce((n, m) => n + m.throttled, 0)).toBeGreaterThan(0);
    expect(await count('raw_commerce7_orders')).toBe(s.world().listing('orders').length);
  });

  it('a cursor that repeats fails that list naming the endpoint and page; the others land', async () => {
    const s = await sandbox({ repeatCursor: 'customer' });
    const result = await run(s);
    const customers = result.outcomes.find((o) => o.entity === 'customers')!;
    expect(customers.ok).toBe(false);
    expect(customers.error).toMatch(/commerce7 GET \/customer page 2: the vendor repeated the cursor "[0-9a-f-]{36}"/);
    expect(await count('raw_commerce7_customers')).toBe(0);
    expect(result.outcomes.filter((o) => o.entity !== 'customers').every((o) => o.ok)).toBe(true);
    expect(await count('raw_commerce7_orders')).toBe(s.world().listing('orders').length);
  });

  it('bad inputs land as sent: an order for an unknown customer, amounts as strings', async () => {
    const s = await sandbox({ data: { badInputs: BAD_INPUTS } });
    okAll(await run(s));
    const w = s.world();
    const orphan = w.id('order', w.badInputOrder('unknown-customer')!);
    const [row] = await query<{ customer: string }>(
      `select record->>'customerId' as customer from raw.raw_commerce7_orders where _key = '${orphan}'`,
    );
    expect(await count('raw_commerce7_customers', `_key = '${row!.customer}'`)).toBe(0);
    const strings = w.id('order', w.badInputOrder('amounts-as-strings')!);
    expect(
      await count(
        'raw_commerce7_orders',
        `_key = '${strings}' and jsonb_typeof(record->'total') = 'string'
         and jsonb_typeof(record->'items'->0->'price') = 'string'`,
      ),
    ).toBe(1);
    expect(await count('raw_commerce7_orders', `jsonb_typeof(record->'total') = 'string'`)).toBe(1);
    expect(await count('raw_commerce7_orders')).toBe(w.listing('orders').length);
  });
});
