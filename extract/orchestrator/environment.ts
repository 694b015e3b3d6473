/**
 * Decides real or demo mode and opens the warehouse for it: demo (sandbox sources) when no source has
 * credentials or --demo is given, always into a separate database (BigQuery: separate datasets).
 * ELT_WAREHOUSE=bigquery picks BigQuery; otherwise PostgreSQL (DATABASE_URL, PG* or the embedded server).
 */
import type { DbtConnection } from '../kit/dbt/connection.js';
import type { Logger } from '../kit/log.js';
import type { RunningSandbox, SourceDefinition } from '../kit/source.js';
import { EmbeddedWarehouse, WarehouseError } from '../kit/warehouse/postgres/embedded.js';
import {
  ensureDatabase,
  resolvePostgresTarget,
  targetEnvironment,
  type PostgresTarget,
} from '../kit/warehouse/postgres/connection.js';
import { PostgresWarehouse } from '../kit/warehouse/postgres/postgres-warehouse.js';
import { BigQueryWarehouse, type BigQueryWarehouseOptions } from '../kit/warehouse/bigquery/bigquery-warehouse.js';
import {
  BigQueryConfigError,
  bigQueryDbtEnvironment,
  bigQueryDbtVars,
  resolveBigQueryTarget,
  warehouseKind,
  type BigQueryTarget,
} from '../kit/warehouse/bigquery/config.js';
import { BigQueryConnectError } from '../kit/warehouse/bigquery/errors.js';
import type { Warehouse } from '../kit/warehouse/warehouse.js';
import { UsageError, type Selection } from './args.js';

export class WarehouseUnreachable extends Error {
  override name = 'WarehouseUnreachable';
}

export function anySourceConfigured(sources: readonly SourceDefinition<unknown>[], env: NodeJS.ProcessEnv): boolean {
  return sources.some((s) => s.configure(env).configured);
}

export interface SourceEnvironments {
  /** Per source: the environment its configuration is read from. */
  envFor(source: string): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** In demo mode, starts each selected source's sandbox and points that source (only) at it. */
export async function sourceEnvironments(
  selections: readonly Selection[],
  demo: boolean,
  log: Logger,
): Promise<SourceEnvironments> {
  const sandboxes = new Map<string, RunningSandbox>();
  const close = async () => {
    await Promise.all([...sandboxes.values()].map((s) => s.close().catch(() => undefined)));
  };
  if (demo) {
    try {
      for (const { source } of selections) {
        if (!source.startSandbox)
          throw new Error(
            `${source.title} has no sandbox: configure it (${source.name}) or leave it out with --skip ${source.name}.`,
          );
        sandboxes.set(source.name, await source.startSandbox());
        log.info('sandbox started', { source: source.name });
      }
    } catch (error) {
      await close();
      throw error;
    }
  }
  return {
    envFor: (source) => {
      const sandbox = sandboxes.get(source);
      return sandbox ? { ...process.env, ...sandbox.env } : process.env;
    },
    close,
  };
}

export interface OpenedWarehouse {
  warehouse: Warehouse;
  /** Which kind of warehouse was opened. */
  kind: 'postgres' | 'bigquery';
  /**
   * The PostgreSQL target (for dbt's `local` target and psql). On BigQuery there is none and reading it
   * throws: run dbt with `dbt` instead, which is right for every warehouse.
   */
  readonly target: PostgresTarget;
  /** The dbt target and environment for this warehouse (local or bigquery, same database or datasets). */
  dbt: DbtConnection;
  /** Stops what this command started (the embedded server), leaves alone what it found running. */
  close(): Promise<void>;
}

function unreachable(target: PostgresTarget, error: unknown): WarehouseUnreachable {
  const code = (error as { code?: string }).code;
  const reason =
    code === 'ECONNREFUSED'
      ? 'nothing is listening there'
      : code === '28P01'
        ? 'the password was refused'
        : code === 'ENOTFOUND'
          ? 'the host name does not resolve'
          : ((error as Error).message ?? String(error));
  return new WarehouseUnreachable(`Cannot reach the warehouse at ${target.description}: ${reason}.`);
}

export interface OpenOptions {
  /** BigQuery client options (tests: a loopback endpoint and a stub auth client). */
  bigquery?: BigQueryWarehouseOptions;
}

export async function openWarehouse(demo: boolean, log: Logger, options: OpenOptions = {}): Promise<OpenedWarehouse> {
  let kind: 'postgres' | 'bigquery';
  try {
    kind = warehouseKind(process.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (kind === 'bigquery') return openBigQuery(demo, log, options.bigquery);
  const target = resolvePostgresTarget(process.env, { demo });
  const embedded = target.embedded ? new EmbeddedWarehouse() : undefined;
  const started = embedded ? (await embedded.ensureRunning((m) => log.info(m))).started : false;
  const stopStarted = async () => {
    if (started) await embedded!.stop().catch(() => undefined);
  };
  try {
    await ensureDatabase(target);
  } catch (error) {
    await stopStarted();
    if (error instanceof WarehouseError) throw error;
    throw unreachable(target, error);
  }
  const warehouse = new PostgresWarehouse(target);
  return {
    warehouse,
    kind,
    target,
    dbt: { target: 'local', env: { ...(process.env as Record<string, string>), ...targetEnvironment(target) } },
    close: async () => {
      await warehouse.close().catch(() => undefined);
      if (started) {
        await embedded!.stop();
        log.info('embedded PostgreSQL stopped (it was started by this run)');
      }
    },
  };
}

/** Resolves the BigQuery settings and checks credentials, project and dataset locations with the first requests. */
async function openBigQuery(
  demo: boolean,
  log: Logger,
  options: BigQueryWarehouseOptions = {},
): Promise<OpenedWarehouse> {
  let target: BigQueryTarget;
  try {
    target = resolveBigQueryTarget(process.env, { demo });
  } catch (error) {
    if (error instanceof BigQueryConfigError) throw new UsageError(error.message);
    throw error;
  }
  const warehouse = new BigQueryWarehouse(target, options);
  try {
    await warehouse.connect();
  } catch (error) {
    if (error instanceof BigQueryConnectError) throw new WarehouseUnreachable(error.message);
    throw new WarehouseUnreachable(`Cannot reach ${target.description}: ${(error as Error).message ?? String(error)}.`);
  }
  log.info('warehouse: BigQuery', { project: target.project, dataset: target.dataset, location: target.location });
  return {
    warehouse,
    kind: 'bigquery',
    get target(): PostgresTarget {
      throw new Error(
        `dbt on ${target.description} runs with the "bigquery" target: ` +
          "use the opened warehouse's dbt connection, not the PostgreSQL target.",
      );
    },
    dbt: {
      target: 'bigquery',
      env: { ...(process.env as Record<string, string>), ...bigQueryDbtEnvironment(target) },
      vars: bigQueryDbtVars(target),
    },
    close: async () => {
      await warehouse.close().catch(() => undefined);
    },
  };
}

/** What a command that reads sources (check, sample) is handed. */
export interface CommandContext {
  envs: SourceEnvironments;
  warehouse: Warehouse;
  log: Logger;
  signal: AbortSignal;
  print: (line: string) => void;
}
