import type { Clock } from './clock.js';

export interface RateLimit {
  requestsPerSecond: number;
  /**
   * Requests allowed back to back after an idle spell. Default 1: evenly spaced, the safe reading of
   * "N per second".
   */
  burst?: number;
}

export interface RateGate {
  key: string;
  /** Undefined: no steady limit, but the gate can still be paused after a 429. */
  limit?: RateLimit;
}

/**
 * A token bucket stored as the time it next has a token (the GCRA form of the same algorithm):
 * one number per key, and a server-ordered pause is just moving that time forward.
 */
export class TokenBucket {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private theoreticalArrival = Number.NEGATIVE_INFINITY;

  constructor(limit: RateLimit | undefined) {
    if (limit && !(limit.requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be > 0');
    this.intervalMs = limit ? 1000 / limit.requestsPerSecond : 0;
    this.toleranceMs = limit ? this.intervalMs * (Math.max(1, limit.burst ?? 1) - 1) : 0;
  }

  earliest(now: number): number {
    return Math.max(now, this.theoreticalArrival - this.toleranceMs);
  }

  take(now: number): void {
    this.theoreticalArrival = Math.max(this.theoreticalArrival, now) + this.intervalMs;
  }

  pauseUntil(at: number): void {
    this.theoreticalArrival = Math.max(this.theoreticalArrival, at + this.toleranceMs);
  }
}

interface Waiter {
  buckets: TokenBucket[];
  go(): void;
}

/**
 * Token buckets by key (host, rate key, endpoint); a request waits until every bucket it names has a token.
 * Waiting requests are served among those whose buckets all have a token, the ones naming more buckets
 * first, then in arrival order: a request held by its own endpoint's limit holds up nobody while it waits,
 * and once it may go it is not outrun by requests that need only the shared buckets (Toast's orders at
 * 5/s next to cash at up to 20/s, say). Its own limit bounds it, so the others still get the rest.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly waiting: Waiter[] = [];
  /** When the next pass over the waiting requests is due. */
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(private readonly clock: Clock) {}

  async acquire(gates: RateGate[], signal?: AbortSignal): Promise<void> {
    const buckets = gates.map((gate) => this.bucket(gate));
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        buckets,
        go: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const after = this.waiting.findIndex((w) => w.buckets.length < buckets.length);
      this.waiting.splice(after < 0 ? this.waiting.length : after, 0, waiter);
      this.serve();
    });
  }

  /** Lets go every waiting request that can go now, in order, and sets a timer for the next one. */
  private serve(): void {
    const now = this.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.waiting.length;) {
      const waiter = this.waiting[i]!;
      let at = now;
      for (const bucket of waiter.buckets) at = Math.max(at, bucket.earliest(now));
      if (at <= now) {
        for (const bucket of waiter.buckets) bucket.take(now);
        this.waiting.splice(i, 1);
        waiter.go();
      } else {
        next = Math.min(next, at);
        i++;
      }
    }
    if (next < this.wakeAt) {
      this.wakeAt = next;
      void this.clock.sleep(next - now).then(() => {
        if (this.wakeAt === next) this.wakeAt = Number.POSITIVE_INFINITY;
        this.serve();
      });
    }
  }

  /** No request through this key before `untilMs` (a server said so). */
  pause(key: string, untilMs: number): void {
    this.bucket({ key }).pauseUntil(untilMs);
  }

  private bucket(gate: RateGate): TokenBucket {
    let bucket = this.buckets.get(gate.key);
    if (!bucket) {
      bucket = new TokenBucket(gate.limit);
      this.buckets.set(gate.key, bucket);
    }
    return bucket;
  }
}
