/**
 * Every dbt model and data test, compiled for the bigquery target and analysed by ZetaSQL, offline.
 *
 * dbt compiles for BigQuery without a connection when nothing introspects the warehouse: the profile gets
 * a throwaway service-account key (generated here, its token endpoint a closed local port, so a request
 * that slipped through would fail at once instead of reaching Google) and `--no-populate-cache` stops dbt
 * listing datasets. Models are analysed in dependency order: sources are the raw tables of schema.ts, and
 * each model's analysed output columns become the table the models and tests downstream read.
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDbt } from '../../extract/kit/dbt/run.js';
import { localDir } from '../../extract/kit/paths.js';
import { RAW_FIELDS } from '../../extract/kit/warehouse/bigquery/schema.js';
import { tableOf, ZetaSql, type CatalogTable } from './zetasql.js';

const PROJECT = 'offline-project';
/** dbt's partial-parse state, kept between runs so the next compile skips the full parse. */
const PARSE_CACHE = localDir('dbt-bigquery-compile', 'partial_parse.msgpack');
let TARGET_PATH = '';

interface ManifestNode {
  unique_id: string;
  resource_type: string;
  name: string;
  database: string;
  schema: string;
  alias?: string;
  identifier?: string;
  compiled_code?: string;
  config: {
    materialized?: string;
    enabled?: boolean;
    partition_by?: { field: string; data_type?: string } | null;
    cluster_by?: string[] | string | null;
  };
  depends_on?: { nodes: string[] };
}

let scratch: string;
let zetasql: ZetaSql;
let models: ManifestNode[] = [];
let tests: ManifestNode[] = [];
let sources: ManifestNode[] = [];
const tables: CatalogTable[] = [];
const failures: string[] = [];
let compileOutput = '';
let incrementalModels: ManifestNode[] = [];
const incrementalFailures: string[] = [];
let incrementalCompileOutput = '';

/**
 * `dbt compile` for BigQuery into a target path of its own. `incremental`: compile_incremental, so the
 * incremental models show their incremental run (watermarks 0) instead of their full build.
 */
async function compileForBigQuery(targetPath: string, incremental = false): Promise<{ ok: boolean; output: string }> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyfile = path.join(scratch, 'offline-service-account.json');
  await writeFile(
    keyfile,
    JSON.stringify({
      type: 'service_account',
      project_id: PROJECT,
      private_key_id: 'offline',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: `offline@${PROJECT}.iam.gserviceaccount.com`,
      client_id: '0',
      token_uri: 'http://127.0.0.1:9/token',
    }),
  );
  // A target path of its own (never dbt/target, which a concurrent dbt run may be using), seeded with the
  // partial-parse state of the last run; the state is put back with a rename, so concurrent runs never
  // read a half-written one.
  await mkdir(targetPath, { recursive: true });
  await copyFile(PARSE_CACHE, path.join(targetPath, 'partial_parse.msgpack')).catch(() => undefined);
  const result = await runDbt(
    [
      'compile',
      '--no-populate-cache',
      '--threads',
      '4',
      '--target-path',
      targetPath,
      '--log-path',
      path.join(targetPath, 'logs'),
    ],
    {
      target: 'bigquery',
      env: {
        ...(process.env as Record<string, string>),
        GOOGLE_APPLICATION_CREDENTIALS: keyfile,
        BIGQUERY_PROJECT: PROJECT,
        BIGQUERY_DATASET: 'raw',
        BIGQUERY_DBT_DATASET: 'analytics',
        BIGQUERY_LOCATION: 'US',
      },
      vars: incremental ? { raw_schema: 'raw', compile_incremental: true } : { raw_schema: 'raw' },
    },
  );
  if (result.ok && !incremental) {
    await mkdir(path.dirname(PARSE_CACHE), { recursive: true });
    const next = `${PARSE_CACHE}.${process.pid}`;
    await copyFile(path.join(targetPath, 'partial_parse.msgpack'), next)
      .then(() => rename(next, PARSE_CACHE))
      .catch(() => undefined);
  }
  return { ok: result.ok, output: result.output };
}

async function readManifest(
  targetPath: string,
): Promise<{ nodes: Record<string, ManifestNode>; sources: Record<string, ManifestNode> }> {
  return JSON.parse(await readFile(path.join(targetPath, 'manifest.json'), 'utf8')) as {
    nodes: Record<string, ManifestNode>;
    sources: Record<string, ManifestNode>;
  };
}

/** Models in an order where each comes after the models it reads. */
function dependencyOrder(nodes: ManifestNode[]): ManifestNode[] {
  const byId = new Map(nodes.map((n) => [n.unique_id, n]));
  const done = new Set<string>();
  const order: ManifestNode[] = [];
  const visit = (node: ManifestNode) => {
    if (done.has(node.unique_id)) return;
    done.add(node.unique_id);
    for (const dep of node.depends_on?.nodes ?? []) {
      const parent = byId.get(dep);
      if (parent) visit(parent);
    }
    order.push(node);
  };
  nodes.forEach(visit);
  return order;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'elt-dbt-bq-'));
  TARGET_PATH = path.join(scratch, 'target');
  const incrementalTarget = path.join(scratch, 'target-incremental');
  const starting = ZetaSql.start();
  // One compile at a time: the first dbt run of a fresh clone writes files of its own (.user.yml), and two
  // at once have been seen to fail one of them.
  const compiled = await compileForBigQuery(TARGET_PATH);
  const compiledIncremental = await compileForBigQuery(incrementalTarget, true);
  const started = await starting;
  zetasql = started;
  compileOutput = compiled.output;
  incrementalCompileOutput = compiledIncremental.output;
  if (!compiled.ok) return;
  const manifest = await readManifest(TARGET_PATH);
  const nodes = Object.values(manifest.nodes).filter((n) => n.config.enabled !== false);
  models = dependencyOrder(nodes.filter((n) => n.resource_type === 'model'));
  tests = nodes.filter((n) => n.resource_type === 'test');
  sources = Object.values(manifest.sources);
  for (const s of sources) tables.push(tableOf([s.database, s.schema, s.identifier ?? s.name], RAW_FIELDS));
  // Analyse each model against everything upstream of it, then register what it produces.
  for (const model of models) {
    if (model.config.materialized === 'ephemeral') continue;
    const result = await zetasql.analyze(model.compiled_code ?? '', zetasql.catalog(tables));
    if (!result.ok) {
      failures.push(`${model.name}: ${result.error}`);
      continue;
    }
    tables.push({ path: [model.database, model.schema, model.alias ?? model.name], columns: result.columns });
  }
  // Incremental models again, as an incremental run compiles them (reading their own table, `this`).
  if (!compiledIncremental.ok) return;
  const incrementalNodes = Object.values((await readManifest(incrementalTarget)).nodes);
  incrementalModels = incrementalNodes.filter(
    (n) => n.resource_type === 'model' && n.config.enabled !== false && n.config.materialized === 'incremental',
  );
  for (const model of incrementalModels) {
    const result = await zetasql.analyze(model.compiled_code ?? '', zetasql.catalog(tables));
    if (!result.ok) incrementalFailures.push(`${model.name}: ${result.error}`);
  }
}, 300_000);

afterAll(async () => {
  await zetasql?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('dbt models compiled for BigQuery, analysed by ZetaSQL', () => {
  it('compiles every model for the bigquery target without a connection', () => {
    expect(compileOutput).toMatch(/Concurrency: \d+ threads \(target='bigquery'\)/);
    expect(models.length).toBeGreaterThan(0);
    // Sources resolve to the raw dataset of the configured project.
    expect(sources.every((s) => s.database === PROJECT && s.schema === 'raw')).toBe(true);
  });

  it('every model is valid BigQuery SQL against the raw tables and the models upstream', () => {
    expect(failures).toEqual([]);
  });

  it('every incremental model, as an incremental run compiles it, is valid BigQuery SQL', () => {
    expect(incrementalCompileOutput).toMatch(/Concurrency: \d+ threads \(target='bigquery'\)/);
    expect(incrementalModels.map((m) => m.name)).toEqual(
      expect.arrayContaining(['stg_square__orders', 'int_square_orders_attributed', 'fct_square_order_lines']),
    );
    // The incremental form differs from the full build (it reads the model's own table).
    const lines = incrementalModels.find((m) => m.name === 'fct_square_order_lines')!;
    expect(lines.compiled_code).toMatch(/orders_to_rebuild/);
    expect(incrementalFailures).toEqual([]);
  });

  it('every data test is valid BigQuery SQL', async () => {
    const catalog = await zetasql.register(tables);
    const testFailures: string[] = [];
    for (const test of tests) {
      const result = await zetasql.analyze(test.compiled_code ?? '', catalog);
      if (!result.ok) testFailures.push(`${test.name}: ${result.error}`);
    }
    expect(tests.length).toBeGreaterThan(0);
    expect(testFailures).toEqual([]);
  });

  it('partitions and clusters BigQuery tables by columns the models have, with the right types', () => {
    const configured = models.filter((m) => m.config.partition_by || m.config.cluster_by);
    expect(configured.map((m) => m.name)).toEqual(expect.arrayContaining(['fct_tock_reservations', 'dim_tock_guests']));
    const kinds: Record<string, string> = {
      date: 'TYPE_DATE',
      timestamp: 'TYPE_TIMESTAMP',
      datetime: 'TYPE_DATETIME',
      int64: 'TYPE_INT64',
    };
    for (const model of configured) {
      const table = tables.find((t) => t.path[2] === (model.alias ?? model.name) && t.path[1] === model.schema)!;
      const columns = new Map(table.columns.map((c) => [c.name, c.type.typeKind]));
      const partition = model.config.partition_by;
      if (partition)
        expect(columns.get(partition.field), `${model.name} partition_by`).toBe(kinds[partition.data_type ?? 'date']);
      const cluster = model.config.cluster_by ? [model.config.cluster_by].flat() : [];
      expect(cluster.length, `${model.name} cluster_by`).toBeLessThanOrEqual(4);
      for (const column of cluster) expect(columns.has(column), `${model.name} cluster_by ${column}`).toBe(true);
    }
  });

  it('would catch PostgreSQL-only SQL and unknown columns in a model', async () => {
    const model = models.find((m) => m.name === 'stg_tock__guests' || m.name.startsWith('base_tock__'))!;
    const catalog = zetasql.catalog(tables);
    const sql = model.compiled_code!;
    expect((await zetasql.analyze(sql, catalog)).ok).toBe(true);
    const broken = [
      sql.replace(/\bselect\b/i, 'select 1::int64 as pg_cast,'),
      sql.replace(/\bselect\b/i, "select jsonb_extract_path_text(to_json('{}'), 'a') as pg_json,"),
      sql.replace(/\bselect\b/i, 'select no_such_column,'),
      sql.replace(/\bselect\b/i, "select 'a' + 1 as type_error,"),
    ];
    for (const text of broken) {
      const result = await zetasql.analyze(text, catalog);
      expect(result.ok, text.slice(0, 80)).toBe(false);
    }
  });
});
