/**
 * npm run warehouse -- start | stop | status | psql [--demo]
 * Manages the embedded PostgreSQL, or opens psql on whichever warehouse is configured.
 */
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { loadEnv } from '../extract/kit/config.js';
import { EmbeddedWarehouse, WarehouseError } from '../extract/kit/warehouse/postgres/embedded.js';
import {
  ensureDatabase,
  resolvePostgresTarget,
  targetEnvironment,
  usesExternalPostgres,
} from '../extract/kit/warehouse/postgres/connection.js';

const HELP = `Usage: npm run warehouse -- <command> [--demo]

Commands:
  start    start the embedded PostgreSQL (no-op when running)
  stop     stop the embedded PostgreSQL
  status   show whether it runs, its port and data directory
  psql     open psql on the warehouse (the demo database with --demo)

With DATABASE_URL or PG* variables set, start/stop do nothing: that server is yours to run.`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { demo: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(HELP);
    return command || values.help ? 0 : 2;
  }
  loadEnv();
  const external = usesExternalPostgres();
  const embedded = new EmbeddedWarehouse();
  switch (command) {
    case 'start': {
      if (external) return note('DATABASE_URL/PG* point at an external PostgreSQL; nothing to start.');
      const { started } = await embedded.ensureRunning((m) => console.log(m));
      if (!started) console.log(`Embedded PostgreSQL already running on port ${embedded.port}.`);
      return 0;
    }
    case 'stop': {
      if (external) return note('DATABASE_URL/PG* point at an external PostgreSQL; nothing to stop.');
      console.log((await embedded.stop()) ? 'Embedded PostgreSQL stopped.' : 'Embedded PostgreSQL was not running.');
      return 0;
    }
    case 'status': {
      if (external) return note(`Using external PostgreSQL ${resolvePostgresTarget().description}.`);
      const s = await embedded.status();
      console.log(`Embedded PostgreSQL: ${s.detail}\nData directory: ${s.dataDir}`);
      return 0;
    }
    case 'psql': {
      if (!external) await embedded.ensureRunning((m) => console.log(m));
      const target = resolvePostgresTarget(process.env, { demo: values.demo ?? false });
      await ensureDatabase(target);
      const env = targetEnvironment(target);
      const result = await execa('psql', [], {
        stdio: 'inherit',
        reject: false,
        env: {
          PGHOST: env.ELT_PG_HOST,
          PGPORT: env.ELT_PG_PORT,
          PGUSER: env.ELT_PG_USER,
          PGPASSWORD: env.ELT_PG_PASSWORD,
          PGDATABASE: env.ELT_PG_DATABASE,
          PGSSLMODE: env.ELT_PG_SSLMODE,
        },
      });
      if ((result as { code?: string }).code === 'ENOENT') {
        console.error(
          'psql is not installed; install the PostgreSQL client (Debian: apt-get install postgresql-client).',
        );
        return 1;
      }
      return result.exitCode ?? 1;
    }
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

function note(message: string): number {
  console.log(message);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof WarehouseError ? error.message : `warehouse: ${(error as Error).message}`);
    process.exit(1);
  },
);
