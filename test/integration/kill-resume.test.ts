/**
 * The landing contract under a real SIGKILL: a run killed in the middle of a COPY, then rerun, leaves
 * every record exactly once and the state naming exactly the files whose rows are there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTockSandbox, type TockSandbox } from '../../extract/sources/tock/sandbox/index.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { startElt } from '../helpers/elt.js';

describe('a landing process killed mid-load', () => {
  let sandbox: TockSandbox;
  let stateDir: string;
  let killed: TestDatabase;
  let reference: TestDatabase;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'elt-kill-'));
    // Files big enough that a COPY is still streaming when the kill lands.
    sandbox = await startTockSandbox({
      stateDir,
      exports: 3,
      guestsInFirstExport: 20_000,
      changesPerExport: 150_000,
      seed: 7,
    });
    killed = await freshDatabase('elt_test_kill');
    reference = await freshDatabase('elt_test_kill_reference');
  });

  afterAll(async () => {
    await sandbox?.close();
    await killed?.close();
    await reference?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const versions = (db: TestDatabase) =>
    db.query<{ _key: string; _hash: string; n: number }>(
      `select _key, _hash, count(*)::int as n from raw.raw_tock_guest group by 1, 2 order by 1, 2`,
    );

  it('resumes without duplicates or gaps, with state matching the landed rows', async () => {
    const args = ['--only', 'tock.guest', '--no-dbt'];
    // debug: the kill waits for the 'landing' line of file 2.
    const env = { ...sandbox.env(), ...killed.env, ELT_LOG_LEVEL: 'debug' };
    const child = startElt(args, env);
    let sawSecondFile = false;
    child.all.on('data', (chunk: Buffer) => {
      if (!sawSecondFile && /"msg":"landing".*guest-profile-2\.json/.test(chunk.toString())) {
        sawSecondFile = true;
        // Let the COPY of file 2 get going, then kill without any chance to clean up.
        setTimeout(() => child.kill('SIGKILL'), 300);
      }
    });
    const first = await child;
    expect(sawSecondFile).toBe(true);
    expect(first.signal).toBe('SIGKILL');
    // Killed while file 2 was streaming: it never reported landing.
    expect(first.all).not.toMatch(/"msg":"landed".*guest-profile-2\.json/);

    const [afterKill] = await killed.query<{ files: string[] }>(
      `select array(select jsonb_object_keys(state->'value'->'files') order by 1) as files
       from elt.state where source = 'tock' and entity = 'guest'`,
    );
    // File 1 committed with its state; file 2 was in flight and must have left nothing behind.
    expect(afterKill?.files).toEqual(['guest-profile-1.json']);
    const origins = await killed.query<{ _origin: string }>(
      `select distinct _origin from raw.raw_tock_guest order by 1`,
    );
    expect(origins.map((o) => o._origin)).toEqual(['guest-profile-1.json']);
    const [job] = await killed.query<{ status: string }>(`select status from elt.jobs order by job_id desc limit 1`);
    expect(job?.status).toBe('processing');

    const rerun = await startElt(args, env);
    expect(rerun.exitCode, rerun.all).toBe(0);
    // The next run marked the killed run's job failed rather than leaving it 'processing' forever.
    const jobs = await killed.query<{ status: string; error: string | null }>(
      `select status, error from elt.jobs order by job_id`,
    );
    expect(jobs[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('stopped') });
    expect(jobs.at(-1)?.status).toBe('completed');

    const uninterrupted = await startElt(args, { ...sandbox.env(), ...reference.env });
    expect(uninterrupted.exitCode, uninterrupted.all).toBe(0);

    const got = await versions(killed);
    const want = await versions(reference);
    expect(got.length).toBe(want.length);
    expect(got.every((v) => v.n === 1)).toBe(true);
    expect(got).toEqual(want);
    const [state] = await killed.query<{ state: { initialLoadComplete: boolean; files: Record<string, unknown> } }>(
      `select state->'value' as state from elt.state where source = 'tock' and entity = 'guest'`,
    );
    expect(state?.state.initialLoadComplete).toBe(true);
    expect(Object.keys(state?.state.files ?? {}).sort()).toEqual([
      'guest-profile-1.json',
      'guest-profile-2.json',
      'guest-profile-3.json',
    ]);
  });
});
