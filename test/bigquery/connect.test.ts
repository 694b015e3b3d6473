/**
 * Choosing BigQuery (ELT_WAREHOUSE=bigquery) and what a user sees when it is misconfigured: one sentence
 * for missing or refused credentials, a project without access, a dataset in another location.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbtConnection } from '../../extract/kit/dbt/connection.js';
import { silentLogger } from '../../extract/kit/log.js';
import { explainConnectError } from '../../extract/kit/warehouse/bigquery/errors.js';
import { UsageError } from '../../extract/orchestrator/args.js';
import { openWarehouse, WarehouseUnreachable } from '../../extract/orchestrator/environment.js';
import { FakeBigQuery, stubAuthClient } from './fake-bigquery.js';
import { testTarget } from './helpers.js';

const SAVED = { ...process.env };
let fake: FakeBigQuery;
let scratch: string;

beforeEach(async () => {
  fake = new FakeBigQuery();
  await fake.start();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'elt-bq-connect-'));
  Object.assign(process.env, {
    ELT_WAREHOUSE: 'bigquery',
    BIGQUERY_PROJECT: 'test-project',
    BIGQUERY_DATASET: 'raw',
    BIGQUERY_LOCATION: 'US',
  });
});

afterEach(async () => {
  for (const key of Object.keys(process.env)) if (!(key in SAVED)) delete process.env[key];
  Object.assign(process.env, SAVED);
  await fake.stop();
  await rm(scratch, { recursive: true, force: true });
});

const fast = () => ({
  apiEndpoint: fake.endpoint,
  retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  poll: { initialMs: 1, maxMs: 2 },
});

async function openError(
  options: Parameters<typeof openWarehouse>[2] = { bigquery: { ...fast(), authClient: stubAuthClient() } },
): Promise<Error> {
  const error = await openWarehouse(false, silentLogger, options).then(
    async (opened) => {
      await opened.close();
      return new Error('opened');
    },
    (e: Error) => e,
  );
  return error;
}

describe('choosing and opening BigQuery', () => {
  it('opens BigQuery with ELT_WAREHOUSE=bigquery, with the dbt target and settings for it', async () => {
    const opened = await openWarehouse(false, silentLogger, { bigquery: { ...fast(), authClient: stubAuthClient() } });
    try {
      expect(opened.kind).toBe('bigquery');
      expect(opened.warehouse.description).toBe('BigQuery test-project.raw (US)');
      expect(opened.dbt.target).toBe('bigquery');
      expect(opened.dbt.env).toMatchObject({
        BIGQUERY_PROJECT: 'test-project',
        BIGQUERY_DATASET: 'raw',
        BIGQUERY_LOCATION: 'US',
        BIGQUERY_DBT_DATASET: 'analytics',
      });
      expect(opened.dbt.vars).toEqual({ raw_schema: 'raw' });
      expect(() => opened.target).toThrow(/bigquery/);
      // The first requests check the raw and meta datasets (credentials, project, location).
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /bigquery/v2/projects/test-project/datasets/raw',
        'GET /bigquery/v2/projects/test-project/datasets/raw_elt',
      ]);
    } finally {
      await opened.close();
    }
    const demo = await openWarehouse(true, silentLogger, { bigquery: { ...fast(), authClient: stubAuthClient() } });
    expect(demo.warehouse.description).toBe('BigQuery test-project.raw_demo (US)');
    expect(demo.dbt.env).toMatchObject({ BIGQUERY_DATASET: 'raw_demo', BIGQUERY_DBT_DATASET: 'analytics_demo' });
    expect(demo.dbt.vars).toEqual({ raw_schema: 'raw_demo' });
    await demo.close();
  });

  it('npm run dbt uses the bigquery target with the same settings', async () => {
    process.env.BIGQUERY_DBT_DATASET = 'marts_here';
    const connection = await dbtConnection({ demo: false, args: ['build'] });
    expect(connection.target).toBe('bigquery');
    expect(connection.env).toMatchObject({
      BIGQUERY_PROJECT: 'test-project',
      BIGQUERY_DATASET: 'raw',
      BIGQUERY_DBT_DATASET: 'marts_here',
      BIGQUERY_LOCATION: 'US',
    });
    expect(connection.vars).toEqual({ raw_schema: 'raw' });
    // A command line with its own --vars keeps them (dbt reads only the last --vars).
    expect((await dbtConnection({ args: ['build', '--vars', '{fixtures: true}'] })).vars).toBeUndefined();
  });

  it('reports missing settings as a usage error', async () => {
    delete process.env.BIGQUERY_PROJECT;
    const missing = await openError();
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.message).toBe('ELT_WAREHOUSE=bigquery needs BIGQUERY_PROJECT (the Google Cloud project id).');
    process.env.ELT_WAREHOUSE = 'snowflake';
    const unknown = await openError();
    expect(unknown).toBeInstanceOf(UsageError);
    expect(unknown.message).toBe('ELT_WAREHOUSE must be "postgres" or "bigquery", got "snowflake".');
  });

  it('explains a credentials file that does not exist in one sentence', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(scratch, 'missing-key.json');
    const error = await openError({ bigquery: fast() });
    expect(error).toBeInstanceOf(WarehouseUnreachable);
    expect(error.message).toBe(
      `GOOGLE_APPLICATION_CREDENTIALS points to ${path.join(scratch, 'missing-key.json')}, ` +
        'which does not exist or is not a file.',
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('explains missing credentials in one sentence', async () => {
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    Object.assign(process.env, {
      HOME: scratch,
      CLOUDSDK_CONFIG: scratch,
      APPDATA: scratch,
      METADATA_SERVER_DETECTION: 'none',
    });
    const error = await openError({ bigquery: fast() });
    expect(error).toBeInstanceOf(WarehouseUnreachable);
    expect(error.message).toBe(
      'No Google credentials for BigQuery were found: ' +
        'set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, ' +
        'or run "gcloud auth application-default login".',
    );
  });

  it('explains refused credentials (401) and a project without access (403) in one sentence', async () => {
    fake.fail({
      path: /datasets/,
      status: 401,
      times: 1,
      body: {
        error: {
          code: 401,
          message: 'Request had invalid authentication credentials.',
          errors: [{ reason: 'authError', message: 'Invalid Credentials' }],
        },
      },
    });
    const refused = await openError();
    expect(refused).toBeInstanceOf(WarehouseUnreachable);
    expect(refused.message).toMatch(
      new RegExp(
        /^BigQuery refused the credentials \(401: Request had invalid authentication credentials\.[^)]*\): /.source +
          'set GOOGLE_APPLICATION_CREDENTIALS',
      ),
    );
    expect(refused.message.split('\n')).toHaveLength(1);

    fake.fail({
      path: /datasets/,
      status: 403,
      times: 1,
      body: {
        error: {
          code: 403,
          message: 'Access Denied: Dataset test-project:raw: Permission bigquery.datasets.get denied',
          errors: [{ reason: 'accessDenied' }],
        },
      },
    });
    const denied = await openError();
    expect(denied.message).toBe(
      'The credentials have no access to BigQuery project test-project ' +
        '(403: Access Denied: Dataset test-project:raw: Permission bigquery.datasets.get denied).',
    );
  });

  it('explains a dataset in another location', async () => {
    fake.datasets.set('raw', { location: 'EU' });
    const error = await openError();
    expect(error).toBeInstanceOf(WarehouseUnreachable);
    expect(error.message).toBe(
      'BigQuery dataset test-project.raw is in location EU, but BIGQUERY_LOCATION is US: ' +
        'set BIGQUERY_LOCATION=EU or use a dataset in US.',
    );
    // A job sent to the wrong location fails with a "not found in location" error: explained the same way.
    const job = Object.assign(new Error('Not found: Dataset test-project:raw was not found in location US'), {
      code: 404,
    });
    expect(explainConnectError(job, testTarget())).toBe(
      'A dataset of test-project is not in location US (BIGQUERY_LOCATION=US): ' +
        'Not found: Dataset test-project:raw was not found in location US.',
    );
  });
});
