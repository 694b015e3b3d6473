/** Running the Toast source in-process against its sandbox, with fast retries, one database per test file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { silentLogger, type Logger } from '../../extract/kit/log.js';
import { runSource, type SourceRunResult } from '../../extract/kit/runner.js';
import type { SourceDefinition } from '../../extract/kit/source.js';
import type { PostgresWarehouse } from '../../extract/kit/warehouse/postgres/postgres-warehouse.js';
import { toastHttpOptions, type ToastConfig } from '../../extract/sources/toast/config.js';
import { startToastSandbox, type ToastSandbox, type ToastSandboxOptions } from '../../extract/sources/toast/sandbox/index.js';
import { toast } from '../../extract/sources/toast/source.js';
import { freshDatabase, type TestDatabase } from './database.js';

/** The Toast source with retries in milliseconds instead of seconds; otherwise as shipped. */
export const fastToast: SourceDefinition<ToastConfig> = {
  ...toast,
  http: (env) => ({ ...toastHttpOptions(env), retry: { limit: 6, baseDelayMs: 5, maxDelayMs: 40 } }),
};

export const TOAST_TABLES = toast.entities.map((e) => e.table);

export interface RunToastOptions {
  full?: boolean;
  runId?: number;
  log?: Logger;
  entities?: string[];
  instances?: string[];
  backfill?: { from: number; to: number };
  signal?: AbortSignal;
}

export interface ToastTestbed {
  db(): TestDatabase;
  warehouse(): PostgresWarehouse;
  /** A sandbox with its own state directory and no rate limits unless asked, closed after the test. */
  sandbox(options?: ToastSandboxOptions): Promise<ToastSandbox>;
  run(env: Record<string, string>, options?: RunToastOptions): Promise<SourceRunResult>;
  count(table: string, where?: string): Promise<number>;
  /** Every (restaurant, key, hash) in a raw table, sorted: what a run landed, to compare runs. */
  versions(table: string): Promise<string[]>;
}

export function toastTestbed(databaseName: string): ToastTestbed {
  let db: TestDatabase | undefined;
  let warehouse: PostgresWarehouse | undefined;
  let stateDir = '';
  const sandboxes: ToastSandbox[] = [];
  beforeAll(async () => {
    db = await freshDatabase(databaseName);
    warehouse = await db.warehouse();
    stateDir = await mkdtemp(path.join(tmpdir(), 'toast-test-'));
  });
  afterAll(async () => {
    await db?.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await db!.query(`truncate ${TOAST_TABLES.map((t) => `raw.${t}`).join(', ')}, elt.state, elt.quarantine, elt.secrets restart identity`);
  });
  afterEach(async () => {
    for (const s of sandboxes.splice(0)) await s.close();
  });
  return {
    db: () => db!,
    warehouse: () => warehouse!,
    async sandbox(options = {}) {
      const s = await startToastSandbox({ stateDir, days: 0, faults: {}, rateLimits: { overall: 0, ordersBulk: 0, menus: 0, per15Minutes: 0 }, ...options });
      sandboxes.push(s);
      return s;
    },
    run: (env, options = {}) =>
      runSource(fastToast, {
        warehouse: warehouse!,
        runId: options.runId ?? 1,
        env,
        entities: options.entities ? new Set(options.entities) : undefined,
        instances: options.instances ? new Set(options.instances) : undefined,
        backfill: options.backfill,
        full: options.full ?? false,
        log: options.log ?? silentLogger,
        signal: options.signal ?? new AbortController().signal,
      }),
    async count(table, where) {
      const rows = await db!.query<{ n: string }>(`select count(*) as n from raw.${table}${where ? ` where ${where}` : ''}`);
      return Number(rows[0]!.n);
    },
    async versions(table) {
      const rows = await db!.query<{ v: string }>(`select _source_instance || ' ' || _key || ' ' || _hash as v from raw.${table} order by 1`);
      return rows.map((r) => r.v);
    },
  };
}
