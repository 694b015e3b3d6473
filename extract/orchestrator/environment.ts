/**
 * Decides real or demo mode and opens the warehouse for it: demo (sandbox sources) when no source has
 * credentials or --demo is given, always into a separate database.
 */
import type { Logger } from '../kit/log.js';
import type { RunningSandbox, SourceDefinition } from '../kit/source.js';
import { EmbeddedWarehouse, WarehouseError } from '../kit/warehouse/postgres/embedded.js';
import { ensureDatabase, resolvePostgresTarget, type PostgresTarget } from '../kit/warehouse/postgres/connection.js';
import { PostgresWarehouse } from '../kit/warehouse/postgres/postgres-warehouse.js';
import type { Selection } from './args.js';

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
export async function sourceEnvironments(selections: readonly Selection[], demo: boolean, log: Logger): Promise<SourceEnvironments> {
  const sandboxes = new Map<string, RunningSandbox>();
  const close = async () => {
    await Promise.all([...sandboxes.values()].map((s) => s.close().catch(() => undefined)));
  };
  if (demo) {
    try {
      for (const { source } of selections) {
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
  warehouse: PostgresWarehouse;
  target: PostgresTarget;
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

export async function openWarehouse(demo: boolean, log: Logger): Promise<OpenedWarehouse> {
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
    target,
    close: async () => {
      await warehouse.close().catch(() => undefined);
      if (started) {
        await embedded!.stop();
        log.info('embedded PostgreSQL stopped (it was started by this run)');
      }
    },
  };
}
