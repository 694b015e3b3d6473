import type { Clock } from './clock.js';

export interface RateLimit {
  requestsPerSecond: number;
  /** Requests allowed back to back after an idle spell. Default 1: evenly spaced, the safe reading of "N per second". */
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
class TokenBucket {
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

/** Token buckets by key (host, rate key, endpoint); a request waits until every bucket it names has a token. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly clock: Clock) {}

  async acquire(gates: RateGate[], signal?: AbortSignal): Promise<void> {
    const buckets = gates.map((gate) => this.bucket(gate));
    // Take from every bucket only once all have a token, and re-check after sleeping instead of booking a
    // future slot: a booked slot would hold up other keys that share the host bucket.
    for (;;) {
      const now = this.clock.now();
      const start = Math.max(now, ...buckets.map((b) => b.earliest(now)));
      if (start <= now) {
        for (const b of buckets) b.take(now);
        return;
      }
      await this.clock.sleep(start - now, signal);
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
