/**
 * Tock bad input inside export files: truncated or invalid JSON (the file fails atomically and is retried by
 * the next run), records that are not objects or lack their key (quarantined), duplicates, single objects.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceRunResult } from '../../extract/kit/runner.js';
import type { TestDatabase } from '../helpers/database.js';
import { captureLogs, guest, jsonArray, reservation, runTock, tockTestbed } from '../helpers/tock-server.js';

const bed = tockTestbed('elt_test_tock_bad_input');
const server = bed.server;
let db: TestDatabase;
beforeAll(() => {
  db = bed.db();
});

type Table = 'raw_tock_guest' | 'raw_tock_reservation';

async function rowsByOrigin(table: Table): Promise<Record<string, number>> {
  const rows = await db.query<{ _origin: string; n: number }>(
    `select _origin, count(*)::int as n from raw.${table} group by 1 order by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r._origin, r.n]));
}

async function stateOf(
  entity: 'guest' | 'reservation',
): Promise<{ initialLoadComplete: boolean; files: Record<string, unknown> } | undefined> {
  const [row] = await db.query<{ state: { initialLoadComplete: boolean; files: Record<string, unknown> } }>(
    `select state->'value' as state from elt.state
     where source = 'tock' and entity = $1 and source_instance = 'default'`,
    [entity],
  );
  return row?.state;
}

function outcome(result: SourceRunResult, entity: string) {
  const o = result.outcomes.find((x) => x.entity === entity);
  if (!o) throw new Error(`no outcome for ${entity}`);
  return o;
}

// Three complete records, then the fourth cut off in the middle of a string.
const FULL_2 = jsonArray([guest('201'), guest('202'), guest('203'), guest('204', { note: 'the last one of file 2' })]);
const TRUNCATED_2 = FULL_2.slice(0, FULL_2.indexOf('the last one') + 5);

const truncatedFiles = () => ({
  'guest-profile-1.json': jsonArray([guest('101'), guest('102')]),
  'guest-profile-2.json': TRUNCATED_2,
  'guest-profile-3.json': jsonArray([guest('301')]),
});

describe('truncated file', () => {
  it('fails that file with the byte offset, commits none of it, keeps earlier files; the rerun lands it', async () => {
    const s = await server({ files: truncatedFiles() });
    const first = await runTock(db, s.env());
    const g = outcome(first, 'guest');
    expect(g.ok).toBe(false);
    expect(g.error).toMatch(/^guest-profile-2\.json: .*truncated/);
    expect(g.error).toContain(`at byte ${Buffer.byteLength(TRUNCATED_2)}`);
    expect(g.counts.units).toBe(1); // file 1 landed; file 3 is not attempted after the failure
    expect(outcome(first, 'reservation').ok).toBe(true);
    expect(await rowsByOrigin('raw_tock_guest')).toEqual({ 'guest-profile-1.json': 2 });
    const [q] = await db.query<{ n: number }>(`select count(*)::int as n from elt.quarantine`);
    expect(q!.n).toBe(0);
    expect(Object.keys((await stateOf('guest'))!.files)).toEqual(['guest-profile-1.json']);
    expect((await stateOf('guest'))!.initialLoadComplete).toBe(false);
    expect(s.fileRequests('guest-profile-3.json')).toEqual([]);

    // The export now holds the complete file: the next run resumes at file 2.
    s.files.set('guest-profile-2.json', { body: FULL_2 });
    const second = await runTock(db, s.env(), { runId: 2 });
    expect(outcome(second, 'guest')).toMatchObject({ ok: true, counts: { units: 2, rowsLanded: 5 } });
    expect(s.fileRequests('guest-profile-1.json')).toHaveLength(1);
    expect(await rowsByOrigin('raw_tock_guest')).toEqual({
      'guest-profile-1.json': 2,
      'guest-profile-2.json': 4,
      'guest-profile-3.json': 1,
    });
    const state = (await stateOf('guest'))!;
    expect(Object.keys(state.files).sort()).toEqual([
      'guest-profile-1.json',
      'guest-profile-2.json',
      'guest-profile-3.json',
    ]);
    expect(state.initialLoadComplete).toBe(true);
  });

  it('the failure is logged with the file name', async () => {
    const s = await server({ files: truncatedFiles() });
    const logs = captureLogs();
    await runTock(db, s.env(), { log: logs.logger });
    const lines = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const failed = lines.find((l) => l.msg === 'failed' && l.entity === 'guest');
    expect(failed?.error).toContain('truncated');
    // The last unit started before the failure names the file.
    const landing = lines.filter((l) => l.msg === 'landing' && l.entity === 'guest').map((l) => l.origin);
    expect(landing.at(-1)).toBe('guest-profile-2.json');
  });

  it('a connection cut mid-body fails the file, names it, commits nothing; the rerun lands it', async () => {
    const body = jsonArray([reservation('r1'), reservation('r2'), reservation('r3', { note: 'x'.repeat(2000) })]);
    const s = await server({
      files: {
        'reservation-1.json': jsonArray([reservation('r0')]),
        'reservation-2.json': { body, cutAfterBytes: body.indexOf('xxxx') },
      },
    });
    const first = await runTock(db, s.env());
    const r = outcome(first, 'reservation');
    expect(r.ok).toBe(false);
    expect(r.error).toContain('reservation-2.json');
    expect(r.error).not.toContain(s.signature());
    expect(await rowsByOrigin('raw_tock_reservation')).toEqual({ 'reservation-1.json': 1 });
    expect(Object.keys((await stateOf('reservation'))!.files)).toEqual(['reservation-1.json']);

    s.files.set('reservation-2.json', { body });
    const second = await runTock(db, s.env(), { runId: 2 });
    expect(outcome(second, 'reservation').ok).toBe(true);
    expect(await rowsByOrigin('raw_tock_reservation')).toEqual({ 'reservation-1.json': 1, 'reservation-2.json': 3 });
  });
});

describe('invalid JSON inside a record', () => {
  // Except for the first, the key is readable, so the record only fails when PostgreSQL converts it to jsonb.
  const cases: { label: string; broken: string }[] = [
    { label: 'the key itself is broken', broken: '{"id": tru}' },
    { label: 'broken after a good key', broken: '{"id":"r2","email":"jane@example.com","partySize": tru}' },
    { label: 'a trailing comma', broken: '{"id":"r2","partySize":2,}' },
    { label: 'a key number with leading zeros', broken: '{"id":0012,"sequenceId":1}' },
  ];
  const filesWith = (broken: string) => {
    const body = jsonArray([reservation('r1'), broken, reservation('r3')]);
    return { body, files: { 'reservation-1.json': jsonArray([reservation('r0')]), 'reservation-2.json': body } };
  };

  for (const { label, broken } of cases) {
    it(`${label}: the file fails naming it with a byte offset, commits nothing; the rerun lands it`, async () => {
      const s = await server({ files: filesWith(broken).files });
      const first = await runTock(db, s.env());
      const r = outcome(first, 'reservation');
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/^reservation-2\.json: invalid JSON in record \d+ at byte \d+/);
      expect(r.error).not.toContain('jane@example.com');
      expect(await rowsByOrigin('raw_tock_reservation')).toEqual({ 'reservation-1.json': 1 });
      const [q] = await db.query<{ n: number }>(`select count(*)::int as n from elt.quarantine`);
      expect(q!.n).toBe(0);
      expect(Object.keys((await stateOf('reservation'))!.files)).toEqual(['reservation-1.json']);

      s.files.set('reservation-2.json', { body: jsonArray([reservation('r1'), reservation('r2'), reservation('r3')]) });
      const second = await runTock(db, s.env(), { runId: 2 });
      expect(outcome(second, 'reservation').ok).toBe(true);
      expect(await rowsByOrigin('raw_tock_reservation')).toEqual({ 'reservation-1.json': 1, 'reservation-2.json': 3 });
    });

    it(`${label}: the error points at the broken record (record 2, its byte offset)`, async () => {
      const { body, files } = filesWith(broken);
      const s = await server({ files });
      const r = outcome(await runTock(db, s.env()), 'reservation');
      expect(r.error).toContain('invalid JSON in record 2 at byte');
      const at = Number(/at byte (\d+)/.exec(r.error!)?.[1]);
      const start = body.indexOf(broken);
      expect(at).toBeGreaterThanOrEqual(start);
      expect(at).toBeLessThan(start + broken.length);
    });
  }

  const bigFile = () => {
    const records: string[] = [];
    // ~9.5 MB: more than one COPY chunk (8 MB) in the loader.
    for (let i = 0; i < 20_000; i++) records.push(JSON.stringify(reservation(`r${i}`, { note: 'n'.repeat(400) })));
    records[15_000] = '{"id":"r15000","partySize": tru}';
    return { body: jsonArray(records), broken: records[15_000] };
  };

  it('a broken record far into a big file fails the whole file', async () => {
    const { body } = bigFile();
    const s = await server({ files: { 'reservation-1.json': body } });
    const r = outcome(await runTock(db, s.env()), 'reservation');
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^reservation-1\.json: invalid JSON in record \d+ at byte \d+/);
    expect(await rowsByOrigin('raw_tock_reservation')).toEqual({});
    expect(await stateOf('reservation')).toBeUndefined();
  });

  it('a broken record far into a big file is reported with its own index and offset', async () => {
    const { body, broken } = bigFile();
    const s = await server({ files: { 'reservation-1.json': body } });
    const r = outcome(await runTock(db, s.env()), 'reservation');
    expect(r.error).toContain(`invalid JSON in record 15001 at byte ${body.indexOf(broken)}`);
  });
});

describe('records that cannot be landed', () => {
  it('non-objects and keyless records are quarantined with reason, text and origin; the rest lands once', async () => {
    const bad: [string, string][] = [
      ['42', 'record is a number, not a JSON object'],
      ['"x"', 'record is a string, not a JSON object'],
      ['null', 'record is null, not a JSON object'],
      ['[1]', 'record is an array, not a JSON object'],
      ['true', 'record is a boolean, not a JSON object'],
      ['{"id":"profile-without-patron"}', 'missing key patron.id'],
      ['{"id":"p2","patron":{"id":null}}', 'missing key patron.id'],
      ['{"id":"p3","patron":{"id":true}}', 'key patron.id is a boolean, not a string or number'],
      ['{"id":"p4","patron":{"id":"  "}}', 'empty key patron.id'],
      ['{"id":"p5","patron":"not an object"}', 'missing key patron.id'],
    ];
    const dup = JSON.stringify(guest('2'));
    const elements = [
      JSON.stringify(guest('1')),
      ...bad.slice(0, 5).map((b) => b[0]),
      dup,
      dup,
      ...bad.slice(5).map((b) => b[0]),
      JSON.stringify(guest('3')),
      dup,
    ];
    const body = jsonArray(elements);
    const s = await server({ files: { 'guest-profile-1.json': body } });
    const result = await runTock(db, s.env());
    expect(outcome(result, 'guest')).toMatchObject({
      ok: true,
      counts: { rowsSeen: elements.length, rowsLanded: 3, rowsQuarantined: bad.length, units: 1 },
    });

    const landed = await db.query<{ _key: string; _origin: string }>(
      `select _key, _origin from raw.raw_tock_guest order by _seq`,
    );
    expect(landed).toEqual([
      { _key: '1', _origin: 'guest-profile-1.json' },
      { _key: '2', _origin: 'guest-profile-1.json' },
      { _key: '3', _origin: 'guest-profile-1.json' },
    ]);

    const q = await db.query<{
      reason: string;
      raw_text: string;
      origin: string;
      record_index: number;
      byte_offset: number;
      entity: string;
      source_instance: string;
    }>(
      `select reason, raw_text, origin, record_index, byte_offset, entity, source_instance
       from elt.quarantine order by record_index`,
    );
    expect(q.map((r) => [r.raw_text, r.reason])).toEqual(bad);
    for (const row of q) {
      expect(row).toMatchObject({ origin: 'guest-profile-1.json', entity: 'guest', source_instance: 'default' });
      expect(elements[row.record_index]).toBe(row.raw_text);
      expect(body.slice(row.byte_offset, row.byte_offset + row.raw_text.length)).toBe(row.raw_text);
    }
    // The file counts as landed: its good records and its quarantine committed together with the state.
    expect(Object.keys((await stateOf('guest'))!.files)).toEqual(['guest-profile-1.json']);
  });

  it('a reservation without id is quarantined, the others land', async () => {
    const s = await server({
      files: {
        'reservation-1.json': jsonArray([
          reservation('r1'),
          '{"sequenceId":0,"partySize":2}',
          '{"id":null,"sequenceId":1}',
          reservation(77),
        ]),
      },
    });
    const result = await runTock(db, s.env());
    expect(outcome(result, 'reservation').counts).toMatchObject({ rowsLanded: 2, rowsQuarantined: 2 });
    const keys = await db.query<{ _key: string }>(`select _key from raw.raw_tock_reservation order by _seq`);
    expect(keys.map((k) => k._key)).toEqual(['r1', '77']);
    const reasons = await db.query<{ reason: string }>(
      `select reason from elt.quarantine where entity = 'reservation' order by record_index`,
    );
    expect(reasons.map((r) => r.reason)).toEqual(['missing key id', 'missing key id']);
  });

  it('the same record in two files is one version; an edit is a second version', async () => {
    const same = guest('500');
    const edited = guest('501', { version: 2, email: 'new@example.com' });
    const s = await server({
      files: {
        'guest-profile-1.json': jsonArray([same, guest('501')]),
        'guest-profile-2.json': jsonArray([same, edited]),
      },
    });
    const result = await runTock(db, s.env());
    expect(outcome(result, 'guest')).toMatchObject({ ok: true, counts: { units: 2, rowsSeen: 4, rowsLanded: 3 } });
    const rows = await db.query<{ _key: string; _origin: string; profile: string }>(
      `select _key, _origin, record->>'id' as profile from raw.raw_tock_guest order by _seq`,
    );
    expect(rows).toEqual([
      { _key: '500', _origin: 'guest-profile-1.json', profile: 'profile-500-1' },
      { _key: '501', _origin: 'guest-profile-1.json', profile: 'profile-501-1' },
      { _key: '501', _origin: 'guest-profile-2.json', profile: 'profile-501-2' },
    ]);
  });

  it('uint64 keys written as bare numbers keep every digit', async () => {
    const s = await server({
      files: {
        'guest-profile-1.json':
          '[{"id":1,"patron":{"id":18446744073709551615}},{"id":2,"patron":{"id":"18446744073709551614"}},' +
          '{"id":3,"patron":{"id":9007199254740993}}]',
        'reservation-1.json': '[{"id":18446744072709551000,"sequenceId":1},{"id":12345,"sequenceId":1}]',
      },
    });
    const result = await runTock(db, s.env());
    expect(result.outcomes.every((o) => o.ok)).toBe(true);
    const g = await db.query<{ _key: string; raw: string }>(
      `select _key, record->'patron'->>'id' as raw from raw.raw_tock_guest order by _seq`,
    );
    expect(g.map((r) => r._key)).toEqual(['18446744073709551615', '18446744073709551614', '9007199254740993']);
    for (const r of g) expect(r._key).toBe(r.raw);
    const r = await db.query<{ _key: string }>(`select _key from raw.raw_tock_reservation order by _seq`);
    expect(r.map((x) => x._key)).toEqual(['18446744072709551000', '12345']);
  });
});

describe('keys read from the record bytes', () => {
  it('_key is the key as PostgreSQL reads the record: escapes decoded, decoys skipped, numbers verbatim', async () => {
    const s = await server({
      files: {
        'guest-profile-1.json': jsonArray([
          '{"x":{"patron":{"id":"decoy"}},"patron":{"id":"real-1"}}',
          '{"patron" : { "name":"a \\"quoted\\" }", "id" : "real-2" } }',
          '{"patron":{"id":"r\\u00e9al-3"}}',
          '{"patron":{"id":-5}}',
        ]),
        'reservation-1.json': jsonArray(['{"note":"has \\"id\\": inside","id":"res-1"}', '{"id":"res-\\u0032"}']),
      },
    });
    const result = await runTock(db, s.env());
    expect(result.outcomes.every((o) => o.ok)).toBe(true);
    const g = await db.query<{ _key: string; fromRecord: string }>(
      `select _key, record->'patron'->>'id' as "fromRecord" from raw.raw_tock_guest order by _seq`,
    );
    expect(g.map((r) => r._key)).toEqual(['real-1', 'real-2', 'r\u00e9al-3', '-5']);
    for (const r of g) expect(r._key).toBe(r.fromRecord);
    const r = await db.query<{ _key: string }>(`select _key from raw.raw_tock_reservation order by _seq`);
    expect(r.map((x) => x._key)).toEqual(['res-1', 'res-2']);
  });

  it("a record repeating its key member lands with _key = record->>'id'", async () => {
    const s = await server({ files: { 'reservation-1.json': jsonArray(['{"id":"a","sequenceId":1,"id":"b"}']) } });
    await runTock(db, s.env());
    const [row] = await db.query<{ _key: string; id: string }>(
      `select _key, record->>'id' as id from raw.raw_tock_reservation`,
    );
    expect(row!._key).toBe(row!.id);
  });
});

describe('file shapes', () => {
  it('a single top-level object lands as one record', async () => {
    const nested = { tags: ['a', 'b'], nested: { list: [{ x: 1 }] } };
    const s = await server({
      files: {
        'guest-profile-1.json': `\n  ${JSON.stringify(guest('900', nested))}\n`,
        'reservation-1.json': JSON.stringify(reservation('r900')),
      },
    });
    const result = await runTock(db, s.env());
    expect(outcome(result, 'guest')).toMatchObject({ ok: true, counts: { rowsSeen: 1, rowsLanded: 1, units: 1 } });
    expect(outcome(result, 'reservation')).toMatchObject({
      ok: true,
      counts: { rowsSeen: 1, rowsLanded: 1, units: 1 },
    });
    const [g] = await db.query<{ _key: string; tags: string[]; x: number }>(
      `select _key, array(select jsonb_array_elements_text(record->'tags')) as tags,
              (record->'nested'->'list'->0->>'x')::int as x
       from raw.raw_tock_guest`,
    );
    expect(g).toEqual({ _key: '900', tags: ['a', 'b'], x: 1 });
    const [r] = await db.query<{ _key: string }>(`select _key from raw.raw_tock_reservation`);
    expect(r!._key).toBe('r900');
  });

  it('an empty array lands no rows but counts as landed; a UTF-8 BOM is accepted', async () => {
    const s = await server({
      files: {
        'guest-profile-1.json': '[]',
        'guest-profile-2.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(jsonArray([guest('1')]))]),
      },
    });
    const result = await runTock(db, s.env());
    expect(outcome(result, 'guest')).toMatchObject({ ok: true, counts: { units: 2, rowsLanded: 1 } });
    expect(Object.keys((await stateOf('guest'))!.files).sort()).toEqual([
      'guest-profile-1.json',
      'guest-profile-2.json',
    ]);
  });

  it('a file that is not JSON at all fails with the offset and lands nothing', async () => {
    const s = await server({ files: { 'guest-profile-1.json': '<html>oops</html>' } });
    const result = await runTock(db, s.env());
    expect(outcome(result, 'guest').ok).toBe(false);
    expect(outcome(result, 'guest').error).toContain('expected a JSON array or object at byte 0');
    expect(await stateOf('guest')).toBeUndefined();
  });
});

describe('incremental runs on the scripted server', () => {
  it('skips the unchanged newest file, re-lands it when its content changes, then takes only a newer one', async () => {
    const s = await server({
      files: {
        'guest-profile-1.json': jsonArray([guest('1'), guest('2')]),
        'guest-profile-2.json': jsonArray([guest('3')]),
      },
    });
    expect(outcome(await runTock(db, s.env()), 'guest').counts).toMatchObject({ units: 2, rowsLanded: 3 });

    // Unchanged: only the newest file is opened, and nothing is landed from it.
    expect(outcome(await runTock(db, s.env(), { runId: 2 }), 'guest').counts).toEqual({
      rowsSeen: 0,
      rowsLanded: 0,
      rowsQuarantined: 0,
      units: 0,
    });
    expect(s.fileRequests('guest-profile-1.json')).toHaveLength(1);
    expect(s.fileRequests('guest-profile-2.json')).toHaveLength(2);

    // The newest file was rewritten in place (new etag): it lands again, adding only the new version.
    s.files.set('guest-profile-2.json', { body: jsonArray([guest('3'), guest('4')]) });
    expect(outcome(await runTock(db, s.env(), { runId: 3 }), 'guest').counts).toMatchObject({
      units: 1,
      rowsSeen: 2,
      rowsLanded: 1,
    });

    // A newer export appears and an old file changes: only the newest is taken.
    s.files.set('guest-profile-1.json', { body: jsonArray([guest('1', { version: 9 })]) });
    s.files.set('guest-profile-3.json', { body: jsonArray([guest('5')]) });
    expect(outcome(await runTock(db, s.env(), { runId: 4 }), 'guest').counts).toMatchObject({
      units: 1,
      rowsLanded: 1,
    });
    expect(s.fileRequests('guest-profile-1.json')).toHaveLength(1);
    expect(s.fileRequests('guest-profile-2.json')).toHaveLength(3);
    const keys = await db.query<{ _key: string; _run_id: number }>(
      `select _key, _run_id from raw.raw_tock_guest order by _seq`,
    );
    expect(keys.map((k) => `${k._key}@${k._run_id}`)).toEqual(['1@1', '2@1', '3@1', '4@3', '5@4']);
    const state = (await stateOf('guest'))!;
    expect(Object.keys(state.files).sort()).toEqual([
      'guest-profile-1.json',
      'guest-profile-2.json',
      'guest-profile-3.json',
    ]);
  });
});
