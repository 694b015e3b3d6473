/**
 * The one-run-at-a-time lock on BigQuery: a lease row taken by a conditional UPDATE inside a transaction
 * (the fake server models the row; the statements' SQL is checked here and analysed in sql-analysis.test.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BigQueryWarehouse } from '../../extract/kit/warehouse/bigquery/bigquery-warehouse.js';
import { LockLostError, type LockOptions } from '../../extract/kit/warehouse/bigquery/lock.js';
import { LockHeld, takeRunLock } from '../../extract/orchestrator/pipeline.js';
import { answerLanding, fastOptions, guestTarget, inOrder, testTarget, unitOf } from './helpers.js';
import { FakeBigQuery } from './fake-bigquery.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function fakeServer(): Promise<FakeBigQuery> {
  const fake = new FakeBigQuery();
  await fake.start();
  closers.push(() => fake.stop());
  return fake;
}

function warehouseOn(fake: FakeBigQuery, lock: Partial<LockOptions> = {}) {
  const warehouse = new BigQueryWarehouse(testTarget(), fastOptions(fake, { lock }));
  closers.push(() => warehouse.close());
  return warehouse;
}

describe('BigQuery run lock', () => {
  it('lets one run in; a second gets the same message as on PostgreSQL', async () => {
    const fake = await fakeServer();
    const first = warehouseOn(fake);
    const second = warehouseOn(fake);
    expect(await first.tryLock()).toBe(true);
    expect(await second.tryLock()).toBe(false);

    // Taken by one transaction: ensure the row exists, then a conditional UPDATE, then read the holder.
    const script = fake.queries()[0]!;
    expect(script.sql).toMatch(
      inOrder(
        /^BEGIN TRANSACTION;\nINSERT INTO `test-project\.raw_elt\.run_lock`/,
        /WHERE NOT EXISTS/,
        /UPDATE `test-project\.raw_elt\.run_lock`\nSET holder = @holder/,
        /expires_at < CURRENT_TIMESTAMP\(\)/,
        /COMMIT TRANSACTION;\nSELECT holder, expires_at/,
      ),
    );
    expect(script.params).toMatchObject({ lock_name: 'run', lease_seconds: '600', stale_holder: '' });
    expect(script.params.holder).toMatch(new RegExp(`/${process.pid}/`));

    const error = await takeRunLock(second).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeld);
    expect((error as Error).message).toBe(
      'Another "npm run elt" is already running against BigQuery test-project.raw (US); ' +
        'wait for it to finish (see "npm run elt -- status").',
    );

    await first.close();
    expect(fake.lock?.holder).toBeNull();
    expect(await second.tryLock()).toBe(true);
  });

  it('renews the lease while the run lasts', async () => {
    const fake = await fakeServer();
    const warehouse = warehouseOn(fake, { renewEveryMs: 10 });
    expect(await warehouse.tryLock()).toBe(true);
    const expiresAt = fake.lock!.expiresAt;
    await vi.waitFor(
      () => expect(fake.queries().filter((q) => q.sql.includes('SET renewed_at')).length).toBeGreaterThanOrEqual(2),
      { timeout: 5000, interval: 10 },
    );
    expect(fake.lock!.expiresAt).toBeGreaterThanOrEqual(expiresAt);
  });

  it('lets a new run take an expired lease; the old run then stops before its next commit', async () => {
    const fake = await fakeServer();
    const old = warehouseOn(fake, { renewEveryMs: 3_600_000 });
    expect(await old.tryLock()).toBe(true);
    fake.lock!.expiresAt = Date.now() - 1; // the old run's renewals did not get through in time
    const next = warehouseOn(fake);
    expect(await next.tryLock()).toBe(true);

    await old.prepare(['raw_tock_guest']);
    fake.onQuery = answerLanding(1, 0);
    await (old as unknown as { lock: { renew(): Promise<void> } }).lock.renew();
    const error = await old.land(guestTarget(), unitOf('[{"patron":{"id":1}}]')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockLostError);
    expect(fake.queries().some((q) => q.sql.includes('SET landed'))).toBe(false);
  });

  it('takes over at once from a dead run of this host (a kill does not block for a whole lease)', async () => {
    const fake = await fakeServer();
    const killed = warehouseOn(fake, { pid: 999_999_991, renewEveryMs: 3_600_000 });
    expect(await killed.tryLock()).toBe(true);
    const alive = warehouseOn(fake, { isAlive: (pid) => pid !== 999_999_991 });
    expect(await alive.tryLock()).toBe(true);
    const [, first, second] = fake.queries();
    expect(first!.params.stale_holder).toBe('');
    expect(second!.params.stale_holder).toMatch(/\/999999991\//);
    // A live holder on this host is never taken over.
    const third = warehouseOn(fake, { isAlive: () => true });
    expect(await third.tryLock()).toBe(false);
  });
});
