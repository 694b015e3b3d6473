/**
 * The one-run-at-a-time lock on BigQuery, which has no advisory locks: a lease row in <dataset>_elt.run_lock.
 *
 * Taking it is one transaction that updates the row only when the lease is free, expired, ours, or held
 * by a process of this host that no longer exists (a killed run on the same machine does not block the
 * next for a whole lease). BigQuery cancels one of two concurrent transactions that update the same
 * table, so two runs can never both take it. While the run lasts, the lease is renewed well before it
 * expires; a run that could not renew in time (or finds the row taken) stops before its next commit.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { BigQueryApi } from './api.js';
import type { BigQueryTarget } from './config.js';
import { lockAcquireScript, lockRelease, lockRenew } from './sql.js';

export interface LockOptions {
  leaseSeconds: number;
  renewEveryMs: number;
  /** Margin before the lease's end after which no unit commits. */
  safetyMs: number;
  hostname?: string;
  pid?: number;
  isAlive?: (pid: number) => boolean;
}

export const DEFAULT_LOCK_OPTIONS: LockOptions = { leaseSeconds: 600, renewEveryMs: 120_000, safetyMs: 60_000 };

export class LockLostError extends Error {
  override name = 'LockLostError';
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LeaseLock {
  readonly holder: string;
  private readonly hostname: string;
  private timer?: NodeJS.Timeout;
  private heldUntil = 0;
  private lost = false;
  private held = false;

  constructor(
    private readonly api: BigQueryApi,
    private readonly target: BigQueryTarget,
    private readonly options: LockOptions = DEFAULT_LOCK_OPTIONS,
  ) {
    this.hostname = options.hostname ?? os.hostname();
    this.holder = `${this.hostname}/${options.pid ?? process.pid}/${randomUUID()}`;
  }

  /** A holder that is a process of this host that has gone away. */
  private isStale(holder: string): boolean {
    const [host, pid] = holder.split('/');
    if (host !== this.hostname || !pid || !/^\d+$/.test(pid)) return false;
    if (Number(pid) === (this.options.pid ?? process.pid)) return false;
    return !(this.options.isAlive ?? processAlive)(Number(pid));
  }

  private async attempt(staleHolder: string): Promise<{ acquired: boolean; holders: string[] }> {
    const started = Date.now();
    const { rows } = await this.api.query(
      lockAcquireScript(this.target, { holder: this.holder, staleHolder, leaseSeconds: this.options.leaseSeconds }),
      'lock',
    );
    const holders = rows.map((r) => r.holder).filter((h): h is string => typeof h === 'string');
    const acquired = holders.includes(this.holder);
    if (acquired) this.heldUntil = started + this.options.leaseSeconds * 1000;
    return { acquired, holders };
  }

  async tryAcquire(): Promise<boolean> {
    let { acquired, holders } = await this.attempt('');
    const stale = holders.find((h) => this.isStale(h));
    if (!acquired && stale) ({ acquired } = await this.attempt(stale));
    if (!acquired) return false;
    this.held = true;
    this.timer = setInterval(() => void this.renew().catch(() => undefined), this.options.renewEveryMs);
    this.timer.unref();
    return true;
  }

  /** Extends the lease; marks it lost when the row no longer names us. */
  async renew(): Promise<void> {
    if (!this.held || this.lost) return;
    const started = Date.now();
    const { numDmlAffectedRows } = await this.api.query(
      lockRenew(this.target, this.holder, this.options.leaseSeconds),
      'lock_renew',
    );
    if (numDmlAffectedRows === 0) this.lost = true;
    else this.heldUntil = started + this.options.leaseSeconds * 1000;
  }

  /** Throws unless the lease is surely still ours for a while: called before every commit. */
  assertHeld(): void {
    if (!this.held) return;
    if (this.lost || Date.now() > this.heldUntil - this.options.safetyMs) {
      throw new LockLostError(
        `The run lock on ${this.target.description} could not be renewed (lease expired or taken by another run); ` +
          'stopped before committing, rerun to continue.',
      );
    }
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.held) return;
    this.held = false;
    await this.api.query(lockRelease(this.target, this.holder), 'lock_release');
  }
}
