/**
 * Which PostgreSQL to use: DATABASE_URL, else the standard PG* variables, else the embedded server.
 * Demo runs (sandbox sources) always go to a separate database so demo and real data never mix.
 */
import pg from 'pg';
import { registerSecret } from '../../redact.js';
import { EMBEDDED_PASSWORD, EMBEDDED_USER, embeddedPort } from './embedded.js';

export interface PostgresTarget {
  config: pg.ClientConfig;
  /** Human description with no password, for logs and the summary. */
  description: string;
  embedded: boolean;
  database: string;
}

/** The embedded server's database; ELT_DATABASE renames it (tests use their own). */
export const DEFAULT_DATABASE = 'elt';
export const DEMO_SUFFIX = '_demo';

function databaseFromUrl(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
  } catch {
    return 'postgres';
  }
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}/${databaseFromUrl(url)}`;
  } catch {
    return 'DATABASE_URL (unparseable)';
  }
}

export function usesExternalPostgres(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DATABASE_URL || env.PGHOST || env.PGDATABASE);
}

export function resolvePostgresTarget(
  env: NodeJS.ProcessEnv = process.env,
  options: { demo?: boolean } = {},
): PostgresTarget {
  const demo = options.demo ?? false;
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    if (url.password) registerSecret(decodeURIComponent(url.password));
    const base = databaseFromUrl(env.DATABASE_URL);
    const database = demo ? base + DEMO_SUFFIX : base;
    // pg lets the URL win over a separate `database` field, so the URL itself must name it.
    url.pathname = '/' + encodeURIComponent(database);
    return {
      config: { connectionString: url.toString() },
      description: describeUrl(env.DATABASE_URL).replace(/\/[^/]*$/, `/${database}`),
      embedded: false,
      database,
    };
  }
  if (env.PGHOST || env.PGDATABASE) {
    registerSecret(env.PGPASSWORD);
    const base = env.PGDATABASE ?? env.PGUSER ?? 'postgres';
    const database = demo ? base + DEMO_SUFFIX : base;
    return {
      // pg reads the remaining PG* variables itself.
      config: { database },
      description: `${env.PGHOST ?? 'localhost'}:${env.PGPORT ?? 5432}/${database}`,
      embedded: false,
      database,
    };
  }
  const port = embeddedPort(env);
  const base = env.ELT_DATABASE || DEFAULT_DATABASE;
  const database = demo ? base + DEMO_SUFFIX : base;
  return {
    config: { host: '127.0.0.1', port, user: EMBEDDED_USER, password: EMBEDDED_PASSWORD, database },
    description: `embedded PostgreSQL 127.0.0.1:${port}/${database}`,
    embedded: true,
    database,
  };
}

/** Environment for dbt and psql pointing at the same database (profiles.yml reads these). */
export function targetEnvironment(target: PostgresTarget): Record<string, string> {
  const c = target.config;
  if (c.connectionString) {
    const u = new URL(c.connectionString);
    return {
      ELT_PG_HOST: u.hostname,
      ELT_PG_PORT: u.port || '5432',
      ELT_PG_USER: decodeURIComponent(u.username),
      ELT_PG_PASSWORD: decodeURIComponent(u.password),
      ELT_PG_DATABASE: target.database,
      ELT_PG_SSLMODE: u.searchParams.get('sslmode') ?? 'prefer',
    };
  }
  return {
    ELT_PG_HOST: c.host ?? process.env.PGHOST ?? '127.0.0.1',
    ELT_PG_PORT: String(c.port ?? process.env.PGPORT ?? 5432),
    ELT_PG_USER: c.user ?? process.env.PGUSER ?? 'postgres',
    ELT_PG_PASSWORD: (typeof c.password === 'string' ? c.password : undefined) ?? process.env.PGPASSWORD ?? '',
    ELT_PG_DATABASE: target.database,
    ELT_PG_SSLMODE: process.env.PGSSLMODE ?? 'prefer',
  };
}

/** Creates the target database when missing (the embedded server starts with only "postgres"). */
export async function ensureDatabase(target: PostgresTarget): Promise<void> {
  const probe = new pg.Client({ ...target.config, database: target.database });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new pg.Client({ ...target.config, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`create database ${pg.escapeIdentifier(target.database)}`);
  } catch (error) {
    // Another process may have created it between our probe and now.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}
