/**
 * One vendor account's REST connection for one run: base URL, auth, fixed headers, the rate-limit key, and
 * the vendor's clock (the Date header of its answers), so windows end at the vendor's now, never ours.
 */
import { HttpError, type Auth, type HttpClient, type HttpHeaders, type RequestSpec } from '../http/index.js';
import { headerValue, type Params } from './paginators.js';

export interface RestApiSpec {
  baseUrl: string;
  auth?: Auth;
  headers?: Record<string, string>;
  /** Requests of this account share a rate limit under this key; default the instance name. */
  rateKey?: string;
  /** Says whether a 2xx body reports a failure (some APIs answer 200 with an error). */
  bodyError?: RequestSpec['bodyError'];
  /** The vendor's clock, when accounts on one vendor server share it (restaurants of one client); default its own. */
  clock?: VendorClock;
  /** The sentence for an error the vendor explains in its body (a 422's message); undefined keeps the HTTP error. */
  explain?(error: HttpError): Error | undefined;
}

/** The vendor's clock minus ours, from the Date header of its answers. */
export class VendorClock {
  private offsetMs?: number;
  private probing?: Promise<unknown>;

  observe(headers: HttpHeaders): void {
    const date = Date.parse(headerValue(headers, 'date') ?? '');
    if (Number.isFinite(date)) this.offsetMs = date - Date.now();
  }

  /** The vendor's now; `probe` (one at a time) asks it when no answer has told the clock yet. */
  async now(probe?: () => Promise<unknown>): Promise<number> {
    if (this.offsetMs === undefined && probe) {
      this.probing ??= probe().finally(() => (this.probing = undefined));
      await this.probing;
    }
    return Date.now() + (this.offsetMs ?? 0);
  }
}

export interface RestCall {
  method?: 'GET' | 'POST';
  /** Path under the base URL, or an absolute URL the vendor gave (a next link). */
  path: string;
  query?: Params;
  body?: Record<string, unknown>;
  /** Metric and circuit label, e.g. "arrivy GET /tasks". */
  endpoint: string;
}

export interface RestAnswer {
  value: unknown;
  bytes: Buffer;
  headers: HttpHeaders;
}

export class RestApi {
  private readonly clock: VendorClock;

  constructor(
    readonly spec: RestApiSpec,
    private readonly http: HttpClient,
    private readonly rateKey: string,
  ) {
    this.clock = spec.clock ?? new VendorClock();
  }

  /** `parse: false`: the body's bytes only (value undefined), for lists that are only split into records. */
  async call(call: RestCall, signal: AbortSignal, options: { parse?: boolean } = {}): Promise<RestAnswer> {
    const method = call.method ?? 'GET';
    const url = /^https?:\/\//.test(call.path) ? call.path : `${this.spec.baseUrl}${call.path}`;
    const request = {
      method,
      url,
      endpoint: call.endpoint,
      headers: this.spec.headers,
      auth: this.spec.auth,
      searchParams: call.query,
      json: method === 'POST' ? (call.body ?? {}) : undefined,
      rateKey: this.spec.rateKey ?? this.rateKey,
      bodyError: this.spec.bodyError,
      signal,
    };
    const response = await this.http.parsedJson(request, options).catch((error: unknown) => {
      throw (error instanceof HttpError && this.spec.explain?.(error)) || error;
    });
    this.clock.observe(response.headers);
    return { value: response.body.value, bytes: response.body.bytes, headers: response.headers };
  }

  /** The vendor's now; `probe` is one cheap call made when no answer has told the clock yet. */
  async now(signal: AbortSignal, probe?: RestCall): Promise<number> {
    return this.clock.now(probe && (() => this.call(probe, signal)));
  }
}
