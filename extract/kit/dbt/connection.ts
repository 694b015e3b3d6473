/** The dbt target and environment for the configured warehouse. */
import { EmbeddedWarehouse } from '../warehouse/postgres/embedded.js';
import { ensureDatabase, resolvePostgresTarget, targetEnvironment } from '../warehouse/postgres/connection.js';

export interface DbtConnection {
  target: string;
  env: Record<string, string>;
}

export async function dbtConnection(options: { demo?: boolean; log?: (m: string) => void } = {}): Promise<DbtConnection> {
  const target = resolvePostgresTarget(process.env, { demo: options.demo ?? false });
  if (target.embedded) await new EmbeddedWarehouse().ensureRunning(options.log);
  await ensureDatabase(target);
  const pgEnv = targetEnvironment(target);
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...pgEnv };
  return { target: 'local', env };
}
