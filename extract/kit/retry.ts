/**
 * One retry vocabulary for every transport: the HTTP client, the BigQuery API and GCS staging uploads each
 * keep their own defaults and their own idea of a retryable answer, but count attempts, back off and
 * recognise a flaky network the same way.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included (waits a throttled API asks for are not counted: see below). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * HTTP: how long one request may wait in all where a 429 says how long (Retry-After, a reset header). The
   * vendor asking us to wait is not a failure, so those waits spend this budget, not attempts. Default 5 min.
   */
  throttledWaitMs?: number;
}

/** Statuses that say "not now" rather than "no": timeouts, throttling and server-side failures. */
export const RETRYABLE_STATUS_CODES: readonly number[] = [408, 429, 500, 502, 503, 504];

/** Socket and DNS failures a second try can cure, whichever client (got, gaxios, undici) reported them. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET', // includes "socket hang up"
  'ECONNREFUSED', // a server or proxy restarting
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN', // transient DNS failure; ENOTFOUND is a wrong host and is not retried
  'ERR_STREAM_PREMATURE_CLOSE', // body cut off mid-transfer
  'UND_ERR_SOCKET', // undici's (fetch's) "other side closed"
]);

export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/**
 * Exponential backoff with full jitter before retry number `retry` (1 = the second attempt):
 * uniform in [0, min(max, base * 2^(retry-1))].
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

export const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (numbered from 1) until it resolves, throws an error `retryable` turns down, or the
 * policy's attempts are spent; the last error is thrown as it was.
 */
export async function retrying<T>(
  policy: RetryPolicy,
  retryable: (error: unknown) => boolean,
  attempt: (n: number) => Promise<T>,
  sleep: (ms: number) => Promise<void> = sleepReal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= policy.attempts || !retryable(error)) throw error;
      await sleep(backoffDelayMs(n, policy));
    }
  }
}
