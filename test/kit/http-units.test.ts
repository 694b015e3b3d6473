import { describe, expect, it } from 'vitest';
import {
  AdaptiveThrottle,
  CircuitBreaker,
  DEFAULT_HTTP_RETRY,
  RateLimiter,
  backoffDelayMs,
  bearerAuth,
  serverWaitMs,
  type Clock,
} from '../../extract/kit/http/index.js';

/** Fake timers: sleepers wake in time order only when the test runs the clock forward. */
function fakeTimers(start = 0) {
  let now = start;
  const timers: { at: number; wake: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => timers.push({ at: now + ms, wake })),
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    clock,
    /** Fires every timer due up to `until`, letting woken code run (and sleep again) in between. */
    async runUntil(until: number) {
      await settle();
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        now = next.at;
        next.wake();
        await settle();
      }
      now = until;
    },
  };
}

describe('RateLimiter', () => {
  it('follows the token-bucket schedule exactly: burst, then the steady rate, refill when idle', async () => {
    const timers = fakeTimers();
    const limiter = new RateLimiter(timers.clock);
    const grantedAt: number[] = [];
    const gate = [{ key: 'host:api', limit: { requestsPerSecond: 2, burst: 2 } }];
    const take = () => limiter.acquire(gate).then(() => grantedAt.push(timers.clock.now()));

    const burst = [take(), take(), take(), take(), take()];
    await timers.runUntil(5000);
    await Promise.all(burst);
    expect(grantedAt).toEqual([0, 0, 500, 1000, 1500]);

    // Idle for long enough: the bucket is full again (2 tokens), never more.
    const later = [take(), take(), take()];
    await timers.runUntil(10_000);
    await Promise.all(later);
    expect(grantedAt.slice(5)).toEqual([5000, 5000, 5500]);
  });

  it('waits for every bucket a request names, and keeps keys apart', async () => {
    const timers = fakeTimers();
    const limiter = new RateLimiter(timers.clock);
    const grants: string[] = [];
    const host = { key: 'host:api', limit: { requestsPerSecond: 10 } };
    const take = (name: string, key: string) =>
      limiter
        .acquire([host, { key, limit: { requestsPerSecond: 1 } }])
        .then(() => grants.push(`${name}@${timers.clock.now()}`));

    const all = [take('a1', 'key:a'), take('a2', 'key:a'), take('b1', 'key:b'), take('b2', 'key:b')];
    await timers.runUntil(3000);
    await Promise.all(all);
    // b1 only waits for the host bucket (100 ms), not behind key a's backlog.
    expect(grants).toEqual(['a1@0', 'b1@100', 'a2@1000', 'b2@1100']);
  });

  it('gives a request slowed by its own endpoint limit its share of a shared bucket', async () => {
    const timers = fakeTimers();
    const limiter = new RateLimiter(timers.clock);
    const restaurant = { key: 'key:r1', limit: { requestsPerSecond: 20 } };
    const orders = { key: 'endpoint:orders:r1', limit: { requestsPerSecond: 5 } };
    const granted = { orders: 0, cash: 0 };
    let stop = false;
    // Chains of requests, each asking again as soon as it is let through (as paging clients do).
    const chain = async (kind: 'orders' | 'cash') => {
      while (!stop) {
        await limiter.acquire(kind === 'orders' ? [restaurant, orders] : [restaurant]);
        if (timers.clock.now() < 10_000) granted[kind]++;
      }
    };
    const chains = [
      ...Array.from({ length: 8 }, () => chain('cash')),
      ...Array.from({ length: 3 }, () => chain('orders')),
    ];
    await timers.runUntil(10_000);
    stop = true;
    await timers.runUntil(11_000);
    await Promise.all(chains);
    // 10 s at 5/s for orders, the rest of 20/s for cash: the limits decide, not the race for tokens.
    expect(granted.orders).toBeGreaterThanOrEqual(49);
    expect(granted.orders + granted.cash).toBe(200);
  });

  it('holds a paused key until the pause ends', async () => {
    const timers = fakeTimers(1000);
    const limiter = new RateLimiter(timers.clock);
    limiter.pause('key:r1', 4000);
    let doneAt: number | undefined;
    const waiting = limiter.acquire([{ key: 'key:r1' }]).then(() => (doneAt = timers.clock.now()));
    await limiter.acquire([{ key: 'key:r2' }]); // another key is not held
    await timers.runUntil(10_000);
    await waiting;
    expect(doneAt).toBe(4000);
  });

  it('rejects a non-positive rate', async () => {
    const limiter = new RateLimiter(fakeTimers().clock);
    await expect(limiter.acquire([{ key: 'k', limit: { requestsPerSecond: 0 } }])).rejects.toThrow(RangeError);
  });
});

describe('retry timing', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const policy = { ...DEFAULT_HTTP_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelayMs(3, policy, () => 0.25)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('reads Retry-After and vendor reset headers', () => {
    const now = 1_700_000_000_000;
    expect(serverWaitMs(429, { 'retry-after': '3' }, now)).toBe(3000);
    expect(serverWaitMs(503, { 'retry-after': new Date(now + 9000).toUTCString() }, now)).toBe(9000);
    expect(serverWaitMs(429, { 'x-toast-ratelimit-reset': String(now / 1000 + 20) }, now)).toBe(20_000);
    expect(serverWaitMs(429, { 'x-ratelimit-reset': String(now / 1000 + 4) }, now)).toBe(4000);
    // The longest ask wins; a time already past means no wait.
    expect(serverWaitMs(429, { 'retry-after': '2', 'x-ratelimit-reset': String(now / 1000 + 5) }, now)).toBe(5000);
    expect(serverWaitMs(429, { 'retry-after': new Date(now - 9000).toUTCString() }, now)).toBe(0);
    // Reset headers describe a window on other statuses, not a request to pause; garbage is ignored.
    expect(serverWaitMs(503, { 'x-ratelimit-reset': String(now / 1000 + 60) }, now)).toBeUndefined();
    expect(serverWaitMs(429, { 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(serverWaitMs(429, {}, now)).toBeUndefined();
  });
});

describe('CircuitBreaker', () => {
  it('lets exactly one trial through while half-open; a neutral end frees the slot', () => {
    let now = 0;
    const clock: Clock = { now: () => now, sleep: async () => {} };
    const breaker = new CircuitBreaker({ failureThreshold: 2, resetAfterMs: 100 }, clock);

    for (let i = 0; i < 2; i++) breaker.settle('e', breaker.enter('e')!, 'failure');
    expect(breaker.state('e')).toBe('open');
    expect(breaker.enter('e')).toBeUndefined();

    now = 100;
    const trial = breaker.enter('e');
    expect(trial).toEqual({ trial: true });
    expect(breaker.enter('e')).toBeUndefined(); // a second caller fails fast while the trial runs
    breaker.settle('e', trial!, 'neutral'); // e.g. the trial was aborted: says nothing about health
    expect(breaker.state('e')).toBe('half-open');

    const second = breaker.enter('e')!;
    expect(breaker.settle('e', second, 'failure')).toBe(true);
    expect(breaker.state('e')).toBe('open');

    now = 200;
    breaker.settle('e', breaker.enter('e')!, 'success');
    expect(breaker.state('e')).toBe('closed');
    // The count starts over after closing.
    expect(breaker.settle('e', breaker.enter('e')!, 'failure')).toBe(false);
    expect(breaker.state('e')).toBe('closed');
  });
});

describe('AdaptiveThrottle', () => {
  it('spaces attempts out in proportion to the failure ratio, and gives the speed back as it recovers', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const clock: Clock = { now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
    const throttle = new AdaptiveThrottle({ window: 10, minSamples: 4, threshold: 0.2 }, clock);
    for (let i = 0; i < 3; i++) expect(throttle.record('e', true)).toBeUndefined(); // too few samples to judge
    // All failing: 0.5 s + 2 s x 100%.
    expect(throttle.record('e', true)).toEqual({ endpoint: 'e', spacingMs: 2500, failureRatio: 1 });
    expect(throttle.spacingMs('other')).toBe(0); // per endpoint

    for (let i = 0; i < 3; i++) await throttle.acquire('e');
    expect(sleeps).toEqual([2500, 2500]);

    // A steady 30% of failures: about a second between attempts, however long it lasts (no crawl to the cap).
    for (let round = 0; round < 5; round++)
      for (const failed of [true, false, false, true, false, false, true, false, false, false])
        throttle.record('e', failed);
    expect(throttle.spacingMs('e')).toBe(1100);

    // Errors stop: full speed once the window's ratio is under the threshold, within one window of successes.
    let change;
    let successes = 0;
    while (!change && successes < 10) {
      change = throttle.record('e', false);
      successes++;
    }
    expect(change).toMatchObject({ spacingMs: 0 });
    expect(successes).toBeLessThanOrEqual(10);
  });

  it('never spaces attempts beyond the cap', () => {
    const clock: Clock = { now: () => 0, sleep: async () => {} };
    const throttle = new AdaptiveThrottle({ minSamples: 1, perFailureShareMs: 60_000, maxSpacingMs: 10_000 }, clock);
    throttle.record('e', true);
    expect(throttle.spacingMs('e')).toBe(10_000);
  });
});

describe('bearerAuth', () => {
  it('replaces a refused token once for all requests refused with it, even while the new one is coming', async () => {
    let obtained = 0;
    const auth = bearerAuth({
      obtain: () =>
        new Promise<{ accessToken: string }>((resolve) =>
          setTimeout(() => resolve({ accessToken: `t${++obtained}` }), 20),
        ),
    });
    const sent = await auth.headers();
    expect(sent).toEqual({ authorization: 'Bearer t1' });
    expect(await Promise.all([auth.refused!(sent), auth.refused!(sent), auth.refused!(sent)])).toEqual([
      true,
      true,
      true,
    ]);
    expect(await auth.headers()).toEqual({ authorization: 'Bearer t2' });
    expect(obtained).toBe(2);
    expect(await auth.refused!({ authorization: 'Bearer t2' })).toBe(false);
  });
});
