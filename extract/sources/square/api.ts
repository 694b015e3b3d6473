/**
 * The Square API contract as this client uses it: operations, headers, error bodies, cursor paging, the
 * server's clock, and access tokens (static, or OAuth tokens kept encrypted in the warehouse and refreshed).
 *
 * - Every request: `Authorization: Bearer <token>`, `Square-Version: <pinned>`, JSON.
 * - Errors: `{"errors":[{"category","code","detail","field"}]}`, also inside a 200 (treated as a failed
 *   attempt: retried when Square says it is on its side). 401 ACCESS_TOKEN_EXPIRED refreshes an OAuth token
 *   once, then fails with one sentence; 400 INVALID_CURSOR is raised as SquareCursorError (the caller
 *   restarts the window).
 * - Paging: the response's `cursor`, absent on the last page; GET sends it as a query parameter, POST
 *   (search) repeats the original body with `cursor` added.
 * - Time: windows end at the server's clock (the Date header of a fresh ListLocations), never the local one.
 */
import { HttpError, type HttpClient } from '../../kit/http/index.js';
import type { Logger } from '../../kit/log.js';
import { registerSecret } from '../../kit/redact.js';
import type { SecretStore } from '../../kit/secrets.js';
import type { SourceInstance } from '../../kit/source.js';
import type { SquareConfig } from './config.js';
import { squareErrorCode } from './errors.js';
import { OAUTH_SECRET_PREFIX, refreshTokens, type StoredTokens } from './oauth.js';

export const OPERATIONS = {
  ListLocations: { method: 'GET', path: '/v2/locations' },
  SearchCustomers: { method: 'POST', path: '/v2/customers/search' },
  ListPayments: { method: 'GET', path: '/v2/payments' },
  SearchOrders: { method: 'POST', path: '/v2/orders/search' },
  ListBookings: { method: 'GET', path: '/v2/bookings' },
  SearchCatalogObjects: { method: 'POST', path: '/v2/catalog/search' },
  SearchTeamMembers: { method: 'POST', path: '/v2/team-members/search' },
  SearchLoyaltyAccounts: { method: 'POST', path: '/v2/loyalty/accounts/search' },
} as const;

export type Operation = keyof typeof OPERATIONS;

/** Metric and circuit label: the operation's name and route, as `npm run elt -- status` shows it. */
export function endpointLabel(op: Operation): string {
  return `${op} ${OPERATIONS[op].method} ${OPERATIONS[op].path}`;
}

export interface SquareErrorEntry {
  category?: string;
  code?: string;
  detail?: string;
  field?: string;
}

/** Square's answer to a cursor it does not accept (expired, garbage, or for another query). */
export class SquareCursorError extends Error {
  override name = 'SquareCursorError';
}

/** Credentials Square refused, in one sentence that says what to do. */
export class SquareAuthError extends Error {
  override name = 'SquareAuthError';
}

const RETRYABLE_CATEGORIES = new Set(['API_ERROR', 'RATE_LIMIT_ERROR']);
const RETRYABLE_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT', 'RATE_LIMITED']);

function errorList(body: unknown): SquareErrorEntry[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.filter((e): e is SquareErrorEntry => !!e && typeof e === 'object') : [];
}

const describeErrors = (errors: SquareErrorEntry[]) => errors.map((e) => [e.category, e.code, e.detail].filter(Boolean).join(' ')).join('; ');

/** A 200 whose body carries `errors` is a failure; retried when the fault is Square's (API_ERROR, RATE_LIMITED). */
export function squareBodyError(body: unknown): { detail: string; retryable: boolean } | undefined {
  const errors = errorList(body);
  if (errors.length === 0) return undefined;
  const retryable = errors.some((e) => RETRYABLE_CATEGORIES.has(e.category ?? '') || RETRYABLE_CODES.has(e.code ?? ''));
  return { detail: describeErrors(errors), retryable };
}

export interface Location {
  id: string;
  name?: string;
  status?: string;
  currency?: string;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
  /** Server time of the answer (Date header), epoch ms. */
  serverTime?: number;
}

/** What to list: the operation, the field of the answer holding the items, and the request (without cursor). */
export interface Listing {
  op: Operation;
  field: string;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
}

interface Call {
  op: Operation;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  signal: AbortSignal;
}

/** Refresh OAuth tokens proactively when less than this remains (access tokens live 30 days). */
export const REFRESH_BEFORE_MS = 7 * 86_400_000;

/**
 * One merchant's connection for one run: its token (refreshed at most once on a 401), the HTTP client,
 * and the server clock. Shared by the merchant's entities.
 */
export class SquareSession {
  private token?: string;
  private tokenLoad?: Promise<string>;
  private refreshedOn401 = false;
  private beginning?: Promise<{ locations: Location[]; now: number }>;

  constructor(
    readonly instance: SourceInstance<SquareConfig>,
    private readonly http: HttpClient,
    private readonly secrets: SecretStore,
    private readonly log: Logger,
  ) {}

  get config(): SquareConfig {
    return this.instance.config;
  }

  /**
   * The merchant's locations and the server's time at the start of this run: asked once per run and
   * merchant, shared by its entities (windows of every entity end at this time; the next run goes on from it).
   */
  begin(signal: AbortSignal): Promise<{ locations: Location[]; now: number }> {
    this.beginning ??= this.request<{ locations?: Location[] }>({ op: 'ListLocations', signal }).then((page) => ({
      locations: page.body.locations ?? [],
      now: page.serverTime ?? Date.now(),
    }));
    // A failed start is not remembered: the next entity asks again.
    this.beginning.catch(() => (this.beginning = undefined));
    return this.beginning;
  }

  /**
   * Every page of a listing until Square sends no cursor. The next page is asked for as soon as a page
   * arrives, so it travels while the caller lands this one. `first` is a first page already asked for
   * (read-ahead across windows); `onLast` runs when the last page has arrived.
   */
  async *paginate<T>(listing: Listing, signal: AbortSignal, options: { first?: Promise<Page<T>>; onLast?: () => void } = {}): AsyncGenerator<Page<T>> {
    let next: Promise<Page<T>> | undefined = options.first ?? this.page<T>(listing, undefined, signal);
    while (next) {
      const page: Page<T> = await next;
      next = page.cursor ? this.page<T>(listing, page.cursor, signal) : undefined;
      // A caller that stops early leaves the read-ahead unawaited: its failure is nobody's to report.
      next?.catch(() => undefined);
      if (!next) options.onLast?.();
      yield page;
    }
  }

  /** One page of a listing (the first when no cursor). */
  async page<T>(listing: Listing, cursor: string | undefined, signal: AbortSignal): Promise<Page<T>> {
    const { op, field, query, body } = listing;
    const call: Call = OPERATIONS[op].method === 'GET' ? { op, query: { ...query, cursor }, signal } : { op, body: cursor ? { ...body, cursor } : { ...body }, signal };
    const answer = await this.request<Record<string, unknown>>(call);
    const items = answer.body[field];
    if (items !== undefined && !Array.isArray(items)) throw new Error(`${op}: "${field}" in the answer is not a list`);
    const next = answer.body.cursor;
    return { items: (items ?? []) as T[], cursor: typeof next === 'string' && next ? next : undefined, serverTime: answer.serverTime };
  }

  async request<T>(call: Call): Promise<{ body: T; serverTime?: number }> {
    const token = await this.accessToken(call.signal);
    try {
      return await this.send<T>(call, token);
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 401) throw this.translate(error);
      const code = squareErrorCode(error) ?? 'UNAUTHORIZED';
      if (!this.config.oauth || this.config.accessToken || this.refreshedOn401 || code === 'ACCESS_TOKEN_REVOKED') {
        throw this.authError(code, this.refreshedOn401);
      }
      this.refreshedOn401 = true;
      this.log.warn('Square refused the access token; refreshing it once', { code });
      const fresh = await this.refresh(call.signal);
      try {
        return await this.send<T>(call, fresh);
      } catch (again) {
        if (again instanceof HttpError && again.status === 401) throw this.authError(squareErrorCode(again) ?? 'UNAUTHORIZED', true);
        throw this.translate(again);
      }
    }
  }

  private async send<T>(call: Call, token: string): Promise<{ body: T; serverTime?: number }> {
    const { method, path } = OPERATIONS[call.op];
    const response = await this.http.json<T>({
      method,
      url: `${this.config.apiUrl}${path}`,
      endpoint: endpointLabel(call.op),
      rateKey: this.instance.name,
      headers: { authorization: `Bearer ${token}`, 'square-version': this.config.version },
      searchParams: call.query,
      json: method === 'POST' ? (call.body ?? {}) : undefined,
      bodyError: squareBodyError,
      signal: call.signal,
    });
    const date = Date.parse(String(response.headers.date ?? ''));
    return { body: (response.body ?? {}) as T, serverTime: Number.isFinite(date) ? date : undefined };
  }

  private translate(error: unknown): unknown {
    if (error instanceof HttpError && error.status === 400 && squareErrorCode(error) === 'INVALID_CURSOR') {
      return new SquareCursorError(`${error.endpoint}: Square refused the paging cursor (INVALID_CURSOR)`);
    }
    if (error instanceof HttpError && error.status === 403) {
      const code = squareErrorCode(error) ?? 'FORBIDDEN';
      return new SquareAuthError(
        `Square denied ${error.endpoint} for merchant "${this.instance.name}" (HTTP 403 ${code}): the token lacks a permission this source needs (MERCHANT_PROFILE_READ, CUSTOMERS_READ, PAYMENTS_READ, ORDERS_READ, APPOINTMENTS_READ, ITEMS_READ, EMPLOYEES_READ, LOYALTY_READ).`,
      );
    }
    return error;
  }

  private authError(code: string, afterRefresh: boolean): SquareAuthError {
    const who = `merchant "${this.instance.name}"`;
    if (this.config.accessToken) {
      const variable = this.instance.name === 'default' ? 'SQUARE_ACCESS_TOKEN' : `SQUARE_ACCESS_TOKEN__${this.instance.name.toUpperCase()}`;
      return new SquareAuthError(`Square refused the access token of ${who} (HTTP 401 ${code}): set a valid ${variable}.`);
    }
    const again = `authorise again with: npm run elt -- square-auth --code <authorization code>${this.instance.name === 'default' ? '' : ` --merchant ${this.instance.name}`}`;
    return new SquareAuthError(
      afterRefresh
        ? `Square refused the access token of ${who} even after refreshing it (HTTP 401 ${code}): ${again}.`
        : `Square refused the access token of ${who} (HTTP 401 ${code}): ${again}.`,
    );
  }

  private accessToken(signal: AbortSignal): Promise<string> {
    if (this.token) return Promise.resolve(this.token);
    this.tokenLoad ??= this.loadToken(signal).finally(() => (this.tokenLoad = undefined));
    return this.tokenLoad;
  }

  private async loadToken(signal: AbortSignal): Promise<string> {
    if (this.config.accessToken) return (this.token = this.config.accessToken);
    const stored = await this.secrets.get<StoredTokens>(OAUTH_SECRET_PREFIX + this.instance.name);
    if (!stored) throw new SquareAuthError(`No Square tokens are stored for merchant "${this.instance.name}": run npm run elt -- square-auth --code <authorization code>.`);
    registerSecret(stored.access_token);
    registerSecret(stored.refresh_token);
    const remaining = Date.parse(stored.expires_at) - Date.now();
    if (!(remaining > REFRESH_BEFORE_MS)) {
      this.log.info('Square access token expires soon; refreshing it', { days_left: Math.max(0, Math.floor(remaining / 86_400_000)) });
      return this.refresh(signal, stored);
    }
    return (this.token = stored.access_token);
  }

  private async refresh(signal: AbortSignal, known?: StoredTokens): Promise<string> {
    const stored = known ?? (await this.secrets.get<StoredTokens>(OAUTH_SECRET_PREFIX + this.instance.name));
    if (!stored || !this.config.oauth) throw this.authError('ACCESS_TOKEN_EXPIRED', false);
    const fresh = await refreshTokens(this.http, this.config, this.config.oauth, stored, signal, this.instance.name);
    await this.secrets.put(OAUTH_SECRET_PREFIX + this.instance.name, fresh);
    this.log.info('Square tokens refreshed and stored', { expires_at: fresh.expires_at });
    return (this.token = fresh.access_token);
  }
}
