/**
 * The opt-in live suite: the same pipeline against a real BigQuery project. Skipped unless
 * BIGQUERY_TEST_PROJECT is set (credentials: Application Default Credentials, e.g.
 * GOOGLE_APPLICATION_CREDENTIALS; location: BIGQUERY_TEST_LOCATION, default US; optional
 * BIGQUERY_TEST_STAGING_BUCKET to also run the GCS path). Every dataset it creates has a random name and
 * is deleted at the end.
 *
 * What only this suite verifies: that BigQuery runs our SQL as ZetaSQL analysed it (transactions,
 * @@row_count, QUALIFY), that load jobs accept our NDJSON into JSON columns and name rejected rows by byte
 * position, that uint64 ids come back exact, partitioning/clustering, the lock under real concurrency,
 * and dbt build (models, tests) on BigQuery.
 */
import { randomBytes } from 'node:crypto';
import { BigQuery } from '@google-cloud/bigquery';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonRecords } from '../../extract/kit/records/json-records.js';
import { BigQueryWarehouse } from '../../extract/kit/warehouse/bigquery/bigquery-warehouse.js';
import { resolveBigQueryTarget } from '../../extract/kit/warehouse/bigquery/config.js';
import { projectPath } from '../../extract/kit/paths.js';

const PROJECT = process.env.BIGQUERY_TEST_PROJECT;
const LOCATION = process.env.BIGQUERY_TEST_LOCATION || 'US';
const RUN = `elt_live_${randomBytes(4).toString('hex')}`;
const created: string[] = [];

afterAll(async () => {
  if (!PROJECT) return;
  const client = new BigQuery({ projectId: PROJECT, location: LOCATION });
  const [datasets] = await client.getDatasets();
  for (const dataset of datasets) {
    if (dataset.id?.startsWith(RUN) || created.includes(dataset.id ?? ''))
      await dataset.delete({ force: true }).catch(() => undefined);
  }
}, 600_000);

async function* chunks(text: string) {
  yield Buffer.from(text);
}

describe.skipIf(!PROJECT)('BigQuery live (BIGQUERY_TEST_PROJECT)', () => {
  const env = {
    BIGQUERY_PROJECT: PROJECT ?? '',
    BIGQUERY_DATASET: RUN,
    BIGQUERY_LOCATION: LOCATION,
    BIGQUERY_STAGING_BUCKET: process.env.BIGQUERY_TEST_STAGING_BUCKET ?? '',
  };

  it('lands, deduplicates, quarantines, keeps uint64 ids exact, and holds the lock', async () => {
    const target = resolveBigQueryTarget(env);
    created.push(target.dataset, target.metaDataset);
    const warehouse = new BigQueryWarehouse(target);
    const rival = new BigQueryWarehouse(target);
    try {
      await warehouse.connect();
      expect(await warehouse.tryLock()).toBe(true);
      expect(await rival.tryLock()).toBe(false);
      await warehouse.prepare(['raw_tock_guest']);
      const runId = await warehouse.startRun(['live'], false);
      const deep = `${'{"d":'.repeat(600)}1${'}'.repeat(600)}`;
      const document = `[
        {"patron":{"id":18446744073709551615},"name":"uint64"},
        {"patron":{"id":"42"},
         "name":"pretty"},
        42,
        {"patron":{"id":7},"deep":${deep}}
      ]`;
      const landing = {
        source: 'tock',
        entity: 'guest',
        instance: 'default',
        table: 'raw_tock_guest',
        keyPath: ['patron', 'id'],
        runId,
      };
      const first = await warehouse.land(landing, {
        origin: 'live-1.json',
        records: readJsonRecords(chunks(document)),
        state: { n: 1 },
      });
      expect(first).toMatchObject({ seen: 4, landed: 2, quarantined: 2 });
      const again = await warehouse.land(landing, {
        origin: 'live-1.json',
        records: readJsonRecords(chunks(document)),
        state: { n: 2 },
      });
      expect(again).toMatchObject({ seen: 4, landed: 0 });
      expect(await warehouse.loadState('tock', 'guest', 'default')).toEqual({ n: 2 });

      const { rows } = await warehouse.api.query({
        sql: `SELECT _key, JSON_VALUE(record, '$.patron.id') AS id, _seq
FROM \`${PROJECT}.${target.dataset}.raw_tock_guest\` ORDER BY _seq`,
        params: {},
      });
      expect(rows.map((r) => [r._key, r.id])).toEqual([
        ['18446744073709551615', '18446744073709551615'],
        ['42', '42'],
      ]);
      const status = await warehouse.status();
      expect(status.quarantine).toEqual([expect.objectContaining({ source: 'tock', entity: 'guest', count: 2 })]);
      await warehouse.finishRun(runId, 'completed', null, null);
    } finally {
      await rival.close();
      await warehouse.close();
    }
  }, 1_800_000);

  it('runs the demo pipeline and dbt build on BigQuery', async () => {
    const childEnv = { ...process.env, ...env, ELT_WAREHOUSE: 'bigquery', BIGQUERY_DBT_DATASET: `${RUN}_dbt` };
    const extract = await execa('npm', ['run', '-s', 'elt', '--', '--demo', '--no-dbt'], {
      cwd: projectPath('.'),
      env: childEnv,
      reject: false,
      all: true,
    });
    expect(extract.exitCode, extract.all).toBe(0);
    const dbt = await execa('npm', ['run', '-s', 'dbt', '--', 'build', '--demo'], {
      cwd: projectPath('.'),
      env: childEnv,
      reject: false,
      all: true,
    });
    expect(dbt.exitCode, dbt.all).toBe(0);
    const fixtures = await execa(
      'npm',
      ['run', '-s', 'dbt', '--', 'build', '--vars', `{fixtures: true, raw_schema: ${RUN}}`],
      {
        cwd: projectPath('.'),
        env: childEnv,
        reject: false,
        all: true,
      },
    );
    expect(fixtures.exitCode, fixtures.all).toBe(0);
  }, 3_600_000);
});
