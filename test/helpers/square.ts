/** Running the Square source in-process against its sandbox, with fast retries, one database per test file. */
import { expect } from 'vitest';
import { silentLogger, type Logger } from '../../extract/kit/log.js';
import { runSource, type SourceRunResult } from '../../extract/kit/runner.js';
import { secretStore, type SecretStore } from '../../extract/kit/secrets.js';
import type { SourceDefinition } from '../../extract/kit/source.js';
import type { PostgresWarehouse } from '../../extract/kit/warehouse/postgres/postgres-warehouse.js';
import { squareHttpOptions, type SquareConfig } from '../../extract/sources/square/config.js';
import {
  startSquareSandbox,
  type SquareSandbox,
  type SquareSandboxOptions,
} from '../../extract/sources/square/sandbox/index.js';
import { square } from '../../extract/sources/square/source.js';
import { sourceTestLifecycle, type TestDatabase } from './database.js';

/** The Square source with retries and slow-downs in milliseconds instead of seconds; otherwise as shipped. */
export const fastSquare: SourceDefinition<SquareConfig> = {
  ...square,
  http: (env) => ({
    ...squareHttpOptions(env),
    retry: { attempts: 9, baseDelayMs: 5, maxDelayMs: 40 },
    adaptive: { baseSpacingMs: 5, perFailureShareMs: 20, maxSpacingMs: 40 },
  }),
};

export const SQUARE_ENTITIES = [
  'locations',
  'customers',
  'payments',
  'orders',
  'bookings',
  'team_members',
  'catalog_objects',
  'loyalty_accounts',
] as const;
export type SquareEntity = (typeof SQUARE_ENTITIES)[number];

/** A key for ELT_SECRET_KEY (32 bytes, base64). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

export interface RunSquareOptions {
  source?: SourceDefinition<SquareConfig>;
  full?: boolean;
  runId?: number;
  log?: Logger;
  entities?: SquareEntity[];
  signal?: AbortSignal;
  onProgress?: Parameters<typeof runSource>[1]['onProgress'];
  limits?: Parameters<typeof runSource>[1]['limits'];
}

export interface SquareTestbed {
  db(): TestDatabase;
  warehouse(): PostgresWarehouse;
  /** A sandbox with its own state directory, closed after the test. */
  sandbox(options?: SquareSandboxOptions): Promise<SquareSandbox>;
  run(env: Record<string, string>, options?: RunSquareOptions): Promise<SourceRunResult>;
  secrets(env?: Record<string, string>): SecretStore;
  count(entity: SquareEntity, where?: string): Promise<number>;
}

/** Per-file setup: a fresh database, Square's tables and state emptied before each test, sandboxes closed after. */
export function squareTestbed(databaseName: string): SquareTestbed {
  const life = sourceTestLifecycle<SquareSandbox>(
    databaseName,
    SQUARE_ENTITIES.map((e) => `raw_square_${e}`),
  );
  const db = () => life.db();
  const warehouse = () => life.warehouse();
  return {
    db,
    warehouse,
    async sandbox(options = {}) {
      return life.track(
        await startSquareSandbox({ stateDir: life.stateDir(), days: 0, faults: {}, requestsPerSecond: 0, ...options }),
      );
    },
    run: (env, options = {}) =>
      runSource(options.source ?? fastSquare, {
        warehouse: warehouse(),
        runId: options.runId ?? 1,
        env: { ELT_ENV_FILE: '/dev/null', ...env },
        entities: options.entities ? new Set(options.entities) : undefined,
        full: options.full ?? false,
        log: options.log ?? silentLogger,
        signal: options.signal ?? new AbortController().signal,
        onProgress: options.onProgress,
        limits: options.limits,
      }),
    secrets: (env = { ELT_SECRET_KEY: TEST_SECRET_KEY }) => secretStore(warehouse(), env),
    async count(entity, where = 'true') {
      const [row] = await db().query<{ n: number }>(
        `select count(*)::int as n from raw.raw_square_${entity} where ${where}`,
      );
      return row!.n;
    },
  };
}

export function expectAllOk(result: SourceRunResult): void {
  for (const o of result.outcomes) expect(o, `${o.instance}/${o.entity}: ${o.error}`).toMatchObject({ ok: true });
  for (const o of result.outcomes) expect(o.degraded, `${o.instance}/${o.entity}: ${o.error}`).toBeFalsy();
}

export function outcome(result: SourceRunResult, entity: SquareEntity, instance = 'default') {
  const found = result.outcomes.find((o) => o.entity === entity && o.instance === instance);
  if (!found) throw new Error(`no outcome for ${instance}/${entity}`);
  return found;
}
