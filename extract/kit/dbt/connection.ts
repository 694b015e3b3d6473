/**
 * The dbt target and environment for the configured warehouse: `local` (PostgreSQL) or `bigquery`
 * (ELT_WAREHOUSE=bigquery).
 */
import {
  bigQueryDbtEnvironment,
  bigQueryDbtVars,
  resolveBigQueryTarget,
  warehouseKind,
} from '../warehouse/bigquery/config.js';
import { EmbeddedWarehouse } from '../warehouse/postgres/embedded.js';
import { ensureDatabase, resolvePostgresTarget, targetEnvironment } from '../warehouse/postgres/connection.js';

export interface DbtConnection {
  target: string;
  env: Record<string, string>;
  /** dbt --vars this warehouse needs (BigQuery: raw_schema, the raw dataset). */
  vars?: Record<string, unknown>;
}

export async function dbtConnection(
  options: { demo?: boolean; log?: (m: string) => void; args?: readonly string[] } = {},
): Promise<DbtConnection> {
  if (warehouseKind(process.env) === 'bigquery') {
    // Same project, location and (demo-suffixed) datasets as the loader; credentials are dbt's own ADC.
    const target = resolveBigQueryTarget(process.env, { demo: options.demo ?? false });
    // dbt keeps only the last --vars: when the command line has its own (e.g. fixtures), leave it alone;
    // add raw_schema to it to read another raw dataset than "raw".
    const ownVars = (options.args ?? process.argv).includes('--vars');
    return {
      target: 'bigquery',
      env: { ...(process.env as Record<string, string>), ...bigQueryDbtEnvironment(target) },
      ...(ownVars ? {} : { vars: bigQueryDbtVars(target) }),
    };
  }
  const target = resolvePostgresTarget(process.env, { demo: options.demo ?? false });
  if (target.embedded) await new EmbeddedWarehouse().ensureRunning(options.log);
  await ensureDatabase(target);
  const pgEnv = targetEnvironment(target);
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...pgEnv };
  return { target: 'local', env };
}
