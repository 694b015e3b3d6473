/** A fresh, empty database per test on the shared server, and the environment that points a run at it. */
import pg from 'pg';
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
