/**
 * Every SQL statement the BigQuery warehouse sends, analysed offline by ZetaSQL (BigQuery's SQL front end)
 * against the tables of schema.ts with the statements' own parameter types: names, types and syntax are
 * checked as BigQuery would before running them. The negative cases prove the analysis catches what it
 * is here for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Statement } from '../../extract/kit/warehouse/bigquery/params.js';
import { latestViewSql, META_TABLES, RAW_FIELDS, STAGE_FIELDS } from '../../extract/kit/warehouse/bigquery/schema.js';
import * as sql from '../../extract/kit/warehouse/bigquery/sql.js';
import { testTarget } from './helpers.js';
import { paramType, tableOf, ZetaSql, type CatalogTable, type ZType } from './zetasql.js';

const target = testTarget();
const STAGE = 'stage_7_0123456789ab';
const RAW = 'raw_tock_guest';
const names = { table: RAW, stage: STAGE };
const values = {
  runId: 7,
  source: 'tock',
  entity: 'guest',
  instance: 'default',
  origin: 'guest-profile-1.json',
  state: '{}',
};
const lock = { holder: 'host/1/x', staleHolder: '', leaseSeconds: 600 };
const counts = { rowsSeen: 1, rowsLanded: 1, rowsQuarantined: 0, units: 1 };
const sync = {
  entity: 'guest',
  source_instance: 'default',
  status: 'failed',
  rows_seen: 3,
  rows_landed: 2,
  rows_quarantined: 1,
  units: 1,
  error: 'boom',
  finished_at: new Date(),
};
const metric = {
  endpoint: 'GET /x',
  requests: 1,
  failures: 0,
  throttled: 0,
  retries: 0,
  total_latency_ms: 1,
  max_latency_ms: 1,
  circuit: 'closed',
  last_success_at: null,
};

const tables: CatalogTable[] = [
  tableOf([target.project, target.dataset, RAW], RAW_FIELDS),
  tableOf([target.project, target.metaDataset, STAGE], STAGE_FIELDS),
  ...META_TABLES.map((t) => tableOf([target.project, target.metaDataset, t.name], t.fields)),
];

const landing = sql.landingScript(target, names, values);
const lockScript = sql.lockAcquireScript(target, lock);
const checkWrite = sql.checkWriteScript(target);

/** Every statement, by name. */
const STATEMENTS: Record<string, Statement> = {
  insertRawVersions: landing.statements[0]!,
  insertQuarantine: landing.statements[1]!,
  insertState: landing.statements[2]!,
  loadState: sql.loadState(target, 'tock', 'guest', 'default'),
  pruneState: sql.pruneState(target),
  nextRunId: sql.nextRunId(target),
  insertRun: sql.insertRun(target, 1, ['--only', 'tock'], false, 123),
  finishRun: sql.finishRun(target, 1, 'completed', null, null),
  insertJob: sql.insertJob(target, 1001, 1, 'tock'),
  startJob: sql.startJob(target, 1001, new Date()),
  finishJob: sql.finishJob(target, 1001, 'failed', counts, 'boom'),
  failAbandonedJobs: sql.failAbandonedJobs(target, 'killed'),
  failAbandonedRuns: sql.failAbandonedRuns(target, 'killed'),
  insertHttpMetrics: sql.insertHttpMetrics(target, 1, 'tock', [metric]),
  insertEntitySyncs: sql.insertEntitySyncs(target, 1, 'tock', [sync]),
  readSecrets: sql.readSecrets(target, 'square/'),
  writeSecret: sql.writeSecret(target, 'square/x', 'v1.abc'),
  checkWrite: checkWrite.statements[0]!,
  lockEnsureRow: sql.lockEnsureRow(target),
  lockTake: sql.lockTake(target, lock),
  lockHolders: sql.lockHolders(target),
  lockRenew: sql.lockRenew(target, 'host/1/x', 600),
  lockRelease: sql.lockRelease(target, 'host/1/x'),
  statusRuns: sql.statusRuns(target),
  statusLastSuccess: sql.statusLastSuccess(target),
  statusEntitySyncs: sql.statusEntitySyncs(target),
  statusStates: sql.statusStates(target),
  statusQuarantine: sql.statusQuarantine(target),
  statusTables: sql.statusTables(target, [RAW, RAW])!,
  statusEndpoints: sql.statusEndpoints(target),
  latestView: { sql: latestViewSql(target, RAW), params: {} },
};

const SCRIPTS: Record<string, Statement> = { landing, lockScript, checkWrite };

let zetasql: ZetaSql;
let catalog: unknown;
beforeAll(async () => {
  zetasql = await ZetaSql.start();
  catalog = zetasql.catalog(tables);
});
afterAll(async () => {
  await zetasql?.stop();
});

function paramsOf(statement: Statement): Record<string, ZType> {
  return Object.fromEntries(Object.entries(statement.params).map(([name, param]) => [name, paramType(param.type)]));
}

describe('ZetaSQL analysis of the loader SQL', () => {
  it.each(Object.keys(STATEMENTS))('%s is valid BigQuery SQL against our tables', async (name) => {
    const statement = STATEMENTS[name]!;
    const result = await zetasql.analyze(statement.sql, catalog, paramsOf(statement));
    expect(result.ok ? 'ok' : result.error).toBe('ok');
  });

  it.each(Object.keys(SCRIPTS))('the %s script parses as a BigQuery script', async (name) => {
    const result = await zetasql.parseScript(SCRIPTS[name]!.sql);
    expect(result.ok ? 'ok' : result.error).toBe('ok');
  });

  it('types the results the warehouse reads', async () => {
    const result = await zetasql.analyze(STATEMENTS.statusTables!.sql, catalog, paramsOf(STATEMENTS.statusTables!));
    expect(result.ok && result.columns.map((c) => `${c.name}:${c.type.typeKind}`)).toEqual([
      'table_name:TYPE_STRING',
      'instances:TYPE_INT64',
      'keys:TYPE_INT64',
      'versions:TYPE_INT64',
      'first_loaded_at:TYPE_TIMESTAMP',
      'last_loaded_at:TYPE_TIMESTAMP',
    ]);
  });

  it('types the per-entity status the warehouse reads', async () => {
    const result = await zetasql.analyze(STATEMENTS.statusEntitySyncs!.sql, catalog, {});
    expect(result.ok && result.columns.map((c) => `${c.name}:${c.type.typeKind}`)).toEqual([
      'source:TYPE_STRING',
      'entity:TYPE_STRING',
      'source_instance:TYPE_STRING',
      'status:TYPE_STRING',
      'finished_at:TYPE_TIMESTAMP',
      'error:TYPE_STRING',
      'success_at:TYPE_TIMESTAMP',
      'rows_seen:TYPE_INT64',
      'rows_landed:TYPE_INT64',
      'rows_quarantined:TYPE_INT64',
    ]);
  });

  it('fails on an unknown column, a type error, an unknown table and PostgreSQL-only syntax', async () => {
    const raw = STATEMENTS.insertRawVersions!;
    const cases: [string, string, RegExp][] = [
      [
        'unknown column',
        raw.sql.replace('r._hash = s.content_hash', 'r._hash_md5 = s.content_hash'),
        /Name _hash_md5 not found|_hash_md5/,
      ],
      [
        'type error',
        raw.sql.replace('@run_id\nFROM', "'7'\nFROM"),
        /STRING.*cannot be inserted into column _run_id.*INT64|_run_id/,
      ],
      ['unknown table', STATEMENTS.loadState!.sql.replace('.state`', '.states`'), /Table not found/],
      ['PostgreSQL cast', 'SELECT _seq::bigint FROM `test-project.raw.raw_tock_guest`', /Syntax error/],
      [
        'PostgreSQL JSON operator',
        "SELECT record ->> 'id' FROM `test-project.raw.raw_tock_guest`",
        /Syntax error|Unrecognized|not found/,
      ],
      ['DISTINCT ON', 'SELECT DISTINCT ON (_key) _key FROM `test-project.raw.raw_tock_guest`', /Syntax error/],
      [
        'ON CONFLICT',
        'INSERT INTO `test-project.raw_elt.secrets` (name, value, updated_at) ' +
          "VALUES ('a', 'b', CURRENT_TIMESTAMP()) ON CONFLICT (name) DO NOTHING",
        /Syntax error/,
      ],
      ['now()', 'SELECT now()', /Function not found: now/],
      [
        'jsonb function',
        'SELECT jsonb_array_elements(record) FROM `test-project.raw.raw_tock_guest`',
        /Function not found: jsonb_array_elements/,
      ],
    ];
    for (const [what, text, error] of cases) {
      const result = await zetasql.analyze(text, catalog, paramsOf(raw));
      expect(result.ok, what).toBe(false);
      expect(result.ok ? '' : result.error, what).toMatch(error);
    }
    const brokenScript = await zetasql.parseScript(
      landing.sql.replace('EXCEPTION WHEN ERROR THEN', 'EXCEPTION WHEN OTHERS THEN'),
    );
    expect(brokenScript.ok).toBe(false);
  });
});
