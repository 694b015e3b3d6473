import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough } from 'node:stream';
import got, { TimeoutError, type OptionsInit } from 'got';
import type { Logger } from '../log.js';
import { redactedUrl } from '../redact.js';
import { firstNonWhitespace, OPEN_BRACE, OPEN_BRACKET } from '../records/json-bytes.js';
import type { Auth } from './auth.js';
import { AdaptiveThrottle, type AdaptiveOptions } from './adaptive.js';
import {
  CircuitBreaker,
  type CircuitOptions,
  type CircuitPermit,
  type CircuitState,
  type RequestOutcome,
} from './circuit-breaker.js';
import { systemClock, type Clock } from './clock.js';
import { HttpError } from './errors.js';
import { MetricsRegistry, type EndpointMetrics } from './metrics.js';
import { RateLimiter, type RateGate, type RateLimit } from './rate-limiter.js';
import { RETRYABLE_STATUS_CODES, backoffDelayMs, isRetryableNetworkCode, type RetryPolicy } from '../retry.js';
import { MAX_SERVER_WAIT_MS, serverWaitMs } from './server-wait.js';

export type HttpHeaders = Record<string, string | string[] | undefined>;
export type HttpBodyStream = NodeJS.ReadableStream & AsyncIterable<Buffer>;

export interface HttpResponse<T> {
  status: number;
  headers: HttpHeaders;
  body: T;
}

export interface RequestSpec {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string | URL;
  /** Stable label for metrics and the circuit breaker, e.g. 'tock.listing'. */
  endpoint: string;
  headers?: Record<string, string>;
  /** Adds credentials to every attempt and gets new ones once on a 401 (see auth.ts). */
  auth?: Auth;
  searchParams?: Record<string, string | number | boolean | undefined>;
  /** JSON request body. */
  json?: unknown;
  form?: Record<string, string>;
  /** Caller-chosen limiter key, e.g. a restaurant guid; limited in addition to the host. */
  rateKey?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /**
   * json() only: says whether a 2xx body reports a failure (some APIs answer 200 with an error list).
   * Such an answer is a failed attempt like a 5xx: retried when `retryable`, counted in metrics and the circuit.
   */
  bodyError?: (body: unknown) => { detail: string; retryable: boolean } | undefined;
}

export interface HttpClientOptions {
  /** Source name, used in log lines. */
  name: string;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** Per attempt; for stream() it bounds connecting, waiting for headers and any idle gap in the body. */
  timeoutMs?: number;
  hostRateLimit?: RateLimit;
  keyRateLimit?: RateLimit;
  /** Per endpoint label (e.g. Toast ordersBulk 5/s), kept per rateKey when one is given. */
  endpointRateLimits?: Record<string, RateLimit>;
  circuit?: CircuitOptions & {
    /**
     * Count every failed attempt towards the threshold instead of every request that failed after its
     * retries (429s excepted: a throttled endpoint is alive). A dead endpoint then opens the circuit within
     * one request, and that request fails with kind 'circuit_open'.
     */
    perAttempt?: boolean;
  };
  /** Slow an endpoint down while its recent failure ratio is high (see AdaptiveThrottle). Off by default. */
  adaptive?: AdaptiveOptions;
  clock?: Clock;
  /** Jitter source, for tests. */
  random?: () => number;
}

export const DEFAULT_HTTP_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CIRCUIT: CircuitOptions = { failureThreshold: 5, resetAfterMs: 60_000 };
/** Enough of an error body to explain it; the rest is thrown away unread. */
const ERROR_BODY_BYTES = 8 * 1024;

interface Prepared {
  spec: RequestSpec;
  method: NonNullable<RequestSpec['method']>;
  url: URL;
  redactedUrl: string;
  endpoint: string;
  policy: RetryPolicy;
  timeoutMs: number;
  gates: RateGate[];
  /** The gate a 429 pauses: the caller's key when given (vendors limit per location), else the host. */
  pauseKey: string;
}

/** One attempt's result when the server answered: a usable value, or a non-2xx answer to describe. */
type Answer<R> = { ok: true; value: R } | { ok: false; status: number; headers: IncomingHttpHeaders; body: string };

function buildUrl(spec: RequestSpec): URL {
  const url = new URL(String(spec.url));
  for (const [name, value] of Object.entries(spec.searchParams ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

const isSuccess = (status: number) => status >= 200 && status < 300;

/** Failures that say the endpoint is unwell; a 4xx says the request was wrong, not the server. */
const countsAgainstCircuit = (error: HttpError) =>
  error.retryable || error.kind === 'network' || error.kind === 'timeout' || (error.status ?? 0) >= 500;

async function readErrorBody(stream: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= ERROR_BODY_BYTES) break;
    }
  } catch {
    // A cut-off error body still explains enough; the status decides what happens next.
  }
  stream.destroy();
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The one HTTP client every source uses. Retries are done here rather than by got, so the limiter,
 * the circuit breaker and the metrics see every attempt.
 */
export class HttpClient {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly retryPolicy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly limiter: RateLimiter;
  private readonly breaker: CircuitBreaker;
  private readonly perAttempt: boolean;
  private readonly adaptive?: AdaptiveThrottle;
  private readonly stats = new MetricsRegistry();

  constructor(private readonly options: HttpClientOptions) {
    this.log = options.logger.child({ source: options.name });
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.retryPolicy = { ...DEFAULT_HTTP_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.limiter = new RateLimiter(this.clock);
    this.breaker = new CircuitBreaker(options.circuit ?? DEFAULT_CIRCUIT, this.clock);
    this.perAttempt = options.circuit?.perAttempt ?? false;
    this.adaptive = options.adaptive ? new AdaptiveThrottle(options.adaptive, this.clock) : undefined;
  }

  text(spec: RequestSpec): Promise<HttpResponse<string>> {
    return this.run(spec, (p) => this.sendBuffered(p));
  }

  /** The body as the bytes sent: no string in between, for bodies that are split into records as bytes. */
  bytes(spec: RequestSpec): Promise<HttpResponse<Buffer>> {
    return this.run(spec, (p) => this.sendBytes(p));
  }

  /**
   * An empty body (e.g. 204) comes back as undefined. A 2xx whose body is an HTML page (a CDN or proxy
   * interstitial) is retried like a 503; any other body that is not JSON fails at once.
   */
  async json<T = unknown>(spec: RequestSpec): Promise<HttpResponse<T>> {
    const response = await this.parsedJson<T>(spec);
    return { ...response, body: response.body.value };
  }

  /**
   * json() that also keeps the bytes as sent, for records split from the body byte for byte. `parse: false`
   * skips JSON.parse (value undefined) for bodies only split into records: they are still refused unless they
   * start like JSON, and the splitter and the warehouse check the rest.
   */
  parsedJson<T = unknown>(
    spec: RequestSpec,
    options: { parse?: boolean } = {},
  ): Promise<HttpResponse<{ value: T; bytes: Buffer }>> {
    return this.run({ ...spec, headers: { accept: 'application/json', ...spec.headers } }, async (p) => {
      const answer = await this.sendBytes(p);
      if (!answer.ok) return answer;
      const response = answer.value;
      const notJson = (text: string) => {
        const html = /^\s*</.test(text);
        return new HttpError({
          ...this.base(p),
          kind: 'status',
          status: response.status,
          detail: `HTTP ${response.status} with ${html ? 'an HTML page' : 'a body that is not JSON'}`,
          body: text,
          retryable: html,
        });
      };
      const empty = {
        ok: true as const,
        value: { ...response, body: { value: undefined as T, bytes: response.body } },
      };
      if (options.parse === false && !spec.bodyError) {
        const first = firstNonWhitespace(response.body);
        if (first === undefined || first === OPEN_BRACKET || first === OPEN_BRACE) return empty;
        throw notJson(response.body.toString('utf8'));
      }
      const text = response.body.toString('utf8');
      if (!text.trim()) return empty;
      let value: T;
      try {
        value = JSON.parse(text) as T;
      } catch {
        throw notJson(text);
      }
      const problem = spec.bodyError?.(value);
      if (problem) {
        throw new HttpError({
          ...this.base(p),
          kind: 'status',
          status: response.status,
          detail: `HTTP ${response.status} with an error body: ${problem.detail}`,
          body: text,
          retryable: problem.retryable,
        });
      }
      return { ok: true, value: { ...response, body: { value, bytes: response.body } } };
    });
  }

  /** Retries until response headers arrive with a 2xx; from then on the body stream belongs to the caller. */
  stream(spec: RequestSpec): Promise<HttpResponse<HttpBodyStream>> {
    return this.run(spec, (p) => this.sendStreaming(p));
  }

  metrics(): EndpointMetrics[] {
    return this.stats.snapshot((endpoint) => this.breaker.state(endpoint));
  }

  circuitState(endpoint: string): CircuitState {
    return this.breaker.state(endpoint);
  }

  /** With auth: its headers on every attempt, and the request sent once more after a 401 it could fix. */
  private async run<R>(spec: RequestSpec, send: (p: Prepared) => Promise<Answer<R>>): Promise<R> {
    const auth = spec.auth;
    if (!auth) return this.attempts(spec, send);
    for (let again = false; ; again = true) {
      const sent = await auth.headers(spec.signal);
      try {
        return await this.attempts({ ...spec, headers: { ...spec.headers, ...sent } }, send);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        if (error.status === 401 && !again && (await auth.refused?.(sent, spec.signal, error))) continue;
        throw (error.status === 401 || error.status === 403 ? auth.explain?.(error) : undefined) ?? error;
      }
    }
  }

  private async attempts<R>(spec: RequestSpec, send: (p: Prepared) => Promise<Answer<R>>): Promise<R> {
    const p = this.prepare(spec);
    if (spec.signal?.aborted) throw this.abortedError(p);
    let permit = this.breaker.enter(p.endpoint);
    if (!permit) throw this.circuitOpenError(p);
    let outcome: RequestOutcome = 'neutral';
    // Failed attempts count against the policy's attempts; waits a 429 asked for, against its time budget.
    let failures = 0;
    let throttledMs = 0;
    try {
      for (let attempt = 1; ; attempt++) {
        if (this.adaptive) await this.wait(p, () => this.adaptive!.acquire(p.endpoint, spec.signal));
        await this.wait(p, () => this.limiter.acquire(p.gates, spec.signal));
        const started = this.clock.now();
        let answer: Answer<R> | HttpError;
        try {
          answer = await send(p);
        } catch (error) {
          answer = error instanceof HttpError ? error : this.transportError(p, error);
        }
        const finished = this.clock.now();
        const latencyMs = finished - started;

        if (!(answer instanceof HttpError) && answer.ok) {
          this.stats.attempt(p.endpoint, { result: 'ok', latencyMs, at: finished });
          this.pace(p, false);
          outcome = 'success';
          return answer.value;
        }
        const error = answer instanceof HttpError ? answer : this.statusError(p, answer);
        const result = error.kind === 'aborted' ? 'aborted' : 'failed';
        this.stats.attempt(p.endpoint, { result, status: error.status, latencyMs, at: finished });
        if (result === 'failed' && countsAgainstCircuit(error)) this.pace(p, true);

        const askedMs = answer instanceof HttpError ? undefined : serverWaitMs(answer.status, answer.headers, finished);
        const throttled = error.status === 429 && askedMs !== undefined;
        if (!throttled) failures++;
        const delayMs = throttled ? askedMs : Math.max(askedMs ?? 0, backoffDelayMs(failures, p.policy, this.random));
        // Hold back every caller sharing this host/key, not just this one, so they don't hammer a throttled API.
        // An ask beyond the cap is not honoured: those callers fail clearly too instead of hanging.
        if (error.status === 429 && delayMs <= MAX_SERVER_WAIT_MS) this.limiter.pause(p.pauseKey, finished + delayMs);
        if (this.perAttempt) {
          // This attempt is one breaker call; the next attempt asks for a permit of its own.
          const counts = result === 'failed' && countsAgainstCircuit(error) && error.status !== 429;
          this.settle(p, permit!, counts ? 'failure' : 'neutral');
          permit = undefined;
          if (counts && this.breaker.state(p.endpoint) === 'open') throw this.circuitOpenError(p, error);
        }
        if (!error.retryable || failures >= p.policy.attempts) {
          outcome = countsAgainstCircuit(error) ? 'failure' : 'neutral';
          throw error;
        }
        if (askedMs !== undefined && askedMs > MAX_SERVER_WAIT_MS) {
          outcome = 'failure';
          throw this.waitTooLongError(p, error, askedMs);
        }
        if (throttled) {
          throttledMs += delayMs;
          const budgetMs = p.policy.throttledWaitMs ?? MAX_SERVER_WAIT_MS;
          if (throttledMs > budgetMs) {
            outcome = 'failure';
            throw this.throttledTooLongError(p, error, budgetMs);
          }
        }
        this.log.warn('retrying HTTP request', {
          endpoint: p.endpoint,
          method: p.method,
          url: p.redactedUrl,
          attempt,
          delayMs,
          reason: error.status ? `HTTP ${error.status}` : (error.code ?? error.kind),
        });
        this.stats.retry(p.endpoint);
        await this.wait(p, () => this.clock.sleep(delayMs, spec.signal));
        if (this.perAttempt) {
          permit = this.breaker.enter(p.endpoint);
          if (!permit) throw this.circuitOpenError(p, error);
        } else if (!permit!.trial && this.breaker.state(p.endpoint) === 'open') {
          // Other requests may have opened the circuit meanwhile; stop spending retries on a dead endpoint.
          throw this.circuitOpenError(p, error);
        }
      }
    } finally {
      if (permit) this.settle(p, permit, outcome);
    }
  }

  private settle(p: Prepared, permit: CircuitPermit, outcome: RequestOutcome): void {
    if (this.breaker.settle(p.endpoint, permit, outcome)) {
      this.log.warn('circuit opened: failing fast', { endpoint: p.endpoint, url: p.redactedUrl });
    }
  }

  /** Feeds the adaptive throttle and says when it starts or stops slowing an endpoint. */
  private pace(p: Prepared, failed: boolean): void {
    const change = this.adaptive?.record(p.endpoint, failed);
    if (!change) return;
    if (change.spacingMs > 0) {
      this.log.warn('slowing down: high failure ratio', {
        endpoint: p.endpoint,
        failureRatio: Number(change.failureRatio.toFixed(2)),
        spacingMs: change.spacingMs,
      });
    } else {
      this.log.info('endpoint recovered: full speed again', { endpoint: p.endpoint });
    }
  }

  private prepare(spec: RequestSpec): Prepared {
    const url = buildUrl(spec);
    const hostGate: RateGate = { key: `host:${url.host}`, limit: this.options.hostRateLimit };
    const keyGate: RateGate | undefined =
      spec.rateKey === undefined ? undefined : { key: `key:${spec.rateKey}`, limit: this.options.keyRateLimit };
    const endpointLimit = this.options.endpointRateLimits?.[spec.endpoint];
    const endpointGate: RateGate | undefined = endpointLimit && {
      key: `endpoint:${spec.endpoint}:${spec.rateKey ?? ''}`,
      limit: endpointLimit,
    };
    return {
      spec,
      method: spec.method ?? 'GET',
      url,
      redactedUrl: redactedUrl(url),
      endpoint: spec.endpoint,
      policy: { ...this.retryPolicy, ...spec.retry },
      timeoutMs: spec.timeoutMs ?? this.timeoutMs,
      gates: [hostGate, keyGate, endpointGate].filter((gate): gate is RateGate => gate !== undefined),
      pauseKey: (keyGate ?? hostGate).key,
    };
  }

  private gotOptions(p: Prepared) {
    return {
      method: p.method,
      headers: p.spec.headers,
      json: p.spec.json,
      form: p.spec.form,
      signal: p.spec.signal,
      retry: { limit: 0 },
      throwHttpErrors: false,
    } satisfies OptionsInit;
  }

  private async sendBuffered(p: Prepared): Promise<Answer<HttpResponse<string>>> {
    const answer = await this.sendBytes(p);
    return answer.ok ? { ok: true, value: { ...answer.value, body: answer.value.body.toString('utf8') } } : answer;
  }

  private async sendBytes(p: Prepared): Promise<Answer<HttpResponse<Buffer>>> {
    const response = await got(p.url, {
      ...this.gotOptions(p),
      responseType: 'buffer',
      timeout: { request: p.timeoutMs },
    });
    const { statusCode: status, headers, body } = response;
    return isSuccess(status)
      ? { ok: true, value: { status, headers, body } }
      : { ok: false, status, headers, body: body.toString('utf8') };
  }

  private sendStreaming(p: Prepared): Promise<Answer<HttpResponse<HttpBodyStream>>> {
    return new Promise((resolve, reject) => {
      const t = p.timeoutMs;
      const request = got.stream(p.url, { ...this.gotOptions(p), timeout: { connect: t, response: t, socket: t } });
      let answered = false;
      let body: PassThrough | undefined;
      request.on('error', (error) => {
        // Before headers this is a failed attempt; after a 2xx it belongs to the caller's stream, redacted.
        if (!answered) reject(error);
        else body?.destroy(this.transportError(p, error));
      });
      request.once('response', (response: { statusCode: number; headers: IncomingHttpHeaders }) => {
        answered = true;
        const { statusCode: status, headers } = response;
        if (!isSuccess(status)) {
          void readErrorBody(request).then((text) => resolve({ ok: false, status, headers, body: text }));
          return;
        }
        body = new PassThrough();
        // A body that fails before the caller starts reading (a unit waiting for its transaction) keeps the
        // error for the caller's first read instead of throwing it at the process.
        body.on('error', () => {});
        // A caller that stops reading early must not leave the socket busy.
        body.once('close', () => {
          if (!request.readableEnded) request.destroy();
        });
        request.pipe(body);
        resolve({ ok: true, value: { status, headers, body } });
      });
    });
  }

  /** Runs a wait (limiter, backoff) and turns an abort during it into an 'aborted' HttpError. */
  private async wait(p: Prepared, waiting: () => Promise<void>): Promise<void> {
    try {
      await waiting();
    } catch (error) {
      if (p.spec.signal?.aborted) throw this.abortedError(p);
      throw error;
    }
    if (p.spec.signal?.aborted) throw this.abortedError(p);
  }

  private base(p: Prepared) {
    return { endpoint: p.endpoint, method: p.method, url: p.redactedUrl };
  }

  private statusError(p: Prepared, answer: { status: number; body: string }): HttpError {
    return new HttpError({
      ...this.base(p),
      kind: 'status',
      status: answer.status,
      detail: `HTTP ${answer.status}`,
      body: answer.body,
      retryable: RETRYABLE_STATUS_CODES.includes(answer.status),
    });
  }

  /** Maps a got/socket error to an HttpError by its code only: the error object itself carries request headers. */
  private transportError(p: Prepared, error: unknown): HttpError {
    if (p.spec.signal?.aborted) return this.abortedError(p);
    if (error instanceof TimeoutError) {
      return new HttpError({
        ...this.base(p),
        kind: 'timeout',
        code: error.code,
        detail: `no response within ${p.timeoutMs} ms (${error.event})`,
        retryable: true,
      });
    }
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
    const message = error instanceof Error ? error.message : String(error);
    return new HttpError({
      ...this.base(p),
      kind: 'network',
      code,
      detail: code && isRetryableNetworkCode(code) ? code : `request failed: ${message}`,
      retryable: isRetryableNetworkCode(code),
    });
  }

  private waitTooLongError(p: Prepared, error: HttpError, askedMs: number): HttpError {
    return new HttpError({
      ...this.base(p),
      kind: 'status',
      status: error.status,
      detail:
        `HTTP ${error.status}: server asks to wait ${Math.ceil(askedMs / 1000)} s, ` +
        `over the ${MAX_SERVER_WAIT_MS / 1000} s this client waits`,
      body: error.bodySnippet,
      retryable: true,
    });
  }

  private throttledTooLongError(p: Prepared, error: HttpError, budgetMs: number): HttpError {
    return new HttpError({
      ...this.base(p),
      kind: 'status',
      status: error.status,
      detail:
        `HTTP ${error.status}: still throttled after waiting ` + `${Math.round(budgetMs / 1000)} s as the server asked`,
      body: error.bodySnippet,
      retryable: true,
    });
  }

  private circuitOpenError(p: Prepared, last?: HttpError): HttpError {
    const reason = last ? ` (last: ${last.status ? `HTTP ${last.status}` : (last.code ?? last.kind)})` : '';
    return new HttpError({
      ...this.base(p),
      kind: 'circuit_open',
      detail: `circuit open after repeated failures${reason}; not calling the endpoint`,
      retryable: true,
    });
  }

  private abortedError(p: Prepared): HttpError {
    return new HttpError({ ...this.base(p), kind: 'aborted', detail: 'aborted by caller', retryable: false });
  }
}
