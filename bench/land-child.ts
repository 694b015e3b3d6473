/**
 * One Tock guest landing in its own process, so its peak RSS is the landing's alone.
 * Prints one JSON line: wall time, counts, bytes, peak RSS.
 */
import { silentLogger } from '../extract/kit/log.js';
import { runSource } from '../extract/kit/runner.js';
import { resolvePostgresTarget } from '../extract/kit/warehouse/postgres/connection.js';
import { PostgresWarehouse } from '../extract/kit/warehouse/postgres/postgres-warehouse.js';
import { tock } from '../extract/sources/tock/source.js';

const warehouse = new PostgresWarehouse(resolvePostgresTarget(process.env));
await warehouse.prepare(tock.entities.map((e) => e.table));
const baselineRssMb = process.memoryUsage().rss / 1048576;
const started = performance.now();
const result = await runSource(tock, {
  warehouse,
  runId: 1,
  env: process.env,
  entities: new Set(['guest']),
  full: false,
  log: silentLogger,
  signal: new AbortController().signal,
});
const ms = performance.now() - started;
await warehouse.close();
const failed = result.outcomes.find((o) => !o.ok);
if (failed) throw new Error(failed.error);
console.log(
  JSON.stringify({
    ms,
    seen: result.counts.rowsSeen,
    landed: result.counts.rowsLanded,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb,
  }),
);
