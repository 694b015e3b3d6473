import { redact } from '../redact.js';

export type HttpErrorKind = 'status' | 'network' | 'timeout' | 'circuit_open' | 'aborted';

export interface HttpErrorInit {
  kind: HttpErrorKind;
  endpoint: string;
  method?: string;
  url: string;
  /** What went wrong, e.g. "HTTP 503" or "ECONNRESET"; never headers or request options. */
  detail: string;
  status?: number;
  /** System error code of a network failure, e.g. ECONNRESET. */
  code?: string;
  /** Raw response body text; redacted and cut here. */
  body?: string;
  retryable: boolean;
}

const SNIPPET_CHARS = 300;

/**
 * The only error the HTTP client throws. Built from plain, redacted parts on purpose: got's own errors
 * carry the request options (headers, tokens), so they are never attached as `cause`.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly kind: HttpErrorKind;
  readonly status?: number;
  readonly code?: string;
  readonly endpoint: string;
  readonly url: string;
  readonly bodySnippet?: string;
  readonly retryable: boolean;

  constructor(init: HttpErrorInit) {
    // Redact the whole body before cutting it, so a secret straddling the cut is not half-printed.
    const snippet = init.body?.trim() ? redact(init.body).trim().slice(0, SNIPPET_CHARS) : undefined;
    const request = `${init.method ? `${init.method} ` : ''}${init.url}`;
    super(redact(`${init.endpoint}: ${init.detail} (${request})${snippet ? `: ${snippet}` : ''}`));
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.endpoint = init.endpoint;
    this.url = redact(init.url);
    this.bodySnippet = snippet;
    this.retryable = init.retryable;
  }
}

/** The HttpError behind `error`: itself, or the one a wrapper (a listing naming its page) carries as cause. */
export function httpErrorOf(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  return error instanceof Error && error.cause instanceof HttpError ? error.cause : undefined;
}
