import type { Clock } from './clock.js';

export interface AdaptiveOptions {
  /** Attempts remembered per endpoint. Default 20. */
  window?: number;
  /** Fewer remembered attempts than this say nothing yet. Default 4. */
  minSamples?: number;
  /** Failure ratio above which the endpoint is slowed. Default 0.2. */
  threshold?: number;
  /** Spacing between attempts when slowing starts; doubles on each further failure. Default 250 ms. */
  initialSpacingMs?: number;
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
 * Slows an endpoint down while its recent failure ratio (429s, 5xx, network errors) is high: the spacing
 * between attempts doubles on each failure above the threshold and halves on each success below it, so a
 * struggling API gets room and a recovered one gets its speed back (AIMD on the gap between requests).
 * This works on top of the token-bucket limits and the backoff of each retried request.
 */
export class AdaptiveThrottle {
  private readonly paces = new Map<string, EndpointPace>();
  private readonly o: Required<AdaptiveOptions>;

  constructor(
    options: AdaptiveOptions,
    private readonly clock: Clock,
  ) {
    this.o = { window: 20, minSamples: 4, threshold: 0.2, initialSpacingMs: 250, maxSpacingMs: 10_000, ...options };
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
    if (failed && high) pace.spacingMs = Math.min(this.o.maxSpacingMs, Math.max(this.o.initialSpacingMs, before * 2));
    else if (!failed && !high && before > 0) pace.spacingMs = before / 2 < this.o.initialSpacingMs / 4 ? 0 : before / 2;
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
