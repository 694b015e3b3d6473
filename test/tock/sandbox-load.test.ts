/**
 * Tock against the realistic sandbox (V4-style signed URLs, shuffled listings, uint64 ids): initial load,
 * rerun, incremental after a new export, --full, and several businesses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSource, type SourceRunResult } from '../../extract/kit/runner.js';
import { silentLogger } from '../../extract/kit/log.js';
import { tock } from '../../extract/sources/tock/source.js';
import { startTockSandbox, type TockSandbox } from '../../extract/sources/tock/sandbox/index.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';

const TABLES = { guest: 'raw.raw_tock_guest', reservation: 'raw.raw_tock_reservation' } as const;
const FILE_PREFIX = { guest: 'guest-profile', reservation: 'reservation' } as const;
const ENTITIES = ['guest', 'reservation'] as const;

let stateDir: string;
const sandboxes: TockSandbox[] = [];
const databases: TestDatabase[] = [];

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'tock-load-test-'));
});

afterAll(async () => {
  for (const s of sandboxes.splice(0)) await s.close();
  for (const d of databases.splice(0)) await d.close();
  await rm(stateDir, { recursive: true, force: true });
});

async function run(db: TestDatabase, env: Record<string, string>, full = false, runId = 1): Promise<SourceRunResult> {
  return runSource(tock, {
    warehouse: await db.warehouse(),
    runId,
    env: { ...env, ELT_ENV_FILE: '/dev/null' },
    full,
    log: silentLogger,
    signal: new AbortController().signal,
  });
}

function expectAllOk(result: SourceRunResult): void {
  for (const o of result.outcomes) expect(o, `${o.instance}/${o.entity}: ${o.error}`).toMatchObject({ ok: true });
}

/** File names the sandbox served (200) since request index `from`, in order. */
function filesServed(sandbox: TockSandbox, from = 0): string[] {
  return sandbox
    .requests()
    .slice(from)
    .filter((r) => r.path.endsWith('.json'))
    .map((r) => r.path.split('/').pop()!);
}

async function versions(db: TestDatabase, table: string): Promise<string[]> {
  const rows = await db.query<{ v: string }>(
    `select _source_instance || '|' || _key || '|' || _hash as v from ${table} order by 1`,
  );
  return rows.map((r) => r.v);
}

describe('tock on the sandbox: one business', () => {
  let db: TestDatabase;
  let sandbox: TockSandbox;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase('elt_test_tock_sandbox');
    databases.push(db);
    sandbox = await startTockSandbox({
      stateDir,
      exports: 3,
      faults: {},
      guestsInFirstExport: 200,
      reservationsInFirstExport: 300,
      changesPerExport: 40,
    });
    sandboxes.push(sandbox);
    env = sandbox.env();
  });

  it('initial load lands every file in ascending order and records it in the state', async () => {
    const result = await run(db, env);
    expectAllOk(result);
    expect(result.outcomes.map((o) => `${o.instance}/${o.entity}`)).toEqual(['default/guest', 'default/reservation']);
    for (const o of result.outcomes) {
      expect(o.counts.units).toBe(3);
      expect(o.counts.rowsQuarantined).toBe(0);
      expect(o.counts.rowsLanded).toBeGreaterThan(0);
    }
    // The listing is shuffled; the files are fetched in ascending number.
    expect(filesServed(sandbox)).toEqual([
      'guest-profile-1.json',
      'guest-profile-2.json',
      'guest-profile-3.json',
      'reservation-1.json',
      'reservation-2.json',
      'reservation-3.json',
    ]);
    for (const entity of ENTITIES) {
      const origins = await db.query<{ _origin: string }>(`select _origin from ${TABLES[entity]} order by _seq`);
      const numbers = origins.map((r) =>
        Number(new RegExp(`^${FILE_PREFIX[entity]}-(\\d+)\\.json$`).exec(r._origin)?.[1]),
      );
      expect(numbers.every((n) => Number.isInteger(n))).toBe(true);
      // Rows were added file after file: the origin number never goes down along _seq.
      expect(numbers.every((n, i) => i === 0 || n >= numbers[i - 1]!)).toBe(true);
      expect([...new Set(numbers)]).toEqual([1, 2, 3]);

      const [saved] = await db.query<{
        state: {
          $version: number;
          value: { initialLoadComplete: boolean; files: Record<string, { etag?: string; size?: number }> };
        };
      }>(`select state from elt.state where source = 'tock' and entity = $1 and source_instance = 'default'`, [entity]);
      expect(saved!.state.$version).toBe(1);
      const state = saved!.state.value;
      expect(state.initialLoadComplete).toBe(true);
      expect(Object.keys(state.files).sort()).toEqual([1, 2, 3].map((n) => `${FILE_PREFIX[entity]}-${n}.json`));
      for (const landed of Object.values(state.files)) expect(landed.etag).toBeTruthy();
    }
  });

  it('keys: guest _key is patron.id exactly (uint64 above 2^53 included), reservation _key is id', async () => {
    const [g] = await db.query<{ rows: number; mismatched: number; big_bare: number; strings: number }>(
      `select count(*)::int as rows,
              count(*) filter (where _key is distinct from record->'patron'->>'id')::int as mismatched,
              count(*) filter (where jsonb_typeof(record->'patron'->'id') = 'number'
                                 and (record->'patron'->>'id')::numeric > 9007199254740992)::int as big_bare,
              count(*) filter (where jsonb_typeof(record->'patron'->'id') = 'string')::int as strings
       from raw.raw_tock_guest`,
    );
    expect(g!.rows).toBeGreaterThan(0);
    expect(g!.mismatched).toBe(0);
    // The test only means something if the data holds bare big numbers and string ids.
    expect(g!.big_bare).toBeGreaterThan(0);
    expect(g!.strings).toBeGreaterThan(0);
    // The profile id is kept in the record (it changes per edit, so it is not the key).
    const [p] = await db.query<{ n: number }>(
      `select count(*)::int as n from raw.raw_tock_guest where record->'id' is null`,
    );
    expect(p!.n).toBe(0);

    const [r] = await db.query<{ rows: number; mismatched: number; big_bare: number }>(
      `select count(*)::int as rows,
              count(*) filter (where _key is distinct from record->>'id')::int as mismatched,
              count(*) filter (where jsonb_typeof(record->'id') = 'number'
                                 and (record->>'id')::numeric > 9007199254740992)::int as big_bare
       from raw.raw_tock_reservation`,
    );
    expect(r!.rows).toBeGreaterThan(0);
    expect(r!.mismatched).toBe(0);
    expect(r!.big_bare).toBeGreaterThan(0);

    // A big key keeps all its digits (a JS number would end in ...000 or differ in the last digits).
    const big = await db.query<{ _key: string }>(
      `select _key from raw.raw_tock_guest
       where jsonb_typeof(record->'patron'->'id') = 'number' and length(_key) >= 17 limit 5`,
    );
    for (const { _key } of big) {
      expect(_key).toMatch(/^\d{17,20}$/);
      expect(String(Number(_key))).not.toBe(_key);
    }
  });

  it('edited records land as new versions of the same key', async () => {
    // Guests edited in later exports keep patron.id and get a new profile id.
    const [g] = await db.query<{ n: number }>(
      `select count(*)::int as n
       from (select _key from raw.raw_tock_guest group by _key having count(distinct record->>'id') > 1) x`,
    );
    expect(g!.n).toBeGreaterThan(0);
    const [r] = await db.query<{ n: number }>(
      `select count(*)::int as n
       from (select _key from raw.raw_tock_reservation group by _key
             having count(distinct record->>'sequenceId') > 1) x`,
    );
    expect(r!.n).toBeGreaterThan(0);
  });

  it('a rerun with no new export lands nothing and reads no file body again', async () => {
    const before = { guest: await versions(db, TABLES.guest), reservation: await versions(db, TABLES.reservation) };
    const from = sandbox.requests().length;
    const result = await run(db, env, false, 2);
    expectAllOk(result);
    for (const o of result.outcomes)
      expect(o.counts).toEqual({ rowsSeen: 0, rowsLanded: 0, rowsQuarantined: 0, units: 0 });
    // Only the newest file is looked at (its etag matches the state, so its body is dropped unread).
    expect(filesServed(sandbox, from)).toEqual(['guest-profile-3.json', 'reservation-3.json']);
    expect(await versions(db, TABLES.guest)).toEqual(before.guest);
    expect(await versions(db, TABLES.reservation)).toEqual(before.reservation);
  });

  it('after a new export only the new highest file lands, from state saved before states had versions', async () => {
    // Version 0 is the bare value, as saved before versions: read through the migration, saved as version 1.
    await db.query(`update elt.state set state = state->'value' where source = 'tock'`);
    await sandbox.advance();
    expect(sandbox.exports()).toBe(4);
    const counted = { guest: await versions(db, TABLES.guest), reservation: await versions(db, TABLES.reservation) };
    const from = sandbox.requests().length;
    const result = await run(db, env, false, 3);
    expectAllOk(result);
    expect(filesServed(sandbox, from)).toEqual(['guest-profile-4.json', 'reservation-4.json']);
    for (const o of result.outcomes) {
      expect(o.counts.units).toBe(1);
      expect(o.counts.rowsLanded).toBeGreaterThan(0);
    }
    for (const entity of ENTITIES) {
      const rows = await db.query<{ _origin: string; n: number }>(
        `select _origin, count(*)::int as n from ${TABLES[entity]} where _run_id = 3 group by 1`,
      );
      expect(rows.map((r) => r._origin)).toEqual([`${FILE_PREFIX[entity]}-4.json`]);
      const after = await versions(db, TABLES[entity]);
      expect(after.length).toBe(counted[entity].length + rows[0]!.n);
      const [saved] = await db.query<{
        state: { $version: number; value: { files: Record<string, unknown>; initialLoadComplete: boolean } };
      }>(`select state from elt.state where source = 'tock' and entity = $1`, [entity]);
      expect(saved!.state.$version).toBe(1);
      expect(Object.keys(saved!.state.value.files).sort()).toEqual(
        [1, 2, 3, 4].map((n) => `${FILE_PREFIX[entity]}-${n}.json`),
      );
      expect(saved!.state.value.initialLoadComplete).toBe(true);
    }
  });

  it('--full takes every file again and adds no new version', async () => {
    const before = { guest: await versions(db, TABLES.guest), reservation: await versions(db, TABLES.reservation) };
    const from = sandbox.requests().length;
    const result = await run(db, env, true, 4);
    expectAllOk(result);
    expect(filesServed(sandbox, from)).toEqual([
      'guest-profile-1.json',
      'guest-profile-2.json',
      'guest-profile-3.json',
      'guest-profile-4.json',
      'reservation-1.json',
      'reservation-2.json',
      'reservation-3.json',
      'reservation-4.json',
    ]);
    for (const o of result.outcomes) {
      expect(o.counts.units).toBe(4);
      expect(o.counts.rowsSeen).toBeGreaterThan(0);
      expect(o.counts.rowsLanded).toBe(0);
    }
    expect(await versions(db, TABLES.guest)).toEqual(before.guest);
    expect(await versions(db, TABLES.reservation)).toEqual(before.reservation);
    const [state] = await db.query<{ state: { files: Record<string, unknown>; initialLoadComplete: boolean } }>(
      `select state->'value' as state from elt.state where source = 'tock' and entity = 'guest'`,
    );
    expect(Object.keys(state!.state.files)).toHaveLength(4);
    expect(state!.state.initialLoadComplete).toBe(true);
  });
});

describe('tock on the sandbox: several businesses', () => {
  it('each business lands under its own _source_instance, without mixing', async () => {
    const db = await freshDatabase('elt_test_tock_sandbox_multi');
    databases.push(db);
    const sandbox = await startTockSandbox({
      stateDir,
      exports: 2,
      businesses: 2,
      faults: {},
      guestsInFirstExport: 80,
      reservationsInFirstExport: 120,
      changesPerExport: 20,
    });
    sandboxes.push(sandbox);
    const one = sandbox.env(1);
    const two = sandbox.env(2);
    const result = await run(db, {
      ...one,
      X_TOCK_AUTH__NAPA: two.X_TOCK_AUTH!,
      X_TOCK_SCOPE__NAPA: two.X_TOCK_SCOPE!,
    });
    expectAllOk(result);
    expect(result.outcomes.map((o) => `${o.instance}/${o.entity}`)).toEqual([
      'default/guest',
      'default/reservation',
      'napa/guest',
      'napa/reservation',
    ]);
    for (const o of result.outcomes) expect(o.counts.units).toBe(2);

    const ids = { default: sandbox.business(1).id, napa: sandbox.business(2).id };
    expect(ids.default).not.toBe(ids.napa);
    const reservations = await db.query<{ instance: string; business: string; n: number }>(
      `select _source_instance as instance, record->'business'->>'id' as business, count(*)::int as n
       from raw.raw_tock_reservation group by 1, 2 order by 1, 2`,
    );
    expect(reservations.map((r) => [r.instance, r.business])).toEqual([
      ['default', ids.default],
      ['napa', ids.napa],
    ]);
    const guests = await db.query<{ instance: string; business: string; n: number }>(
      `select _source_instance as instance, record->'businessGuestProfile'->0->'business'->>'id' as business,
              count(*)::int as n
       from raw.raw_tock_guest group by 1, 2 order by 1, 2`,
    );
    expect(guests.map((r) => [r.instance, r.business])).toEqual([
      ['default', ids.default],
      ['napa', ids.napa],
    ]);
    for (const r of [...reservations, ...guests]) expect(r.n).toBeGreaterThan(0);

    const states = await db.query<{ source_instance: string; entity: string; files: number }>(
      `select source_instance, entity, (select count(*) from jsonb_object_keys(state->'value'->'files'))::int as files
       from elt.state order by 1, 2`,
    );
    expect(states).toEqual([
      { source_instance: 'default', entity: 'guest', files: 2 },
      { source_instance: 'default', entity: 'reservation', files: 2 },
      { source_instance: 'napa', entity: 'guest', files: 2 },
      { source_instance: 'napa', entity: 'reservation', files: 2 },
    ]);
  });
});
