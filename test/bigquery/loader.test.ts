/**
 * Wire-level contract of the BigQuery loader against a loopback server playing the REST API: the staging
 * table, the load job's configuration, the exact NDJSON bytes, the transaction, polling, and what happens
 * on bad rows, 5xx, quota errors and lost answers.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordSyntaxError } from '../../extract/kit/records/prepare.js';
import { STAGE_FIELDS } from '../../extract/kit/warehouse/bigquery/schema.js';
import { answerLanding, fakeWithWarehouse, guestTarget, inOrder, PROJECT, unitOf } from './helpers.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

const R0 = '{"patron":{"id":18446744073709551615,"email":"a@x"},"id":1}';
const R1 = '{"patron":{"id":"42"},\n "note":"multi"}';
const R3 = '{"patron":{"id":9007199254740993},"balance":0.1234567890123456789}';
const R4 = '{"nokey":true}';
const DOCUMENT = `[\n${R0},\n${R1},\n42,\n${R3},\n${R4}\n]\n`;
const offset = (text: string) => Buffer.byteLength(DOCUMENT.slice(0, DOCUMENT.indexOf(text)));

/** What the loader must send for DOCUMENT, byte for byte. */
const EXPECTED_NDJSON = [
  `{"rec_index":0,"rec_offset":${offset(R0)},"record_key":"18446744073709551615","content_hash":"${md5(R0)}",` +
    `"record":{"patron":{"id":"18446744073709551615","email":"a@x"},"id":1}}`,
  `{"rec_index":1,"rec_offset":${offset(R1)},"record_key":"42","content_hash":"${md5(R1)}",` +
    `"record":{"patron":{"id":"42"},  "note":"multi"}}`,
  `{"rec_index":2,"rec_offset":${offset('42,\n{"patron":{"id":9')},"record_key":null,` +
    `"problem":"record is a number, not a JSON object","raw_text":"42"}`,
  `{"rec_index":3,"rec_offset":${offset(R3)},"record_key":"9007199254740993","content_hash":"${md5(R3)}",` +
    `"record":{"patron":{"id":9007199254740993},"balance":"0.1234567890123456789"}}`,
  `{"rec_index":4,"rec_offset":${offset(R4)},"record_key":null,` +
    `"problem":"missing key patron.id","raw_text":"{\\"nokey\\":true}"}`,
]
  .map((line) => line + '\n')
  .join('');

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function setUp(options: Parameters<typeof fakeWithWarehouse>[0] = {}) {
  const env = await fakeWithWarehouse(options);
  cleanup = env.close;
  await env.warehouse.prepare(['raw_tock_guest']);
  env.fake.requests.length = 0;
  return env;
}

describe('BigQuery loader (wire)', () => {
  it('lands a unit: staging table, one NDJSON load job, one transaction, staging dropped', async () => {
    const { fake, warehouse } = await setUp({ pollsBeforeDone: 3 });
    fake.onQuery = answerLanding(2, 2);
    const result = await warehouse.land(guestTarget(), unitOf(DOCUMENT));
    expect(result).toEqual({ seen: 5, landed: 2, quarantined: 2, bytes: Buffer.byteLength(R0 + R1 + '42' + R3 + R4) });

    // 1. The staging table: the stage schema, in the meta dataset, expiring by itself.
    const created = fake.requests.find(
      (r) => r.method === 'POST' && r.path === `/bigquery/v2/projects/${PROJECT}/datasets/raw_elt/tables`,
    )!;
    const stage = created.json.tableReference.tableId as string;
    expect(stage).toMatch(/^stage_7_[0-9a-f]{12}$/);
    expect(created.json.schema.fields).toEqual(STAGE_FIELDS);
    expect(Number(created.json.expirationTime)).toBeGreaterThan(Date.now());

    // 2. One multipart upload: the load job's configuration and the exact bytes.
    const [upload, ...more] = fake.uploads();
    expect(more).toHaveLength(0);
    expect(upload!.path).toBe(`/upload/bigquery/v2/projects/${PROJECT}/jobs`);
    expect(upload!.query.get('uploadType')).toBe('multipart');
    expect(upload!.headers.authorization).toBe('Bearer test-token');
    const job = upload!.multipart!.metadata;
    expect(job.jobReference).toMatchObject({ projectId: PROJECT, location: 'US' });
    expect(job.configuration.load).toEqual({
      destinationTable: { projectId: PROJECT, datasetId: 'raw_elt', tableId: stage },
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      schema: { fields: STAGE_FIELDS },
      writeDisposition: 'WRITE_APPEND',
      createDisposition: 'CREATE_NEVER',
      maxBadRecords: 1000,
      ignoreUnknownValues: false,
      encoding: 'UTF-8',
    });
    expect(upload!.multipart!.media.toString('utf8')).toBe(EXPECTED_NDJSON);

    // 3. Polled with jobs.get until DONE.
    const polls = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/jobs/${job.jobReference.jobId}`));
    expect(polls).toHaveLength(3);

    // 4. One script: a transaction with the raw insert (new versions only), quarantine and state.
    const [script, ...others] = fake.queries();
    expect(others).toHaveLength(0);
    const sql = script!.sql;
    expect(sql).toMatch(
      inOrder(
        /BEGIN TRANSACTION;/,
        /INSERT INTO `test-project\.raw\.raw_tock_guest`/,
        /INSERT INTO `test-project\.raw_elt\.quarantine`/,
        /INSERT INTO `test-project\.raw_elt\.state`/,
        /COMMIT TRANSACTION;/,
      ),
    );
    expect(sql).toContain(`FROM \`test-project.raw_elt.${stage}\``);
    expect(sql).toMatch(
      new RegExp(
        /WHERE NOT EXISTS \(\s*SELECT 1 FROM `test-project\.raw\.raw_tock_guest` AS r\s*/.source +
          /WHERE r\._source_instance = @instance AND r\._key = s\.record_key AND r\._hash = s\.content_hash/.source,
      ),
    );
    expect(sql).toContain('QUALIFY ROW_NUMBER() OVER (PARTITION BY record_key, content_hash ORDER BY rec_index) = 1');
    expect(sql).toMatch(/EXCEPTION WHEN ERROR THEN\s+ROLLBACK TRANSACTION;/);
    expect(script!.params).toEqual({
      instance: 'default',
      origin: 'guest-profile-1.json',
      run_id: '7',
      source: 'tock',
      entity: 'guest',
      state: JSON.stringify({ files: ['guest-profile-1.json'] }),
    });
    expect(script!.labels).toEqual({ tool: 'hospitality-elt', step: 'land' });

    // 5. The staging table is dropped after the commit.
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: `/bigquery/v2/projects/${PROJECT}/datasets/raw_elt/tables/${stage}`,
    });
    expect(fake.tables.has(`raw_elt.${stage}`)).toBe(false);
  });

  it('splits a large unit into several load jobs whose bytes add up to the whole unit', async () => {
    const { fake, warehouse } = await setUp({ warehouse: { loader: { chunkBytes: 300, maxLoadsInFlight: 2 } } });
    fake.onQuery = answerLanding(40, 0);
    const records = Array.from({ length: 40 }, (_, i) => `{"patron":{"id":${1000 + i}},"name":"guest ${i}"}`);
    const result = await warehouse.land(guestTarget(), unitOf(`[${records.join(',')}]`));
    expect(result.seen).toBe(40);
    const uploads = fake.uploads();
    expect(uploads.length).toBeGreaterThan(3);
    const lines = uploads.flatMap((u) => u.multipart!.media.toString('utf8').split('\n').filter(Boolean));
    expect(lines.map((l) => JSON.parse(l).rec_index)).toEqual(records.map((_, i) => i));
    for (const u of uploads)
      expect(u.multipart!.metadata.configuration.load.destinationTable.tableId).toBe(
        uploads[0]!.multipart!.metadata.configuration.load.destinationTable.tableId,
      );
    expect(fake.queries()).toHaveLength(1);
  });

  it('sends a row BigQuery rejects to quarantine with its reason and text; the rest lands', async () => {
    const { fake, warehouse } = await setUp();
    fake.rejectLine = (line) => (line.includes('"bad"') ? 'Invalid value for JSON field record' : undefined);
    fake.onQuery = answerLanding(2, 1);
    const bad = '{"patron":{"id":2},"bad":"\\ud800"}';
    const result = await warehouse.land(guestTarget(), unitOf(`[{"patron":{"id":1}},${bad},{"patron":{"id":3}}]`));
    expect(result).toMatchObject({ seen: 3, landed: 2, quarantined: 1 });
    const [first, rejected] = fake.uploads();
    const firstLines = first!.multipart!.media.toString('utf8').split('\n');
    const position = Buffer.byteLength(firstLines[0]! + '\n');
    expect(rejected!.multipart!.metadata.configuration.load.maxBadRecords).toBe(0);
    expect(JSON.parse(rejected!.multipart!.media.toString('utf8'))).toEqual({
      rec_index: 1,
      rec_offset: 21,
      record_key: '2',
      problem:
        `rejected by BigQuery: JSON parsing error in row starting at position ${position}: ` +
        'Invalid value for JSON field record',
      raw_text: bad,
    });
    // Both loads went to the same staging table, which the transaction then reads.
    const stage = first!.multipart!.metadata.configuration.load.destinationTable.tableId;
    expect(rejected!.multipart!.metadata.configuration.load.destinationTable.tableId).toBe(stage);
    expect(fake.queries()[0]!.sql).toContain(stage);
  });

  it('fails the unit when BigQuery rejects more rows than allowed, committing nothing', async () => {
    const { fake, warehouse } = await setUp({ warehouse: { loader: { maxBadRecords: 1 } } });
    fake.rejectLine = (line) => (line.includes('"bad"') ? 'Invalid value' : undefined);
    const doc = '[{"patron":{"id":1},"bad":1},{"patron":{"id":2},"bad":2},{"patron":{"id":3}}]';
    await expect(warehouse.land(guestTarget(), unitOf(doc))).rejects.toThrow(/too many errors/);
    expect(fake.queries()).toHaveLength(0);
    expect([...fake.tables.keys()].filter((k) => k.includes('stage_'))).toEqual([]);
  });

  it('fails the unit on broken JSON grammar with the record and its byte offset, before any load', async () => {
    const { fake, warehouse } = await setUp();
    const error = await warehouse
      .land(guestTarget(), unitOf('[{"patron":{"id":1}},{"patron":{"id":2},"x":tru}]'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordSyntaxError);
    expect((error as Error).message).toMatch(/^invalid JSON in record 2 at byte 21/);
    expect(fake.uploads()).toHaveLength(0);
    expect(fake.queries()).toHaveLength(0);
  });

  it('retries 5xx and 429 answers with backoff', async () => {
    const { fake, warehouse } = await setUp();
    fake.onQuery = answerLanding(1, 0);
    fake.fail({ method: 'POST', path: /\/upload\/bigquery\/v2\/projects\/[^/]+\/jobs$/, status: 503, times: 1 });
    fake.fail({ method: 'GET', path: /\/jobs\/[^/]+$/, status: 500, times: 2 });
    fake.fail({ method: 'POST', path: /^\/bigquery\/v2\/projects\/[^/]+\/jobs$/, status: 429, times: 1 });
    fake.fail({ method: 'GET', path: /\/queries\/[^/]+$/, status: 502, times: 1 });
    const result = await warehouse.land(guestTarget(), unitOf('[{"patron":{"id":1}}]'));
    expect(result.landed).toBe(1);
    expect(fake.uploads()).toHaveLength(2);
    expect(fake.faults.every((f) => f.times === 0)).toBe(true);
  });

  it('runs a job that failed on a quota or backend error again, as a new job', async () => {
    const { fake, warehouse } = await setUp();
    let attempts = 0;
    fake.onQuery = (sql) => {
      if (!sql.includes('SET landed')) return undefined;
      attempts++;
      if (attempts === 1)
        return {
          error: {
            reason: 'quotaExceeded',
            message: 'Quota exceeded: Your project exceeded quota for concurrent queries.',
          },
        };
      if (attempts === 2)
        return {
          error: {
            reason: 'invalidQuery',
            message: 'Transaction is aborted due to concurrent update against table test-project.raw_elt.state.',
          },
        };
      return answerLanding(1, 0)(sql);
    };
    fake.loadJobErrors.push({ reason: 'backendError', message: 'Backend error. Job aborted.', times: 1 });
    const result = await warehouse.land(guestTarget(), unitOf('[{"patron":{"id":1}}]'));
    expect(result.landed).toBe(1);
    expect(attempts).toBe(3);
    const queryJobIds = fake.requests
      .filter((r) => r.method === 'POST' && /^\/bigquery\/v2\/projects\/[^/]+\/jobs$/.test(r.path))
      .map((r) => r.json.jobReference.jobId);
    expect(new Set(queryJobIds).size).toBe(3);
    expect(new Set(fake.uploads().map((u) => u.multipart!.metadata.jobReference.jobId)).size).toBe(2);
  });

  it('adopts a job whose insert went through although its answer was lost (409 on the retry)', async () => {
    const { fake, warehouse } = await setUp();
    fake.onQuery = answerLanding(1, 0);
    fake.fail({
      method: 'POST',
      path: /^\/bigquery\/v2\/projects\/[^/]+\/jobs$/,
      status: 503,
      times: 1,
      afterHandling: true,
    });
    const result = await warehouse.land(guestTarget(), unitOf('[{"patron":{"id":1}}]'));
    expect(result.landed).toBe(1);
    const inserts = fake.requests.filter(
      (r) => r.method === 'POST' && /^\/bigquery\/v2\/projects\/[^/]+\/jobs$/.test(r.path),
    );
    expect(inserts).toHaveLength(2);
    expect(inserts[0]!.json.jobReference.jobId).toBe(inserts[1]!.json.jobReference.jobId);
    expect([...fake.jobs.values()].filter((j) => j.resource.configuration.query)).toHaveLength(1);
  });

  it('fails at once on an error a retry cannot fix, and drops the staging table', async () => {
    const { fake, warehouse } = await setUp();
    fake.onQuery = (sql) =>
      sql.includes('SET landed')
        ? { error: { reason: 'invalidQuery', message: 'Unrecognized name: nope at [3:5]' } }
        : undefined;
    await expect(warehouse.land(guestTarget(), unitOf('[{"patron":{"id":1}}]'))).rejects.toThrow(
      'Unrecognized name: nope at [3:5]',
    );
    expect(fake.queries()).toHaveLength(1);
    expect([...fake.tables.keys()].filter((k) => k.includes('stage_'))).toEqual([]);
  });
});
