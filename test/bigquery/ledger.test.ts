/**
 * The BigQuery warehouse's tables, ledger, state and status at the wire: what prepare creates (datasets
 * in the configured location, partitioned and clustered raw tables, __latest views), the ledger
 * statements and their parameters, and how answers are read back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { META_TABLES, RAW_FIELDS } from '../../extract/kit/warehouse/bigquery/schema.js';
import type { QueryAnswer } from './fake-bigquery.js';
import { fakeWithWarehouse, PROJECT } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function setUp() {
  const env = await fakeWithWarehouse();
  cleanup = env.close;
  return env;
}

const base = `/bigquery/v2/projects/${PROJECT}`;

describe('BigQuery warehouse tables and ledger (wire)', () => {
  it('prepare creates datasets in the configured location, meta and partitioned raw tables, views, once', async () => {
    const { fake, warehouse } = await setUp();
    await warehouse.prepare(['raw_tock_guest', 'raw_tock_reservation']);
    const datasets = fake.requests
      .filter((r) => r.method === 'POST' && r.path === `${base}/datasets`)
      .map((r) => r.json);
    expect(datasets.map((d) => [d.datasetReference.datasetId, d.location])).toEqual([
      ['raw_elt', 'US'],
      ['raw', 'US'],
    ]);
    const created = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/tables')).map((r) => r.json);
    expect(
      created.filter((t) => t.tableReference.datasetId === 'raw_elt').map((t) => t.tableReference.tableId),
    ).toEqual(META_TABLES.map((t) => t.name));
    const raw = created.find((t) => t.tableReference.tableId === 'raw_tock_guest')!;
    expect(raw).toMatchObject({
      tableReference: { projectId: PROJECT, datasetId: 'raw', tableId: 'raw_tock_guest' },
      schema: { fields: RAW_FIELDS },
      timePartitioning: { type: 'DAY', field: '_loaded_at' },
      clustering: { fields: ['_source_instance', '_key'] },
    });
    expect(raw.schema.fields.find((f: { name: string }) => f.name === 'record')).toMatchObject({
      type: 'JSON',
      mode: 'REQUIRED',
    });
    const view = created.find((t) => t.tableReference.tableId === 'raw_tock_guest__latest')!;
    expect(view.view).toEqual({
      query: expect.stringMatching(
        /QUALIFY ROW_NUMBER\(\) OVER \(PARTITION BY _source_instance, _key ORDER BY _seq DESC\) = 1/,
      ),
      useLegacySql: false,
    });

    fake.requests.length = 0;
    await warehouse.prepare(['raw_tock_guest', 'raw_tock_reservation']);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('writes the run ledger with typed parameters', async () => {
    const { fake, warehouse } = await setUp();
    await warehouse.prepare([]);
    fake.requests.length = 0;
    fake.onQuery = (sql) =>
      sql.includes('MAX(run_id)') ? { rows: [{ run_id: 5 }], types: { run_id: 'INTEGER' } } : { numDmlAffectedRows: 1 };
    const runId = await warehouse.startRun(['--only', 'tock'], true);
    expect(runId).toBe(5);
    expect(await warehouse.queueJob(runId, 'tock')).toBe(5001);
    expect(await warehouse.queueJob(runId, 'square')).toBe(5002);
    await warehouse.startJob(5001, new Date('2030-01-01T00:00:00Z'));
    await warehouse.finishJob(
      5001,
      'degraded',
      { rowsSeen: 10, rowsLanded: 7, rowsQuarantined: 1, units: 2 },
      'skipped x',
    );
    await warehouse.recordHttpMetrics(runId, 'tock', [
      {
        endpoint: 'GET /api/data/export/urls',
        requests: 3,
        failures: 1,
        throttled: 0,
        retries: 1,
        totalLatencyMs: 12.5,
        maxLatencyMs: 9,
        circuit: 'closed',
        lastSuccessAt: new Date('2030-01-01T00:00:01Z'),
      },
    ]);
    await warehouse.recordEntitySyncs(runId, 'tock', [
      {
        entity: 'guest',
        instance: 'napa',
        status: 'failed',
        counts: { rowsSeen: 10, rowsLanded: 7, rowsQuarantined: 1, units: 2 },
        error: 'file 3: 500',
        finishedAt: new Date('2030-01-01T00:00:02Z'),
      },
    ]);
    await warehouse.recordEntitySyncs(runId, 'square', []);
    await warehouse.finishRun(runId, 'completed', 'ok (3 success)', null);
    const queries = fake.queries();
    expect(queries.map((q) => q.sql.split('\n')[0])).toEqual([
      'SELECT IFNULL(MAX(run_id), 0) + 1 AS run_id FROM `test-project.raw_elt.runs`',
      'INSERT INTO `test-project.raw_elt.runs` (run_id, started_at, status, demo, args, pid)',
      'INSERT INTO `test-project.raw_elt.jobs`',
      'INSERT INTO `test-project.raw_elt.jobs`',
      'UPDATE `test-project.raw_elt.jobs`',
      'UPDATE `test-project.raw_elt.jobs`',
      'INSERT INTO `test-project.raw_elt.http_metrics`',
      'INSERT INTO `test-project.raw_elt.entity_syncs`',
      'UPDATE `test-project.raw_elt.runs`',
    ]);
    expect(queries[1]!.params).toEqual({
      run_id: '5',
      demo: 'true',
      args: '["--only","tock"]',
      pid: String(process.pid),
    });
    expect(queries[4]!.params).toEqual({ job_id: '5001', deadline: '2030-01-01T00:00:00.000Z' });
    expect(queries[5]!.params).toMatchObject({
      status: 'degraded',
      rows_seen: '10',
      rows_landed: '7',
      rows_quarantined: '1',
      units: '2',
      error: 'skipped x',
    });
    expect(queries[6]!.params.metrics).toEqual([
      {
        endpoint: 'GET /api/data/export/urls',
        requests: '3',
        failures: '1',
        throttled: '0',
        retries: '1',
        total_latency_ms: '12.5',
        max_latency_ms: '9',
        circuit: 'closed',
        last_success_at: '2030-01-01T00:00:01.000Z',
      },
    ]);
    expect(queries[7]!.params).toEqual({
      run_id: '5',
      source: 'tock',
      syncs: [
        {
          entity: 'guest',
          source_instance: 'napa',
          status: 'failed',
          rows_seen: '10',
          rows_landed: '7',
          rows_quarantined: '1',
          units: '2',
          error: 'file 3: 500',
          finished_at: '2030-01-01T00:00:02.000Z',
        },
      ],
    });
    expect(queries[8]!.params).toEqual({ run_id: '5', status: 'completed', dbt_status: 'ok (3 success)', error: null });
    // Every job is labelled, so the project's job history shows what ran them.
    expect(queries.every((q) => q.labels.tool === 'hospitality-elt')).toBe(true);
  });

  it('marks abandoned work failed, drops leftover staging tables and prunes replaced state', async () => {
    const { fake, warehouse } = await setUp();
    await warehouse.prepare([]);
    fake.tables.set('raw_elt.stage_3_abcdefabcdef', {
      tableReference: { projectId: PROJECT, datasetId: 'raw_elt', tableId: 'stage_3_abcdefabcdef' },
    });
    fake.onQuery = (sql) => ({ numDmlAffectedRows: sql.includes("status IN ('queued', 'processing')") ? 2 : 0 });
    expect(await warehouse.failAbandonedWork()).toBe(2);
    expect(fake.tables.has('raw_elt.stage_3_abcdefabcdef')).toBe(false);
    expect(fake.queries().map((q) => q.sql.split('\n')[0])).toEqual([
      'UPDATE `test-project.raw_elt.jobs`',
      'UPDATE `test-project.raw_elt.runs`',
      'DELETE FROM `test-project.raw_elt.state` AS old',
    ]);
  });

  it('reads state, secrets and status back with their types', async () => {
    const { fake, warehouse } = await setUp();
    const micros = (iso: string) => String(Date.parse(iso) * 1000);
    fake.onQuery = (sql): QueryAnswer | undefined => {
      if (sql.startsWith('SELECT state'))
        return { rows: [{ state: '{"files":{"guest-profile-3.json":{"etag":"x","size":18446744073709551615}}}' }] };
      if (sql.startsWith('SELECT name, value')) return { rows: [{ name: 'square/token', value: 'v1.sealed' }] };
      if (sql.startsWith('SELECT run_id')) {
        return {
          rows: [
            {
              run_id: 3,
              started_at: micros('2030-01-02T03:04:05.678Z'),
              finished_at: null,
              status: 'processing',
              demo: 'false',
              dbt_status: null,
              error: null,
            },
          ],
          types: { run_id: 'INTEGER', started_at: 'TIMESTAMP', finished_at: 'TIMESTAMP', demo: 'BOOLEAN' },
        };
      }
      if (sql.startsWith('WITH latest AS')) {
        const sync = {
          source: 'tock',
          entity: 'guest',
          source_instance: 'default',
          status: 'failed',
          finished_at: micros('2030-01-03T00:00:00Z'),
          error: 'guest-profile-4.json: 500',
        };
        const success = {
          success_at: micros('2030-01-02T00:00:00Z'),
          rows_seen: 10,
          rows_landed: 7,
          rows_quarantined: 1,
        };
        const none = { success_at: null, rows_seen: null, rows_landed: null, rows_quarantined: null };
        return {
          rows: [
            { ...sync, ...success },
            { ...sync, entity: 'reservation', status: 'completed', error: null, ...success },
            { ...sync, source: 'square', entity: 'payments', status: 'degraded', error: 'circuit open', ...none },
          ],
          types: {
            finished_at: 'TIMESTAMP',
            success_at: 'TIMESTAMP',
            rows_seen: 'INTEGER',
            rows_landed: 'INTEGER',
            rows_quarantined: 'INTEGER',
          },
        };
      }
      if (sql.startsWith('SELECT source, entity, source_instance, state')) {
        return {
          rows: [
            {
              source: 'tock',
              entity: 'guest',
              source_instance: 'default',
              state: '{"$version":1,"value":{"files":{"a.json":{},"b.json":{}}}}',
            },
            { source: 'toast', entity: 'orders backfill', source_instance: 'r1', state: '{"done":["2030-W01"]}' },
          ],
        };
      }
      if (sql.includes('AS table_name')) {
        return {
          rows: [
            {
              table_name: 'raw_tock_guest',
              instances: 1,
              keys: 2,
              versions: 3,
              first_loaded_at: micros('2030-01-01T00:00:00Z'),
              last_loaded_at: micros('2030-01-02T00:00:00Z'),
            },
          ],
          types: {
            instances: 'INTEGER',
            keys: 'INTEGER',
            versions: 'INTEGER',
            first_loaded_at: 'TIMESTAMP',
            last_loaded_at: 'TIMESTAMP',
          },
        };
      }
      return undefined;
    };
    await warehouse.prepare(['raw_tock_guest']);
    expect(await warehouse.loadState('tock', 'guest', 'default')).toEqual({
      files: { 'guest-profile-3.json': { etag: 'x', size: 18446744073709552000 } },
    });
    expect(await warehouse.readSecrets('square/')).toEqual([{ name: 'square/token', value: 'v1.sealed' }]);
    await warehouse.writeSecret('square/token', 'v1.new');
    expect(fake.queries().at(-1)).toMatchObject({
      sql: expect.stringMatching(/^MERGE `test-project\.raw_elt\.secrets` AS s/),
      params: { name: 'square/token', value: 'v1.new' },
    });
    const status = await warehouse.status();
    expect(status.runs).toEqual([
      {
        runId: 3,
        startedAt: new Date('2030-01-02T03:04:05.678Z'),
        finishedAt: null,
        status: 'processing',
        demo: false,
        dbtStatus: null,
        error: null,
      },
    ]);
    expect(status.tables).toEqual([
      {
        table: 'raw_tock_guest',
        instances: 1,
        keys: 2,
        versions: 3,
        firstLoadedAt: new Date('2030-01-01T00:00:00Z'),
        lastLoadedAt: new Date('2030-01-02T00:00:00Z'),
      },
    ]);
    const at = (iso: string) => new Date(iso);
    expect(status.entities).toEqual([
      {
        source: 'square',
        entity: 'payments',
        instance: 'default',
        lastSuccess: null,
        lastProblem: { status: 'degraded', finishedAt: at('2030-01-03T00:00:00Z'), error: 'circuit open' },
        position: null,
      },
      {
        source: 'toast',
        entity: 'orders backfill',
        instance: 'r1',
        lastSuccess: null,
        lastProblem: null,
        position: '1 window done',
      },
      {
        source: 'tock',
        entity: 'guest',
        instance: 'default',
        lastSuccess: { finishedAt: at('2030-01-02T00:00:00Z'), rowsSeen: 10, rowsLanded: 7, rowsQuarantined: 1 },
        lastProblem: { status: 'failed', finishedAt: at('2030-01-03T00:00:00Z'), error: 'guest-profile-4.json: 500' },
        position: '2 files',
      },
      {
        source: 'tock',
        entity: 'reservation',
        instance: 'default',
        lastSuccess: { finishedAt: at('2030-01-02T00:00:00Z'), rowsSeen: 10, rowsLanded: 7, rowsQuarantined: 1 },
        lastProblem: null,
        position: null,
      },
    ]);
    const tablesQuery = fake.queries().find((q) => q.sql.includes('AS table_name'))!;
    expect(tablesQuery.params).toEqual({ table_0: 'raw_tock_guest' }); // the __latest view is not counted
  });

  it('reads no entity syncs from a ledger created before entity_syncs existed', async () => {
    const { fake, warehouse } = await setUp();
    await warehouse.prepare([]);
    fake.tables.delete('raw_elt.entity_syncs');
    fake.onQuery = (sql) =>
      sql.startsWith('SELECT source, entity, source_instance, state')
        ? { rows: [{ source: 'tock', entity: 'guest', source_instance: 'default', state: '{"files":{"a.json":{}}}' }] }
        : undefined;
    const status = await warehouse.status();
    expect(status.entities).toEqual([
      {
        source: 'tock',
        entity: 'guest',
        instance: 'default',
        lastSuccess: null,
        lastProblem: null,
        position: '1 file',
      },
    ]);
    expect(fake.queries().some((q) => q.sql.includes('entity_syncs'))).toBe(false);
  });

  it('checks a write with a transaction that is rolled back', async () => {
    const { fake, warehouse } = await setUp();
    await warehouse.checkWrite();
    expect(fake.queries()[0]!.sql).toMatch(
      /^BEGIN TRANSACTION;\nINSERT INTO `test-project\.raw_elt\.state`[\s\S]*\nROLLBACK TRANSACTION;$/,
    );
  });
});
