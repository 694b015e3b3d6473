import type { IncomingHttpHeaders } from 'node:http';

/** A server asking for a longer pause than this is effectively down for this run: fail clearly instead. */
export const MAX_SERVER_WAIT_MS = 5 * 60_000;

function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long the server asked us to wait, in ms, or undefined if it did not say.
 * Retry-After (seconds or HTTP date) on any response; vendor reset headers (epoch seconds) only on 429,
 * because some APIs send them on every response and they describe a window, not a request to pause.
 */
export function serverWaitMs(status: number, headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  const waits: number[] = [];
  const retryAfter = firstHeader(headers, 'retry-after')?.trim();
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const at = Number.isFinite(seconds) ? nowMs + seconds * 1000 : Date.parse(retryAfter);
    if (Number.isFinite(at)) waits.push(at - nowMs);
  }
  if (status === 429) {
    for (const name of ['x-toast-ratelimit-reset', 'x-ratelimit-reset']) {
      const epochSeconds = Number(firstHeader(headers, name));
      if (Number.isFinite(epochSeconds) && epochSeconds > 0) waits.push(epochSeconds * 1000 - nowMs);
    }
  }
  return waits.length ? Math.max(0, ...waits) : undefined;
}
