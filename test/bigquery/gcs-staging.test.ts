/**
 * Loads staged through GCS (BIGQUERY_STAGING_BUCKET): each chunk is uploaded as an object with a resumable
 * upload, loaded from its gs:// URI, and deleted after the unit commits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STAGE_FIELDS } from '../../extract/kit/warehouse/bigquery/schema.js';
import { answerLanding, fakeWithWarehouse, guestTarget, testTarget, unitOf } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const RECORDS = [
  '{"patron":{"id":1},"n":"first guest"}',
  '{"patron":{"id":2},"n":"second guest"}',
  '{"patron":{"id":3},"n":"third guest"}',
];

/** A warehouse staging through a bucket of the fake, in chunks of one or two records; faults go in before it lands. */
async function stagingWarehouse() {
  const target = testTarget({ BIGQUERY_STAGING_BUCKET: 'gs://elt-staging-bucket/team-a' });
  const env = await fakeWithWarehouse({ target, warehouse: { loader: { chunkBytes: 150 } } });
  cleanup = env.close;
  await env.warehouse.prepare(['raw_tock_guest']);
  env.fake.onQuery = answerLanding(3, 0);
  return { fake: env.fake, land: () => env.warehouse.land(guestTarget(), unitOf(`[${RECORDS.join(',')}]`)) };
}

describe('BigQuery loads staged through GCS', () => {
  it('uploads each chunk to the bucket, loads it from its gs:// URI and deletes it after the commit', async () => {
    const { fake, land } = await stagingWarehouse();
    const result = await land();
    expect(result).toMatchObject({ seen: 3, landed: 3 });

    const loads = fake.requests.filter((r) => r.method === 'POST' && r.json?.configuration?.load);
    expect(loads.length).toBeGreaterThanOrEqual(2);
    const uris = loads.flatMap((l) => l.json.configuration.load.sourceUris as string[]);
    for (const uri of uris) expect(uri).toMatch(/^gs:\/\/elt-staging-bucket\/team-a\/elt-staging\/stage_7_[0-9a-f]{12}\/chunk-\d{6}\.ndjson$/);
    expect(loads[0]!.json.configuration.load).toMatchObject({ sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_APPEND', schema: { fields: STAGE_FIELDS } });
    expect(fake.uploads()).toHaveLength(0); // nothing went through the BigQuery upload endpoint
    // Uploaded with GCS resumable uploads; the loaded lines are every record, in order.
    expect(fake.requests.some((r) => r.path === '/upload/storage/v1/b/elt-staging-bucket/o' && r.query.get('uploadType') === 'resumable')).toBe(true);
    const stage = loads[0]!.json.configuration.load.destinationTable.tableId;
    expect((fake.loadedHistory.get(`raw_elt.${stage}`) ?? []).map((l) => JSON.parse(l).rec_index)).toEqual([0, 1, 2]);
    // Objects are deleted after the commit.
    expect(fake.objects.size).toBe(0);
  });

  it('retries a failed chunk upload on its resumable session, asking GCS where to resume', async () => {
    const { fake, land } = await stagingWarehouse();
    // The first chunk's bytes are lost on the way; the second chunk arrives but its answer is lost.
    fake.fail({ method: 'PUT', path: /^\/gcs-session\/0$/, status: 503, times: 1 });
    fake.fail({ method: 'PUT', path: /^\/gcs-session\/1$/, status: 503, times: 1, afterHandling: true });
    const result = await land();
    expect(result).toMatchObject({ seen: 3, landed: 3 });

    expect(fake.faults.every((f) => f.times === 0)).toBe(true);
    const loads = fake.requests.filter((r) => r.method === 'POST' && r.json?.configuration?.load);
    const sessions = fake.requests.filter((r) => r.path === '/upload/storage/v1/b/elt-staging-bucket/o');
    expect(sessions).toHaveLength(loads.length); // one session per chunk, retries included
    const statusChecks = fake.requests.filter((r) => r.method === 'PUT' && r.headers['content-range'] === 'bytes */*');
    expect(statusChecks.map((r) => r.path).sort()).toEqual(['/gcs-session/0', '/gcs-session/1']);
    const stage = loads[0]!.json.configuration.load.destinationTable.tableId;
    expect((fake.loadedHistory.get(`raw_elt.${stage}`) ?? []).map((l) => JSON.parse(l).rec_index)).toEqual([0, 1, 2]);
  });
});
