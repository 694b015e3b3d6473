/**
 * Square through `npm run elt` as a user runs it (child processes, the sandbox in this process): a
 * historical import SIGKILLed between two windows then resumed, a dead endpoint reported as degraded in
 * the summary and the ledger, `status` endpoint health, `square-auth`, and `--check` per merchant.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../extract/kit/log.js';
import { runSource } from '../../extract/kit/runner.js';
import { squareError, startSquareSandbox, type SquareSandbox } from '../../extract/sources/square/sandbox/index.js';
import { square } from '../../extract/sources/square/source.js';
import type { WindowedState } from '../../extract/sources/square/windows.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { runElt, startElt } from '../helpers/elt.js';
import { TEST_SECRET_KEY } from '../helpers/square.js';

/** State as elt.state keeps it: versioned. */
type Saved = { $version: number; value: WindowedState };

let stateDir: string;
beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'square-cli-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('square: a historical import killed between windows', () => {
  let sandbox: SquareSandbox;
  let killed: TestDatabase;
  let reference: TestDatabase;
  beforeAll(async () => {
    // Paced at 8 requests/s, so a window's requests are still in flight when the kill lands.
    sandbox = await startSquareSandbox({
      stateDir,
      days: 0,
      faults: {},
      locations: 2,
      payments: 1200,
      orders: 100,
      customers: 50,
      bookings: 20,
      requestsPerSecond: 8,
    });
    killed = await freshDatabase('elt_test_square_kill');
    reference = await freshDatabase('elt_test_square_kill_reference');
  });
  afterAll(async () => {
    await sandbox?.close();
    await killed?.close();
    await reference?.close();
  });

  it('resumes at the window where it stopped: state and rows agree, nothing lost or doubled', async () => {
    const args = ['--only', 'square.payments', '--no-dbt'];
    const env = { ...sandbox.env(), ...killed.env };
    const child = startElt(args, env);
    let landed = 0;
    child.all.on('data', (chunk: Buffer) => {
      landed += (chunk.toString().match(/"msg":"landed".*"entity":"payments"/g) ?? []).length;
      if (landed >= 4) child.kill('SIGKILL');
    });
    const first = await child;
    expect(first.signal).toBe('SIGKILL');

    const [{ state: saved }] = (await killed.query<{ state: Saved }>(
      `select state from elt.state where entity = 'payments'`,
    )) as [{ state: Saved }];
    const state = saved.value;
    const horizon = Date.parse(state.horizon);
    const world = sandbox.world();
    let resumeAt = 0;
    for (const [location, stream] of Object.entries(state.streams)) {
      // Rows present = exactly the payments of the windows the state says are done.
      const doneUntil = stream.historyNext ? Date.parse(stream.historyNext) : sandbox.now() + 1;
      if (stream.historyNext) resumeAt++;
      const expected = [...world.payments.range(horizon, doneUntil)].filter(
        (j) => world.paymentLocation(j).id === location,
      ).length;
      const [row] = await killed.query<{ n: number }>(
        `select count(*)::int as n from raw.raw_square_payments where record->>'location_id' = $1`,
        [location],
      );
      expect(row!.n, location).toBe(expected);
    }
    expect(resumeAt).toBeGreaterThan(0);

    // The rest runs unthrottled: only the kill needed the pace.
    sandbox.setRequestsPerSecond(0);
    const rerun = await runElt(args, { ...sandbox.env(), ...killed.env });
    expect(rerun.exitCode, rerun.all).toBe(0);
    const jobs = await killed.query<{ status: string }>(`select status from elt.jobs order by job_id`);
    expect(jobs.map((j) => j.status)).toEqual(['failed', 'completed']);

    const uninterrupted = await runSource(square, {
      warehouse: await reference.warehouse(),
      runId: 1,
      env: { ...sandbox.env(), ELT_ENV_FILE: '/dev/null' },
      entities: new Set(['payments']),
      full: false,
      log: silentLogger,
      signal: new AbortController().signal,
    });
    expect(uninterrupted.outcomes.every((o) => o.ok)).toBe(true);
    const versions = (db: TestDatabase) =>
      db.query<{ _key: string; _hash: string }>(`select _key, _hash from raw.raw_square_payments order by 1, 2`);
    const got = await versions(killed);
    expect(got.length).toBe(new Set(got.map((v) => v._key)).size);
    expect(got).toEqual(await versions(reference));
  });
});

describe('square: degraded runs, status, square-auth and --check', () => {
  let sandbox: SquareSandbox;
  let db: TestDatabase;
  beforeAll(async () => {
    sandbox = await startSquareSandbox({
      stateDir,
      days: 0,
      faults: {},
      merchants: 2,
      locations: 1,
      customers: 40,
      payments: 150,
      orders: 80,
      bookings: 20,
      requestsPerSecond: 0,
      intercept: (call) =>
        call.op === 'ListBookings'
          ? { status: 500, body: squareError('API_ERROR', 'INTERNAL_SERVER_ERROR') }
          : undefined,
    });
    db = await freshDatabase('elt_test_square_cli');
  });
  afterAll(async () => {
    await sandbox?.close();
    await db?.close();
  });

  it('a dead endpoint: the run ends degraded (summary, ledger, exit 0); status shows the open circuit', async () => {
    const env = { ...sandbox.multiEnv(), ...db.env };
    const result = await runElt(['--only', 'square', '--no-dbt'], env);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toMatch(/square\s+degraded\s+\d/);
    expect(result.stdout).toContain('skipped bookings@napa: ');
    expect(result.stdout).toContain('Result: success, DEGRADED (square:');
    const [job] = await db.query<{ status: string; error: string }>(`select status, error from elt.jobs`);
    expect(job!.status).toBe('degraded');
    expect(job!.error).toContain('circuit open');
    const [run] = await db.query<{ status: string }>(`select status from elt.runs`);
    expect(run!.status).toBe('degraded');
    const [payments] = await db.query<{ n: number }>(
      `select count(distinct _source_instance)::int as n from raw.raw_square_payments`,
    );
    expect(payments!.n).toBe(2);

    const status = await runElt(['status'], env);
    expect(status.exitCode, status.all).toBe(0);
    expect(status.stdout).toMatch(/square\s+ListBookings GET \/v2\/bookings\s+\d+\s+0\.0%.*open/);
    expect(status.stdout).toMatch(/square\s+ListPayments GET \/v2\/payments\s+\d+\s+100\.0%\s+\d+ ms\s+0\s+\d{4}-/);
    expect(status.stdout).toMatch(/\s+degraded\s+real/);
  });

  it("square-auth stores an OAuth merchant; --check tests every merchant's token", async () => {
    const env = { ...sandbox.multiEnv(), ...sandbox.oauthEnv(), ELT_SECRET_KEY: TEST_SECRET_KEY, ...db.env };
    const code = sandbox.authorizationCode(2);
    const auth = await runElt(['square-auth', '--code', code, '--merchant', 'carmel'], env);
    expect(auth.exitCode, auth.all).toBe(0);
    expect(auth.stdout).toContain('Stored Square tokens for merchant "carmel"');
    expect(auth.all).not.toContain(code);
    const reused = await runElt(['square-auth', '--code', code, '--merchant', 'carmel'], env);
    expect(reused.exitCode).toBe(1);
    expect(reused.stdout).toContain('Square did not accept the authorization code (INVALID_GRANT)');

    const before = await db.query(
      'select count(*)::int as n from raw.raw_square_payments union all select count(*)::int from elt.runs',
    );
    const check = await runElt(['--check', 'square'], env);
    expect(check.exitCode, check.all).toBe(0);
    expect(check.stdout).toMatch(/ok\s+square@napa\s+token valid \(list locations\): 1 location: Main Street/);
    expect(check.stdout).toMatch(/ok\s+square@sonoma\s+token valid/);
    expect(check.stdout).toMatch(/ok\s+square@carmel\s+stored tokens: access token valid for 29 more days/);
    expect(check.stdout).toMatch(/ok\s+square@carmel\s+token valid \(list locations\)/);
    expect(
      await db.query(
        'select count(*)::int as n from raw.raw_square_payments union all select count(*)::int from elt.runs',
      ),
    ).toEqual(before);
  });
});
