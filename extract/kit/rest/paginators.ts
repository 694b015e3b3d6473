/**
 * Paginators: how a listing asks for its next page. Each is a declaration (`pageNumber({...})`) whose
 * `begin()` makes a fresh pager for one listing, so loops (a cursor or URL seen twice) are caught per
 * listing. A pager throws PagingError when the vendor's paging contradicts itself; the listing loop names
 * the endpoint and page.
 */
import type { HttpHeaders } from '../http/index.js';

export type Params = Record<string, string | number | boolean | undefined>;

export interface PageRequest {
  /** Absolute URL of the page when the vendor gave one (Link header); else the entity's path. */
  url?: string;
  query: Params;
  /** JSON body of a POST listing. */
  body?: Record<string, unknown>;
}

export interface PageAnswer {
  /** The parsed body. */
  value: unknown;
  headers: HttpHeaders;
  /** Records on this page. */
  records: number;
  /** Records on all pages so far, this one included. */
  seen: number;
}

export interface Pager {
  first(request: PageRequest): PageRequest;
  /** The next page's request, or undefined when this page was the last. */
  next(request: PageRequest, answer: PageAnswer): PageRequest | undefined;
}

export interface Paginator {
  /** For messages: "page number", "cursor", ... */
  readonly kind: string;
  /** Whether `next` reads the parsed body (a cursor field, a total): paging by headers alone needs no parse. */
  readonly readsBody: boolean;
  begin(): Pager;
}

export class PagingError extends Error {
  override name = 'PagingError';
}

/** A value at a path of a parsed body. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  let at = value;
  for (const key of path) {
    if (!at || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

export function headerValue(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The vendor's total count at `path`, checked against the records seen once paging ends. */
function checkTotal(answer: PageAnswer, path: readonly string[] | undefined, last: boolean): void {
  if (!path) return;
  const total = Number(valueAt(answer.value, path));
  if (!Number.isFinite(total)) throw new PagingError(`the total "${path.join('.')}" is missing or not a number`);
  if (answer.seen > total) throw new PagingError(`${answer.seen} records seen but the total says ${total}`);
  if (last && answer.seen !== total)
    throw new PagingError(`paging ended after ${answer.seen} records but the total says ${total}`);
}

export interface PageNumberOptions {
  /** Query parameter of the page number. */
  param?: string;
  /** Number of the first page (1 unless the vendor counts from 0). */
  base?: number;
  /** Page size parameter and the size asked for: a shorter page is the last. */
  size?: { param: string; value: number };
  /** Path of a total record count in the body: paging stops there, and a disagreement is an error. */
  total?: readonly string[];
}

/** `?page=N` (and a page size): stops on a short page, an empty page, or the total. */
export function pageNumber(options: PageNumberOptions = {}): Paginator {
  const param = options.param ?? 'page';
  const base = options.base ?? 1;
  return {
    kind: 'page number',
    readsBody: options.total !== undefined,
    begin: () => ({
      first: (request) => ({
        ...request,
        query: { ...request.query, [param]: base, ...(options.size && { [options.size.param]: options.size.value }) },
      }),
      next(request, answer) {
        const total = options.total ? Number(valueAt(answer.value, options.total)) : undefined;
        const short = answer.records === 0 || (options.size !== undefined && answer.records < options.size.value);
        const last = short || (total !== undefined && answer.seen >= total);
        checkTotal(answer, options.total, last);
        return last
          ? undefined
          : { ...request, query: { ...request.query, [param]: Number(request.query[param]) + 1 } };
      },
    }),
  };
}

export interface OffsetOptions {
  param?: string;
  limit: { param: string; value: number };
  total?: readonly string[];
}

/** `?offset=N&limit=M`: stops on a short page or the total. */
export function offset(options: OffsetOptions): Paginator {
  const param = options.param ?? 'offset';
  return {
    kind: 'offset',
    readsBody: options.total !== undefined,
    begin: () => ({
      first: (request) => ({
        ...request,
        query: { ...request.query, [param]: 0, [options.limit.param]: options.limit.value },
      }),
      next(request, answer) {
        const total = options.total ? Number(valueAt(answer.value, options.total)) : undefined;
        const last = answer.records < options.limit.value || (total !== undefined && answer.seen >= total);
        checkTotal(answer, options.total, last);
        return last ? undefined : { ...request, query: { ...request.query, [param]: answer.seen } };
      },
    }),
  };
}

export interface CursorOptions {
  /** Where the next cursor is: a field of the body, or a response header. Absent or empty: last page. */
  from: { field: readonly string[] } | { header: string };
  /** The parameter that carries it. */
  param: string;
  /** In the query (GET), or added to the original body (POST searches repeat the same body). */
  in?: 'query' | 'body';
  /** Sent on the first page, when the vendor wants one (`cursor=start`). */
  start?: string;
}

/** A cursor or next-page token, from a body field or a header; a cursor seen twice is a loop. */
export function cursor(options: CursorOptions): Paginator {
  const place = options.in ?? 'query';
  const put = (request: PageRequest, value: string | undefined): PageRequest =>
    place === 'query'
      ? { ...request, query: { ...request.query, [options.param]: value } }
      : { ...request, body: value === undefined ? request.body : { ...request.body, [options.param]: value } };
  return {
    kind: 'cursor',
    readsBody: 'field' in options.from,
    begin() {
      const seen = new Set<string>();
      return {
        first: (request) => put(request, options.start),
        next(request, answer) {
          const raw =
            'field' in options.from
              ? valueAt(answer.value, options.from.field)
              : headerValue(answer.headers, options.from.header);
          if (raw === undefined || raw === null || raw === '') return undefined;
          const next = String(raw);
          if (seen.has(next) || next === options.start)
            throw new PagingError(`the vendor repeated the cursor "${next}" (a paging loop)`);
          seen.add(next);
          return put(request, next);
        },
      };
    },
  };
}

/**
 * RFC 8288 `Link: <url>; rel="next"`: the next page is that URL as given; a URL seen twice is a loop. With
 * `pageSize`, a shorter page is the last whatever the header says.
 */
export function linkHeader(options: { pageSize?: number } = {}): Paginator {
  return {
    kind: 'Link header',
    readsBody: false,
    begin() {
      const seen = new Set<string>();
      return {
        first: (request) => request,
        next(_request, answer) {
          const link = headerValue(answer.headers, 'link') ?? '';
          const next = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(link)?.[1];
          if (!next || (options.pageSize !== undefined && answer.records < options.pageSize)) return undefined;
          if (seen.has(next)) throw new PagingError(`the vendor repeated the next link "${next}" (a paging loop)`);
          seen.add(next);
          return { url: next, query: {} };
        },
      };
    },
  };
}

/** One answer holds everything. */
export function singlePage(): Paginator {
  return {
    kind: 'single page',
    readsBody: false,
    begin: () => ({ first: (request) => request, next: () => undefined }),
  };
}
