/** A fresh, empty database per test on the shared server, and the environment that points a run at it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { resolvePostgresTarget, type PostgresTarget } from '../../extract/kit/warehouse/postgres/connection.js';
import { PostgresWarehouse } from '../../extract/kit/warehouse/postgres/postgres-warehouse.js';
import { allRawTables } from '../../extract/sources/index.js';

export interface TestDatabase {
  name: string;
  target: PostgresTarget;
  /** Environment for a child `npm run elt` that must land here (and nowhere else). */
  env: Record<string, string>;
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A prepared warehouse on this database; closed by close(). */
  warehouse(): Promise<PostgresWarehouse>;
  close(): Promise<void>;
}

export async function freshDatabase(name: string): Promise<TestDatabase> {
  const env = { ...process.env, ELT_DATABASE: name };
  const target = resolvePostgresTarget(env);
  const admin = new pg.Client({ ...target.config, database: 'postgres' });
  await admin.connect();
  await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  await admin.end();
  const pool = new pg.Pool(target.config);
  const warehouses: PostgresWarehouse[] = [];
  return {
    name,
    target,
    env: { ELT_DATABASE: name },
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async warehouse() {
      const warehouse = new PostgresWarehouse(target);
      await warehouse.prepare(allRawTables());
      warehouses.push(warehouse);
      return warehouse;
    },
    async close() {
      await Promise.all(warehouses.map((w) => w.close()));
      await pool.end();
    },
  };
}

export interface SourceTestLifecycle<Sandbox extends { close(): Promise<void> }> {
  db(): TestDatabase;
  warehouse(): PostgresWarehouse;
  /** A scratch folder for sandbox state, removed after the file. */
  stateDir(): string;
  /** Closes the sandbox after the current test. */
  track(sandbox: Sandbox): Sandbox;
  query: <T extends Record<string, unknown>>(sql: string) => Promise<T[]>;
  /** Rows of raw.<table> where `where` holds. */
  count: (table: string, where?: string) => Promise<number>;
}

/**
 * Per-file setup of a source's tests: a fresh database and a sandbox state folder for the file, the source's
 * raw tables, state, quarantine and secrets emptied before each test, sandboxes closed after it.
 */
export function sourceTestLifecycle<Sandbox extends { close(): Promise<void> }>(
  databaseName: string,
  rawTables: readonly string[],
): SourceTestLifecycle<Sandbox> {
  let db: TestDatabase | undefined;
  let warehouse: PostgresWarehouse | undefined;
  let stateDir = '';
  const sandboxes: Sandbox[] = [];
  beforeAll(async () => {
    db = await freshDatabase(databaseName);
    warehouse = await db.warehouse();
    stateDir = await mkdtemp(path.join(tmpdir(), `${databaseName}-`));
  });
  afterAll(async () => {
    await db?.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await db!.query(
      `truncate ${rawTables.map((t) => `raw.${t}`).join(', ')}, elt.state, elt.quarantine, elt.secrets
       restart identity`,
    );
  });
  afterEach(async () => {
    for (const s of sandboxes.splice(0)) await s.close();
  });
  return {
    db: () => db!,
    warehouse: () => warehouse!,
    stateDir: () => stateDir,
    track(sandbox) {
      sandboxes.push(sandbox);
      return sandbox;
    },
    query: <T extends Record<string, unknown>>(sql: string) => db!.query<T>(sql),
    async count(table, where = 'true') {
      const [row] = await db!.query<{ n: number }>(`select count(*)::int as n from raw.${table} where ${where}`);
      return row!.n;
    },
  };
}
