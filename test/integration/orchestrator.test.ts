/** `npm run elt` as users meet it: options, exit codes, one-sentence errors, the run lock, demo mode. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePostgresTarget } from '../../extract/kit/warehouse/postgres/connection.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { runElt } from '../helpers/elt.js';

/** No stack traces: a user-facing failure is short and has no "    at " frames. */
function expectOneSentence(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
  expect(text.trim().split('\n').length).toBeLessThanOrEqual(3);
}

describe('npm run elt: usage', () => {
  it('--help prints the options and exit codes', async () => {
    const result = await runElt(['--help'], {});
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--only <list>');
    expect(result.stdout).toContain('Exit codes');
  });

  it('rejects unknown options and sources with exit code 2', async () => {
    const bogus = await runElt(['--bogus'], {});
    expect(bogus.exitCode).toBe(2);
    expect(bogus.stderr).toContain("Unknown option '--bogus'");
    const unknown = await runElt(['--only', 'nosuch', '--no-dbt'], {});
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown source "nosuch"');
    const entity = await runElt(['--only', 'tock.nosuch'], {});
    expect(entity.exitCode).toBe(2);
    expect(entity.stderr).toContain('tock.guest');
  });
});

describe('npm run elt: warehouse problems', () => {
  let localDir: string;
  beforeAll(async () => {
    localDir = await mkdtemp(path.join(tmpdir(), 'elt-local-'));
  });
  afterAll(async () => {
    await rm(localDir, { recursive: true, force: true });
  });

  it('an unreachable warehouse is one sentence with exit code 4 and no password', async () => {
    const result = await runElt(['--no-dbt'], {
      DATABASE_URL: 'postgresql://someone:hunter2secret@127.0.0.1:1/nowhere',
    });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain(
      'Cannot reach the warehouse at 127.0.0.1:1/nowhere_demo: nothing is listening there.',
    );
    expect(result.all).not.toContain('hunter2secret');
    expectOneSentence(result.stderr);
  });

  it('a port in use is one sentence naming ELT_PG_PORT', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await runElt(['--no-dbt'], { ELT_LOCAL_DIR: localDir, ELT_PG_PORT: String(port) });
      expect(result.exitCode).toBe(4);
      expect(result.stderr).toContain(`Port ${port} is in use by another program`);
      expect(result.stderr).toContain('ELT_PG_PORT');
      expectOneSentence(result.stderr);
    } finally {
      blocker.close();
    }
  });

  it('a missing dbt (no usable Python) is one sentence', async () => {
    const db = await freshDatabase('elt_test_nodbt_demo');
    try {
      const c = resolvePostgresTarget({ ...process.env, ELT_DATABASE: 'elt_test_nodbt' }).config;
      const url = `postgresql://${c.user}:${String(c.password)}@${c.host}:${c.port}/elt_test_nodbt`;
      const result = await runElt(['--dbt-only'], {
        DATABASE_URL: url,
        ELT_LOCAL_DIR: localDir,
        ELT_PYTHON: '/nonexistent/python3',
      });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('dbt needs Python 3.9 or newer');
      expectOneSentence(result.stderr);
    } finally {
      await db.close();
    }
  });
});

describe('npm run elt: demo mode end to end', () => {
  let demo: TestDatabase;
  const env = { ELT_DATABASE: 'elt_test_e2e' };
  beforeAll(async () => {
    demo = await freshDatabase('elt_test_e2e_demo');
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('runs every source against its sandbox, builds dbt, and says it is demo data', async () => {
    const result = await runElt([], env);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain('DEMO MODE');
    expect(result.stdout).toContain('Run summary: DEMO DATA');
    expect(result.stdout).toMatch(/tock\s+completed\s+\d/);
    expect(result.stdout).toMatch(/arrivy\s+completed\s+\d/);
    expect(result.stdout).toMatch(/commerce7\s+completed\s+\d/);
    expect(result.stdout).toMatch(/dbt build: ok/);
    const [guests] = await demo.query<{ n: number }>('select count(*)::int as n from raw.raw_tock_guest');
    expect(guests!.n).toBeGreaterThan(0);
    const [run] = await demo.query<{ status: string; demo: boolean }>(
      'select status, demo from elt.runs order by run_id desc limit 1',
    );
    expect(run).toEqual({ status: 'completed', demo: true });
    // Five sources and their dbt models on a 2-core machine: more than the default two minutes when busy.
  }, 300_000);

  it('refuses a second concurrent run with a clear message', async () => {
    const warehouse = await demo.warehouse();
    try {
      expect(await warehouse.tryLock()).toBe(true);
      const result = await runElt(['--no-dbt'], env);
      expect(result.exitCode).toBe(3);
      // Refused before any sandbox starts: the message is all there is.
      expect(result.stderr).toContain('Another "npm run elt" is already running');
      expect(result.stderr).not.toContain('sandbox started');
      expectOneSentence(result.stderr);
    } finally {
      await warehouse.close();
    }
  });

  it('sample prints or saves a few records through the sandbox and lands nothing', async () => {
    const [before] = await demo.query<{ n: number }>('select count(*)::int as n from raw.raw_square_payments');
    const printed = await runElt(['sample', 'square.payments', '--limit', '3'], env);
    expect(printed.exitCode, printed.all).toBe(0);
    const lines = printed.stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toHaveProperty('amount_money');
    expect(printed.stdout).toContain('3 records of square.payments (nothing landed)');
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'sample-')), 'payments.json');
    const saved = await runElt(['sample', 'square.payments', '--limit', '2', '--output', file], env);
    expect(saved.exitCode, saved.all).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveLength(2);
    const [after] = await demo.query<{ n: number }>('select count(*)::int as n from raw.raw_square_payments');
    expect(after!.n).toBe(before!.n);
    const usage = await runElt(['sample', 'square'], env);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('sample needs an entity');
  });

  it('status reports runs, last success per source and per entity, quarantine and data available', async () => {
    const result = await runElt(['status'], env);
    expect(result.exitCode, result.all).toBe(0);
    const headings = [
      'Recent runs',
      'Last success per source',
      'Entities',
      'Quarantined records',
      'Raw data available',
      'Endpoint health',
    ];
    const at = headings.map((heading) => result.stdout.indexOf(`\n${heading}`));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(result.stdout).toMatch(/raw_tock_guest\s+1\s+\d+/);
    expect(result.stdout).toMatch(/tock\s+tock\.listing/);
    // Each Tock entity's counts add up to the job's, and its line shows them with the files landed.
    const syncs = await demo.query<{
      entity: string;
      status: string;
      rows_seen: number;
      rows_landed: number;
      rows_quarantined: number;
    }>(
      `select entity, status, rows_seen, rows_landed, rows_quarantined
       from elt.entity_syncs where source = 'tock' order by entity`,
    );
    expect(syncs.map((s) => [s.entity, s.status])).toEqual([
      ['guest', 'completed'],
      ['reservation', 'completed'],
    ]);
    const [job] = await demo.query<{ rows_seen: number }>(
      `select rows_seen from elt.jobs where source = 'tock' order by job_id desc limit 1`,
    );
    expect(syncs.reduce((n, s) => n + s.rows_seen, 0)).toBe(job!.rows_seen);
    const [guest] = syncs;
    const [files] = await demo.query<{ n: number }>(
      `select count(*)::int as n from elt.state, jsonb_object_keys(coalesce(state->'value', state)->'files')
       where source = 'tock' and entity = 'guest'`,
    );
    const count = (n: number) => n.toLocaleString('en-US');
    const rows = [guest!.rows_seen, guest!.rows_landed, guest!.rows_quarantined].map(count).join(' +');
    const line = new RegExp(
      `tock +guest +default +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +${files!.n} files? +${rows}\n`,
    );
    expect(result.stdout).toMatch(line);
    const squareEntities = await demo.query(`select distinct entity from elt.entity_syncs where source = 'square'`);
    expect(squareEntities.length).toBeGreaterThan(5);
  });

  it('fails a job that runs past its time limit, and says so', async () => {
    const result = await runElt(['--only', 'tock', '--no-dbt'], {
      ...env,
      ELT_JOB_TIMEOUT_MINUTES: '0.002',
      ELT_SANDBOX_FAULTS: 'slowMs=2000',
    });
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stdout).toMatch(/tock\s+failed/);
    const [job] = await demo.query<{ status: string; error: string }>(
      `select status, error from elt.jobs order by job_id desc limit 1`,
    );
    expect(job?.status).toBe('failed');
    expect(job?.error).toContain('exceeded its time limit of 0.002 min (ELT_JOB_TIMEOUT_MINUTES)');
    // Per entity: the failure shows next to the last success, which it does not replace.
    const status = await runElt(['status'], env);
    expect(status.exitCode, status.all).toBe(0);
    expect(status.stdout).toMatch(
      /tock +guest +default +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +\d+ files? .* failed \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: \S/,
    );
  });

  it('--check tests credentials and the warehouse without touching data', async () => {
    const before = await demo.query(
      'select count(*)::int as n from raw.raw_tock_guest union all select count(*)::int from elt.runs',
    );
    const result = await runElt(['--check'], env);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toMatch(/ok\s+warehouse\s+write test \(rolled back\)/);
    expect(result.stdout).toMatch(/ok\s+tock\s+list export: \d+ guest and \d+ reservation files/);
    expect(result.stdout).toMatch(/ok\s+tock\s+read a file/);
    const after = await demo.query(
      'select count(*)::int as n from raw.raw_tock_guest union all select count(*)::int from elt.runs',
    );
    expect(after).toEqual(before);
  });
});
