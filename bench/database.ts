/** A benchmark's own database on the configured server, dropped and created afresh. */
import pg from 'pg';
import { resolvePostgresTarget } from '../extract/kit/warehouse/postgres/connection.js';

export async function recreateDatabase(database: string): Promise<pg.ClientConfig> {
  const target = resolvePostgresTarget({ ...process.env, ELT_DATABASE: database });
  const admin = new pg.Client({ ...target.config, database: 'postgres' });
  await admin.connect();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.query(`create database ${database}`);
  await admin.query('checkpoint');
  await admin.end();
  return target.config;
}
