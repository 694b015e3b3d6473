/**
 * npm test: every test there is. The linters (scripts/lint.ts: each tool counts as one test), vitest (unit +
 * integration against the embedded PostgreSQL and the sandboxes over sockets), then `dbt build` (models, data
 * tests, unit tests) on the seed fixtures.
 * Installs what it needs on first use (PostgreSQL data directory, dbt). Ends with one "N passed, N failed" line.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { runDbt } from '../extract/kit/dbt/run.js';
import { ensureDbt } from '../extract/kit/dbt/install.js';
import { localDir, projectPath } from '../extract/kit/paths.js';
import { EmbeddedWarehouse } from '../extract/kit/warehouse/postgres/embedded.js';
import { runLint } from './lint.js';
import { resolvePostgresTarget, targetEnvironment, usesExternalPostgres } from '../extract/kit/warehouse/postgres/connection.js';

const FIXTURE_DATABASE = 'elt_test_dbt_fixtures';

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

async function runVitest(): Promise<Tally> {
  const report = localDir('test-results', 'vitest.json');
  await mkdir(path.dirname(report), { recursive: true });
  const result = await execa(projectPath('node_modules', '.bin', 'vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    stdio: 'inherit',
    reject: false,
    cwd: projectPath('.'),
  });
  const json = await readFile(report, 'utf8').catch(() => '');
  if (!json) return { passed: 0, failed: 1, skipped: 0 };
  const r = JSON.parse(json) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number };
  // A suite that fails to load has no failed tests but must still fail the run.
  const failed = r.numFailedTests + r.numFailedTestSuites + (result.exitCode !== 0 && r.numFailedTests === 0 && r.numFailedTestSuites === 0 ? 1 : 0);
  return { passed: r.numPassedTests, failed, skipped: r.numPendingTests + r.numTodoTests };
}

async function runDbtOnFixtures(): Promise<Tally> {
  const env = { ...process.env, ELT_DATABASE: FIXTURE_DATABASE };
  const target = resolvePostgresTarget(env);
  const admin = new pg.Client({ ...target.config, database: usesExternalPostgres() ? target.database : 'postgres' });
  await admin.connect();
  if (!usesExternalPostgres()) {
    await admin.query(`drop database if exists ${FIXTURE_DATABASE} with (force)`);
    await admin.query(`create database ${FIXTURE_DATABASE}`);
  }
  await admin.end();
  console.log('\n== dbt build on the seed fixtures ==');
  const result = await runDbt(['build', '--vars', '{fixtures: true}'], {
    target: 'local',
    env: { ...(process.env as Record<string, string>), ...targetEnvironment(target) },
    inherit: true,
    log: (m) => console.log(m),
  });
  const c = result.counts;
  const passed = (c.pass ?? 0) + (c.success ?? 0) + (c.warn ?? 0);
  const failed = (c.fail ?? 0) + (c.error ?? 0) + (c['runtime error'] ?? 0) + (result.ok ? 0 : passed === 0 ? 1 : 0);
  return { passed, failed: result.ok ? failed : Math.max(failed, 1), skipped: c.skipped ?? 0 };
}

async function main(): Promise<number> {
  const embedded = usesExternalPostgres() ? undefined : new EmbeddedWarehouse();
  const { started } = embedded ? await embedded.ensureRunning((m) => console.log(m)) : { started: false };
  try {
    // Installed up front so its one-time cost is not charged to whichever test first needs dbt.
    await ensureDbt((m) => console.log(m));
    console.log('== lint ==');
    const lint = await runLint();
    const unit = await runVitest();
    const dbt = await runDbtOnFixtures();
    const passed = lint.passed + unit.passed + dbt.passed;
    const failed = lint.failed + unit.failed + dbt.failed;
    console.log(
      `\nlint: ${lint.passed} passed, ${lint.failed} failed; vitest: ${unit.passed} passed, ${unit.failed} failed; ` +
        `dbt: ${dbt.passed} passed, ${dbt.failed} failed`,
    );
    console.log(`tests: ${passed} passed, ${failed} failed, ${unit.skipped + dbt.skipped} skipped`);
    return failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    if (started) await embedded!.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test: ${(error as Error).message}`);
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  },
);
