/**
 * Reads a listing page after page. Records come out as the exact bytes the vendor sent (a uint64 id keeps
 * every digit), next to their parsed values for the checks a listing makes (the incremental cursor field).
 * The next page is asked for as soon as a page arrives, so it travels while the caller lands this one.
 * Any failure names the endpoint and the page; the caller's unit then rolls back.
 */
import { JsonRecordSplitter, JsonStructureError, type RawRecord } from '../records/json-records.js';
import { firstNonWhitespace, OPEN_BRACKET } from '../records/json-bytes.js';
import { valueStart } from '../records/raw-token.js';
import type { RestApi, RestCall } from './api.js';
import { PagingError, singlePage, valueAt, type PageRequest, type Paginator, type Params } from './paginators.js';

export interface ListingSpec {
  method?: 'GET' | 'POST';
  path: string;
  query?: Params;
  body?: Record<string, unknown>;
  /**
   * Where the records are: absent for a bare JSON array, the path of the list (an envelope key), or `'self'`
   * when the answer is one record (an object: an account, a restaurant).
   */
  records?: readonly string[] | 'self';
  /** The vendor leaves an empty list out of its answer (Square): no list at `records` is an empty page. */
  omitsEmpty?: boolean;
  paginator?: Paginator;
  /** Metric and circuit label; default "<source> <METHOD> <path>". */
  endpoint?: string;
}

export interface Page {
  /** 1-based. */
  number: number;
  records: Buffer[];
  values: unknown[];
  /** True when the listing stopped here because of the page limit, not because the vendor had no more. */
  cut: boolean;
}

export class ListingError extends Error {
  override name = 'ListingError';
}

/** Each record's bytes of a JSON list, from where the list starts up to its own end. */
function splitList(list: Buffer): Buffer[] {
  const out: RawRecord[] = [];
  const splitter = new JsonRecordSplitter({ untilEnd: true });
  try {
    splitter.push(list, out);
    splitter.end();
  } catch (error) {
    if (error instanceof JsonStructureError) throw new PagingError(`the list is not valid JSON (${error.message})`);
    throw error;
  }
  return out.map((r) => r.bytes);
}

/** A bare array's records from its bytes alone (the body was not parsed): no values. */
function unparsedRecords(bytes: Buffer): { records: Buffer[]; values: unknown[] } {
  if (firstNonWhitespace(bytes) !== OPEN_BRACKET) throw new PagingError('the answer is not a JSON array');
  return { records: splitList(bytes), values: [] };
}

/** Splits a page's list into each record's bytes, checked against the parsed list. */
export function pageRecords(
  bytes: Buffer,
  value: unknown,
  path: ListingSpec['records'],
  omitsEmpty = false,
): { records: Buffer[]; values: unknown[] } {
  if (path === 'self') {
    const object = !!value && typeof value === 'object' && !Array.isArray(value);
    if (!object) throw new PagingError('the answer is not a JSON object');
    return pageRecords(bytes, [value], undefined);
  }
  const values = path ? valueAt(value, path) : value;
  if (values === undefined && path && omitsEmpty) return { records: [], values: [] };
  if (!Array.isArray(values)) {
    throw new PagingError(path ? `the answer has no list at "${path.join('.')}"` : 'the answer is not a JSON array');
  }
  // The body is valid JSON (it was parsed): the list is split from where it starts up to its own end.
  const start = path ? valueStart(bytes, path) : 0;
  const records = splitList(start === undefined ? Buffer.alloc(0) : bytes.subarray(start));
  if (records.length !== values.length)
    throw new PagingError(`the list's bytes hold ${records.length} records, its value ${values.length}`);
  return { records, values };
}

export interface ReadOptions {
  /** --max-pages. */
  maxPages?: number;
  /**
   * false when the caller reads only the records' bytes: a bare array paged by headers then goes unparsed
   * (`values` empty), which saves the parse and the objects it builds. Default true.
   */
  values?: boolean;
}

/** Every page of a listing, up to `maxPages`. `endpoint` names it in errors. */
export async function* readPages(
  api: RestApi,
  listing: ListingSpec & { endpoint: string },
  signal: AbortSignal,
  options: ReadOptions = {},
): AsyncGenerator<Page> {
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  const paginator = listing.paginator ?? singlePage();
  const parse = options.values !== false || listing.records !== undefined || paginator.readsBody;
  const pager = paginator.begin();
  const call = (request: PageRequest): RestCall => ({
    method: listing.method,
    path: request.url ?? listing.path,
    query: request.query,
    body: request.body,
    endpoint: listing.endpoint,
  });
  const fail = (number: number, error: unknown): never => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ListingError(`${listing.endpoint} page ${number}: ${reason}`, { cause: error });
  };
  let request = pager.first({ query: { ...listing.query }, body: listing.body });
  const ask = (r: PageRequest) => api.call(call(r), signal, { parse });
  let pending: Promise<Awaited<ReturnType<RestApi['call']>>> | undefined = ask(request);
  let seen = 0;
  for (let number = 1; pending; number++) {
    const answer = await pending.catch((error: unknown) => fail(number, error));
    let page: { records: Buffer[]; values: unknown[] };
    let next: PageRequest | undefined;
    try {
      page = parse
        ? pageRecords(answer.bytes, answer.value, listing.records, listing.omitsEmpty)
        : unparsedRecords(answer.bytes);
      seen += page.records.length;
      next = pager.next(request, { value: answer.value, headers: answer.headers, records: page.records.length, seen });
    } catch (error) {
      return fail(number, error);
    }
    const cut = next !== undefined && number >= maxPages;
    pending = next && !cut ? ask(next) : undefined;
    // A caller that stops early leaves the read-ahead unawaited: its failure is nobody's to report.
    pending?.catch(() => undefined);
    if (next) request = next;
    yield { number, ...page, cut };
  }
}
