/**
 * Toast's rate limits for the sandbox, per restaurant (the Toast-Restaurant-External-ID): token buckets for
 * the per-second limits (overall, and ordersBulk or menus on top), holding one second's worth, and a fixed
 * 15-minute window for the long limit. A refused request uses up nothing. Real time, not the sandbox clock.
 */

export interface ToastRateLimits {
  /** Requests per second per restaurant, every endpoint together (Toast: 20). 0 = off. */
  overall: number;
  /** ordersBulk requests per second per restaurant (Toast: 5). 0 = off. */
  ordersBulk: number;
  /** menus/v2/menus requests per second per restaurant (Toast: 1). 0 = off. */
  menus: number;
  /** Requests per 15 minutes per restaurant (Toast: 10,000). 0 = off. */
  per15Minutes: number;
}

export const TOAST_RATE_LIMITS: ToastRateLimits = { overall: 20, ordersBulk: 5, menus: 1, per15Minutes: 10_000 };

const WINDOW_MS = 15 * 60_000;

/** What a 429 says: which limit (Toast's X-Toast-RateLimit-By) and when it resets (epoch ms). */
export interface Refusal {
  by: 'GLOBAL' | 'ENDPOINT';
  resetAt: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limits: ToastRateLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes one request of `restaurant` to `endpoint` ('ordersBulk', 'menus' or another); a Refusal when over a limit. */
  take(restaurant: string, endpoint: string): Refusal | undefined {
    const now = this.clock();
    const checks: [key: string, rate: number, by: Refusal['by']][] = [[`${restaurant} overall`, this.limits.overall, 'GLOBAL']];
    if (endpoint === 'ordersBulk' || endpoint === 'menus') checks.push([`${restaurant} ${endpoint}`, this.limits[endpoint], 'ENDPOINT']);
    const buckets: Bucket[] = [];
    for (const [key, rate, by] of checks) {
      if (!(rate > 0)) continue;
      const bucket = this.buckets.get(key) ?? { tokens: rate, at: now };
      bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
      bucket.at = now;
      this.buckets.set(key, bucket);
      if (bucket.tokens < 1) return { by, resetAt: now + Math.ceil(((1 - bucket.tokens) / rate) * 1000) };
      buckets.push(bucket);
    }
    if (this.limits.per15Minutes > 0) {
      const start = now - (now % WINDOW_MS);
      const window = this.windows.get(restaurant);
      if (!window || window.start !== start) this.windows.set(restaurant, { start, count: 0 });
      const current = this.windows.get(restaurant)!;
      if (current.count >= this.limits.per15Minutes) return { by: 'GLOBAL', resetAt: start + WINDOW_MS };
      current.count++;
    }
    for (const bucket of buckets) bucket.tokens -= 1;
    return undefined;
  }
}
