/**
 * npm run bench [-- --guests 500000,2000000]      (npm run bench -- square|toast|arrivy: see bench/<name>.ts)
 * Landing throughput of one Tock guest export served by the sandbox, against a reference measured in the
 * same run: PostgreSQL's own COPY of the same records, pre-serialized as COPY text, into an identical table.
 * Also: a rerun with no new export (must land nothing, quickly).
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { localDir, projectPath } from '../extract/kit/paths.js';
import { recreateDatabase } from './database.js';
import { readJsonRecords } from '../extract/kit/records/json-records.js';
import { prepareRecord } from '../extract/kit/records/prepare.js';
import { EmbeddedWarehouse } from '../extract/kit/warehouse/postgres/embedded.js';
import { usesExternalPostgres } from '../extract/kit/warehouse/postgres/connection.js';
import { rawTableDdl } from '../extract/kit/warehouse/postgres/schema.js';
import { startTockSandbox, type TockSandbox } from '../extract/sources/tock/sandbox/index.js';
import { formatCount, renderTable } from '../extract/orchestrator/table.js';

const DATABASE = 'elt_bench';
const CACHE = localDir('bench');

interface LandingFigures {
  baselineRssMb: number;
  ms: number;
  seen: number;
  landed: number;
  maxRssMb: number;
}

/** COPY text escaping: backslash, newline, carriage return, tab. */
function copyText(value: string): string {
  return /[\\\n\r\t]/.test(value)
    ? value.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!)
    : value;
}

/** The reference input: the same records, keyed and hashed, already in COPY text format. */
async function writeReferenceFile(jsonFile: string, out: string): Promise<void> {
  if (existsSync(out)) return;
  const partial = `${out}.partial`;
  const file = createWriteStream(partial, { highWaterMark: 1 << 20 });
  for await (const raw of readJsonRecords(createReadStream(jsonFile, { highWaterMark: 1 << 20 }))) {
    const p = prepareRecord(raw, ['patron', 'id']);
    if (!p.ok) continue;
    const record = copyText(p.bytes.toString('utf8'));
    const line = `default\t${copyText(p.key)}\t${p.hash}\t${record}\tguest-profile-1.json\t1\n`;
    if (!file.write(line)) await once(file, 'drain');
  }
  file.end();
  await once(file, 'finish');
  await rename(partial, out);
}

async function referenceCopy(config: pg.ClientConfig, copyFile: string): Promise<number> {
  const client = new pg.Client(config);
  await client.connect();
  await client.query('create schema if not exists raw');
  // Identical shape and indexes to the landing table.
  await client.query(rawTableDdl('raw_bench_reference'));
  const started = performance.now();
  await client.query('begin');
  await pipeline(
    createReadStream(copyFile, { highWaterMark: 1 << 20 }),
    client.query(
      copyStreams.from(
        'copy raw.raw_bench_reference (_source_instance, _key, _hash, record, _origin, _run_id) from stdin',
      ),
    ),
  );
  await client.query('commit');
  const ms = performance.now() - started;
  await client.end();
  return ms;
}

async function landing(env: Record<string, string>): Promise<LandingFigures> {
  // Same node flags as "npm run elt" (package.json): a small young generation keeps RSS flat.
  const result = await execa(
    process.execPath,
    ['--max-semi-space-size=2', '--import', 'tsx', projectPath('bench', 'land-child.ts')],
    {
      env: { ...process.env, ...env, ELT_DATABASE: DATABASE },
      cwd: projectPath('.'),
    },
  );
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as LandingFigures;
}

async function benchSize(guests: number): Promise<string[][]> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'elt-bench-'));
  const sandbox: TockSandbox = await startTockSandbox({
    stateDir,
    exports: 1,
    guestsInFirstExport: guests,
    cacheDir: path.join(CACHE, 'files'),
    seed: 2026,
  });
  try {
    const env = sandbox.env();
    // Generate and cache the export before anything is timed (the first request fills the cache).
    const listing = (await (
      await fetch(`${env.TOCK_API_URL}/api/data/export/urls`, {
        headers: { 'X-Tock-Authorization': env.X_TOCK_AUTH!, 'X-Tock-Scope': env.X_TOCK_SCOPE! },
      })
    ).json()) as {
      result: { guestDataUrls: string[] };
    };
    console.log(`preparing ${formatCount(guests)} guest profiles (cached in ${CACHE})...`);
    const warmup = await fetch(listing.result.guestDataUrls[0]!);
    for await (const chunk of warmup.body!) void chunk;
    const etag = warmup.headers.get('etag')!.replace(/"/g, '');
    const source = path.join(CACHE, 'files', `guest-profile-1-b1-${etag}.json`);
    const size = (await stat(source)).size;
    const referenceFile = path.join(CACHE, `reference-${guests}.copy`);
    await writeReferenceFile(source, referenceFile);

    const refConfig = await recreateDatabase(DATABASE);
    const referenceMs = await referenceCopy(refConfig, referenceFile);
    await recreateDatabase(DATABASE);
    const first = await landing(env);
    const rerun = await landing(env);
    console.log(`child RSS before landing: ${first.baselineRssMb.toFixed(0)} MB`);
    const mb = size / 1e6;
    const row = (name: string, ms: number, rows: number, rss: string, ratio: string) => [
      name,
      formatCount(guests),
      formatCount(rows),
      `${mb.toFixed(0)} MB`,
      `${(ms / 1000).toFixed(2)} s`,
      formatCount(Math.round(rows / (ms / 1000))),
      `${(mb / (ms / 1000)).toFixed(1)}`,
      rss,
      ratio,
    ];
    return [
      row('reference COPY (pre-serialized)', referenceMs, guests, '-', '1.00'),
      row(
        'landing (sandbox -> raw_tock_guest)',
        first.ms,
        first.landed,
        `${first.maxRssMb.toFixed(0)} MB`,
        (first.ms / referenceMs).toFixed(2),
      ),
      row(
        'rerun, no new export',
        rerun.ms,
        rerun.landed,
        `${rerun.maxRssMb.toFixed(0)} MB`,
        `${((rerun.ms / first.ms) * 100).toFixed(1)}% of first`,
      ),
    ];
  } finally {
    await sandbox.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // npm run bench -- square [...]: the Square historical import and daily sync (bench/square.ts).
  if (process.argv[2] === 'square') return (await import('./square.js')).main(process.argv.slice(3));
  // npm run bench -- toast [...]: a 13-restaurant Toast backfill under Toast's limits (bench/toast.ts).
  if (process.argv[2] === 'toast') return (await import('./toast.js')).main(process.argv.slice(3));
  // npm run bench -- arrivy [...]: the first and a daily Arrivy sync with dbt (bench/arrivy.ts).
  if (process.argv[2] === 'arrivy') return (await import('./arrivy.js')).main(process.argv.slice(3));
  const { values } = parseArgs({ options: { guests: { type: 'string', default: '500000' } } });
  const sizes = values.guests.split(',').map((s) => Number(s.trim()));
  await mkdir(CACHE, { recursive: true });
  const embedded = usesExternalPostgres() ? undefined : new EmbeddedWarehouse();
  const { started } = embedded ? await embedded.ensureRunning((m) => console.log(m)) : { started: false };
  try {
    const rows: string[][] = [];
    for (const guests of sizes) rows.push(...(await benchSize(guests)));
    console.log('');
    console.log(
      renderTable(['run', 'profiles', 'rows landed', 'input', 'wall', 'rows/s', 'MB/s', 'peak RSS', 'ratio'], rows),
    );
    console.log(
      '\nratio: landing wall time / reference COPY wall time (target <= 1.2); ' +
        'rerun: share of the first landing (target < 10%).',
    );
  } finally {
    if (started) await embedded!.stop();
  }
}

await main();
