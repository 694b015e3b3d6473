/**
 * The Square API contract as this client uses it: operations, headers, error bodies, cursor paging.
 *
 * - Every request: `Authorization: Bearer <token>` (auth.ts), `Square-Version: <pinned>`, JSON.
 * - Errors: `{"errors":[{"category","code","detail","field"}]}`, also inside a 200 (treated as a failed
 *   attempt: retried when Square says it is on its side). 400 INVALID_CURSOR makes the caller read the
 *   window again (reading.ts).
 * - Paging: the response's `cursor`, absent on the last page; GET sends it as a query parameter, POST
 *   (search) repeats the original body with `cursor` added. An empty list is left out of the answer.
 */
import { HttpError, type Auth } from '../../kit/http/index.js';
import { cursor, type ListingSpec, type RestApiSpec } from '../../kit/rest/index.js';
import type { SquareConfig } from './config.js';

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

interface SquareErrorEntry {
  category?: string;
  code?: string;
  detail?: string;
}

const RETRYABLE_CATEGORIES = new Set(['API_ERROR', 'RATE_LIMIT_ERROR']);
const RETRYABLE_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT', 'RATE_LIMITED']);

function errorList(body: unknown): SquareErrorEntry[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.filter((e): e is SquareErrorEntry => !!e && typeof e === 'object') : [];
}

/** A 200 whose body carries `errors` is a failure; retried when the fault is Square's (API_ERROR, RATE_LIMITED). */
export function squareBodyError(body: unknown): { detail: string; retryable: boolean } | undefined {
  const errors = errorList(body);
  if (errors.length === 0) return undefined;
  const retryable = errors.some((e) => RETRYABLE_CATEGORIES.has(e.category ?? '') || RETRYABLE_CODES.has(e.code ?? ''));
  const detail = errors.map((e) => [e.category, e.code, e.detail].filter(Boolean).join(' ')).join('; ');
  return { detail, retryable };
}

export interface Location {
  id: string;
  name?: string;
}

/** What to list: the operation, the field of the answer holding the items, and the request (without cursor). */
export interface Listing {
  op: Operation;
  field: string;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
}

const CURSOR_IN = {
  GET: cursor({ from: { field: ['cursor'] }, param: 'cursor', in: 'query' }),
  POST: cursor({ from: { field: ['cursor'] }, param: 'cursor', in: 'body' }),
};

/** A listing in the kit's terms. */
export function listingSpec(listing: Listing): ListingSpec & { endpoint: string } {
  const { method, path } = OPERATIONS[listing.op];
  return {
    method,
    path,
    endpoint: endpointLabel(listing.op),
    query: listing.query,
    body: listing.body,
    records: [listing.field],
    omitsEmpty: true,
    paginator: CURSOR_IN[method],
  };
}

/** How to reach one merchant: base URL, the pinned version, its auth, and error bodies inside a 200. */
export function squareApiSpec(config: SquareConfig, auth: Auth): RestApiSpec {
  return { baseUrl: config.apiUrl, auth, headers: { 'square-version': config.version }, bodyError: squareBodyError };
}
