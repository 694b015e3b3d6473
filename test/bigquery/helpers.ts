/** Shared set-up of the BigQuery wire tests: a target, a fake server, a warehouse pointed at it with fast retries. */
import { createRequire } from 'node:module';
import type { OAuth2Client } from 'google-auth-library';
import { readJsonRecords } from '../../extract/kit/records/json-records.js';
import {
  BigQueryWarehouse,
  type BigQueryWarehouseOptions,
} from '../../extract/kit/warehouse/bigquery/bigquery-warehouse.js';
import { resolveBigQueryTarget, type BigQueryTarget } from '../../extract/kit/warehouse/bigquery/config.js';
import type { LandingTarget, LandingUnit } from '../../extract/kit/warehouse/warehouse.js';
import { FakeBigQuery, stubAuthClient } from './fake-bigquery.js';

const require = createRequire(import.meta.url);

export const PROJECT = 'test-project';

export function testTarget(env: Record<string, string> = {}): BigQueryTarget {
  return resolveBigQueryTarget({ BIGQUERY_PROJECT: PROJECT, BIGQUERY_DATASET: 'raw', BIGQUERY_LOCATION: 'US', ...env });
}

/** Options that make retries and polling fast and keep the auth on the machine. */
export function fastOptions(fake: FakeBigQuery, extra: BigQueryWarehouseOptions = {}): BigQueryWarehouseOptions {
  return {
    apiEndpoint: fake.endpoint,
    authClient: stubAuthClient(),
    retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    poll: { initialMs: 1, maxMs: 5 },
    storage: { apiEndpoint: fake.endpoint, authClient: offlineStorageAuth() as never },
    ...extra,
  };
}

/**
 * A real OAuth2 client holding a token that never needs refreshing (requests carry it, nothing leaves the
 * machine), from the copy of google-auth-library @google-cloud/storage itself depends on (another major version).
 */
export function offlineStorageAuth(): unknown {
  const storageRequire = createRequire(require.resolve('@google-cloud/storage'));
  const { OAuth2Client: StorageOAuth2Client } = storageRequire('google-auth-library') as {
    OAuth2Client: typeof OAuth2Client;
  };
  const client = new StorageOAuth2Client();
  client.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  return client;
}

export async function fakeWithWarehouse(
  options: {
    target?: BigQueryTarget;
    warehouse?: BigQueryWarehouseOptions;
    datasets?: Record<string, string>;
    pollsBeforeDone?: number;
  } = {},
): Promise<{ fake: FakeBigQuery; warehouse: BigQueryWarehouse; target: BigQueryTarget; close: () => Promise<void> }> {
  const fake = new FakeBigQuery({ datasets: options.datasets, pollsBeforeDone: options.pollsBeforeDone });
  await fake.start();
  const target = options.target ?? testTarget();
  const warehouse = new BigQueryWarehouse(target, fastOptions(fake, options.warehouse));
  return {
    fake,
    warehouse,
    target,
    close: async () => {
      await warehouse.close();
      await fake.stop();
    },
  };
}

export function guestTarget(runId = 7): LandingTarget {
  return {
    source: 'tock',
    entity: 'guest',
    instance: 'default',
    table: 'raw_tock_guest',
    keyPath: ['patron', 'id'],
    runId,
  };
}

export function unitOf(
  document: string,
  origin = 'guest-profile-1.json',
  state: unknown = { files: [origin] },
): LandingUnit {
  async function* chunks() {
    // Several chunks, so records straddle chunk boundaries as they do from the network.
    const bytes = Buffer.from(document);
    for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
  }
  return { origin, records: readJsonRecords(chunks()), state };
}

/** The landing script's answer. */
export function answerLanding(landed: number, quarantined: number) {
  return (sql: string) =>
    sql.includes('SET landed = @@row_count')
      ? { rows: [{ landed, quarantined }], types: { landed: 'INTEGER', quarantined: 'INTEGER' } }
      : undefined;
}

/** A pattern that finds these patterns in this order, anything between them. */
export function inOrder(...parts: RegExp[]): RegExp {
  return new RegExp(parts.map((part) => part.source).join('[\\s\\S]*'));
}
