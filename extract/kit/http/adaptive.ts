import type { Clock } from './clock.js';

export interface AdaptiveOptions {
  /** Attempts remembered per endpoint. Default 20. */
  window?: number;
  /** Fewer remembered attempts than this say nothing yet. Default 4. */
  minSamples?: number;
  /** Failure ratio above which the endpoint is slowed. Default 0.2. */
  threshold?: number;
  /** Spacing between attempts while slowed: base + perFailureShare x the failure ratio. Default 500 ms. */
  baseSpacingMs?: number;
  /** Default 2 s: 0.5 s + 2 s x 30% = 1.1 s between attempts at 30% failures. */
  perFailureShareMs?: number;
  /** Slowest spacing. Default 10 s. */
  maxSpacingMs?: number;
}

interface EndpointPace {
  /** Recent outcomes, true = failed, oldest first. */
  outcomes: boolean[];
  failures: number;
  spacingMs: number;
  /** Clock time the next attempt may start at. */
  nextAt: number;
}

export type PaceChange = { endpoint: string; spacingMs: number; failureRatio: number };

/**
 * Slows an endpoint down while its recent failure ratio (429s, 5xx, network errors) is above the threshold,
 * in proportion to that ratio: at 30% failures about a second between attempts, not a crawl (doubling on every
 * failure settles at the cap under a steady error rate). Full speed returns as soon as the window's ratio is
 * back under the threshold, within a window of successes. On top of the token-bucket limits and the backoff of
 * each retried request; a dead endpoint is the circuit breaker's.
 */
export class AdaptiveThrottle {
  private readonly paces = new Map<string, EndpointPace>();
  private readonly o: Required<AdaptiveOptions>;

  constructor(
    options: AdaptiveOptions,
    private readonly clock: Clock,
  ) {
    this.o = {
      window: 20,
      minSamples: 4,
      threshold: 0.2,
      baseSpacingMs: 500,
      perFailureShareMs: 2000,
      maxSpacingMs: 10_000,
      ...options,
    };
  }

  /** Waits until the endpoint's current spacing allows the next attempt. */
  async acquire(endpoint: string, signal?: AbortSignal): Promise<void> {
    const pace = this.paces.get(endpoint);
    if (!pace || pace.spacingMs === 0) return;
    const now = this.clock.now();
    const start = Math.max(now, pace.nextAt);
    pace.nextAt = start + pace.spacingMs;
    if (start > now) await this.clock.sleep(start - now, signal);
  }

  /** Records one attempt; returns the new pace when the spacing changed between zero and non-zero. */
  record(endpoint: string, failed: boolean): PaceChange | undefined {
    const pace = this.pace(endpoint);
    pace.outcomes.push(failed);
    if (failed) pace.failures++;
    if (pace.outcomes.length > this.o.window && pace.outcomes.shift()) pace.failures--;
    const ratio = pace.failures / pace.outcomes.length;
    const before = pace.spacingMs;
    const high = pace.outcomes.length >= this.o.minSamples && ratio > this.o.threshold;
    const { baseSpacingMs, perFailureShareMs, maxSpacingMs } = this.o;
    pace.spacingMs = high ? Math.min(maxSpacingMs, Math.round(baseSpacingMs + perFailureShareMs * ratio)) : 0;
    if ((before === 0) !== (pace.spacingMs === 0)) return { endpoint, spacingMs: pace.spacingMs, failureRatio: ratio };
    return undefined;
  }

  spacingMs(endpoint: string): number {
    return this.paces.get(endpoint)?.spacingMs ?? 0;
  }

  private pace(endpoint: string): EndpointPace {
    let pace = this.paces.get(endpoint);
    if (!pace) {
      pace = { outcomes: [], failures: 0, spacingMs: 0, nextAt: Number.NEGATIVE_INFINITY };
      this.paces.set(endpoint, pace);
    }
    return pace;
  }
}
