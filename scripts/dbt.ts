/**
 * npm run dbt -- <dbt arguments>
 * Runs the project's pinned dbt against the configured warehouse (starting the embedded one if needed),
 * e.g. `npm run dbt -- build`, `npm run dbt -- build --select stg_tock__guests+`, `npm run dbt -- docs generate`.
 */
import { loadEnv } from '../extract/kit/config.js';
import { runDbt } from '../extract/kit/dbt/run.js';
import { dbtConnection } from '../extract/kit/dbt/connection.js';

async function main(): Promise<number> {
  loadEnv();
  const args = process.argv.slice(2);
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h') {
    console.log(
      'Usage: npm run dbt -- <dbt command> [dbt options]   (e.g. npm run dbt -- build)\n' +
        'Add --demo to use the demo database the sandbox sources land in.',
    );
    return args.length === 0 ? 2 : 0;
  }
  const demo = args.includes('--demo');
  const connection = await dbtConnection({ demo, log: (m) => console.log(m) });
  const result = await runDbt(
    args.filter((a) => a !== '--demo'),
    { ...connection, inherit: true, log: (m) => console.log(m) },
  );
  return result.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`dbt: ${(error as Error).message}`);
    process.exit(1);
  },
);
