/** Integration tests share one embedded PostgreSQL (each test file uses its own databases). */
import { EmbeddedWarehouse } from '../extract/kit/warehouse/postgres/embedded.js';
import { usesExternalPostgres } from '../extract/kit/warehouse/postgres/connection.js';

export default async function setup(): Promise<() => Promise<void>> {
  if (usesExternalPostgres()) return async () => {};
  const embedded = new EmbeddedWarehouse();
  const { started } = await embedded.ensureRunning();
  return async () => {
    if (started) await embedded.stop();
  };
}
