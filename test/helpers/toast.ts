/** Running the Toast source in-process against its sandbox, with fast retries, one database per test file. */
import { silentLogger, type Logger } from '../../extract/kit/log.js';
import { runSource, type SourceRunResult } from '../../extract/kit/runner.js';
import type { RunLimits, SourceDefinition } from '../../extract/kit/source.js';
import type { PostgresWarehouse } from '../../extract/kit/warehouse/postgres/postgres-warehouse.js';
import { toastHttpOptions, type ToastConfig } from '../../extract/sources/toast/config.js';
import { startToastSandbox, type ToastSandbox, type ToastSandboxOptions } from '../../extract/sources/toast/sandbox/index.js';
import { toast } from '../../extract/sources/toast/source.js';
import { sourceTestLifecycle, type TestDatabase } from './database.js';

/** The Toast source with retries in milliseconds instead of seconds; otherwise as shipped. */
export const fastToast: SourceDefinition<ToastConfig> = {
  ...toast,
  http: (env) => ({ ...toastHttpOptions(env), retry: { attempts: 7, baseDelayMs: 5, maxDelayMs: 40 } }),
};

export const TOAST_TABLES = toast.entities.map((e) => e.table);

export interface RunToastOptions {
  full?: boolean;
  runId?: number;
  log?: Logger;
  entities?: string[];
  instances?: string[];
  backfill?: { from: number; to: number };
  limits?: RunLimits;
  signal?: AbortSignal;
}

export interface ToastTestbed {
  db(): TestDatabase;
  warehouse(): PostgresWarehouse;
  /** A sandbox with its own state directory and no rate limits unless asked, closed after the test. */
  sandbox(options?: ToastSandboxOptions): Promise<ToastSandbox>;
  run(env: Record<string, string>, options?: RunToastOptions): Promise<SourceRunResult>;
  /** An entity's saved state as stored: `{ $version, value }`. */
  state<S>(entity: string, instance: string): Promise<{ $version: number; value: S } | undefined>;
  /** Saves a state as the version before versioned states did: the bare value. */
  saveUnversioned(entity: string, instance: string, value: unknown): Promise<void>;
  count(table: string, where?: string): Promise<number>;
  /** Every (restaurant, key, hash) in a raw table, sorted: what a run landed, to compare runs. */
  versions(table: string): Promise<string[]>;
}

export function toastTestbed(databaseName: string): ToastTestbed {
  const life = sourceTestLifecycle<ToastSandbox>(databaseName, TOAST_TABLES);
  const db = () => life.db();
  return {
    db,
    warehouse: () => life.warehouse(),
    async sandbox(options = {}) {
      const rateLimits = { overall: 0, ordersBulk: 0, menus: 0, per15Minutes: 0 };
      return life.track(await startToastSandbox({ stateDir: life.stateDir(), days: 0, faults: {}, rateLimits, ...options }));
    },
    run: (env, options = {}) =>
      runSource(fastToast, {
        warehouse: life.warehouse(),
        runId: options.runId ?? 1,
        env,
        entities: options.entities ? new Set(options.entities) : undefined,
        instances: options.instances ? new Set(options.instances) : undefined,
        backfill: options.backfill,
        limits: options.limits,
        full: options.full ?? false,
        log: options.log ?? silentLogger,
        signal: options.signal ?? new AbortController().signal,
      }),
    state: async (entity, instance) => (await life.warehouse().loadState('toast', entity, instance)) as never,
    async saveUnversioned(entity, instance, value) {
      await db().query(`insert into elt.state (source, entity, source_instance, state, run_id) values ('toast', $1, $2, $3, 1)`, [entity, instance, JSON.stringify(value)]);
    },
    async count(table, where) {
      const rows = await db().query<{ n: string }>(`select count(*) as n from raw.${table}${where ? ` where ${where}` : ''}`);
      return Number(rows[0]!.n);
    },
    async versions(table) {
      const rows = await db().query<{ v: string }>(`select _source_instance || ' ' || _key || ' ' || _hash as v from raw.${table} order by 1`);
      return rows.map((r) => r.v);
    },
  };
}
