/**
 * Reading Square listings into landing units: the records of a window page after page, read again from
 * the first page when Square refuses a cursor, and the next window's first page asked for while this
 * window lands.
 */
import { HttpError } from '../../kit/http/index.js';
import type { Logger } from '../../kit/log.js';
import type { RawRecord } from '../../kit/records/json-records.js';
import { ListingError, PagingError, type Page, type Paginator } from '../../kit/rest/index.js';
import { squareErrorCode } from './errors.js';

const isCursorRefusal = (error: unknown) =>
  error instanceof HttpError && error.status === 400 && squareErrorCode(error) === 'INVALID_CURSOR';

/**
 * What a failed listing throws: the vendor's or the transport's own error as it is (one sentence for
 * refused credentials; an open circuit the runner reports as degraded), a paging contradiction with the
 * endpoint and page.
 */
function failure(error: unknown): unknown {
  return error instanceof ListingError && !(error.cause instanceof PagingError) ? error.cause : error;
}

/**
 * The records of one window as raw records, page after page. Square sometimes refuses a cursor
 * (INVALID_CURSOR): the window is then read again from its first page, skipping ids already given,
 * so the unit holds each object once. `keep` filters records (e.g. bookings updated since the cursor).
 */
export async function* windowRecords(
  pages: () => AsyncIterable<Page>,
  log: Logger,
  keep?: (item: Record<string, unknown>) => boolean,
  maxRestarts = 3,
): AsyncGenerator<RawRecord> {
  const seen = new Set<string>();
  let index = 0;
  let offset = 0;
  for (let restart = 0; ; restart++) {
    try {
      for await (const page of pages()) {
        for (const [i, bytes] of page.records.entries()) {
          const value = page.values[i];
          const object =
            value && typeof value === 'object' && !Array.isArray(value)
              ? (value as Record<string, unknown>)
              : undefined;
          const id = typeof object?.id === 'string' ? object.id : undefined;
          if (id !== undefined) {
            if (seen.has(id)) continue;
            seen.add(id);
          }
          if (object && keep && !keep(object)) continue;
          // Not an object, or no id: landed as is, so the warehouse quarantines it with its reason.
          yield { bytes, offset, index: index++ };
          offset += bytes.length + 1;
        }
      }
      return;
    } catch (error) {
      const cause = error instanceof ListingError ? error.cause : error;
      if (!isCursorRefusal(cause) || restart >= maxRestarts) throw failure(error);
      log.warn('Square refused a paging cursor; reading the window again from its first page', {
        restart: restart + 1,
      });
    }
  }
}

/** Pages passed through, remembering whether --max-pages cut the listing short. */
export function cutShort(pages: () => AsyncIterable<Page>) {
  let cut = false;
  const read = async function* (): AsyncGenerator<Page> {
    for await (const page of pages()) {
      cut ||= page.cut;
      yield page;
    }
  };
  return { pages: read, cut: () => cut };
}

/** The paginator, telling `onLast` as soon as the last page has arrived (before it is landed). */
export function tellingLast(paginator: Paginator, onLast: () => void): Paginator {
  return {
    kind: paginator.kind,
    readsBody: paginator.readsBody,
    begin() {
      const pager = paginator.begin();
      return {
        first: (request) => pager.first(request),
        next(request, answer) {
          const next = pager.next(request, answer);
          if (!next) onLast();
          return next;
        },
      };
    },
  };
}

/** A listing whose first page may be asked for ahead, while the window before it lands. */
export class AheadListing {
  private started?: { pages: AsyncGenerator<Page>; first: Promise<IteratorResult<Page>> };

  constructor(private readonly read: () => AsyncGenerator<Page>) {}

  /** Asks for the first page now (once). */
  start(): void {
    if (this.started) return;
    const pages = this.read();
    const first = pages.next();
    // Nobody may ever come for it (the entity failed first): its failure is nobody's to report.
    first.catch(() => undefined);
    this.started = { pages, first };
  }

  /** The pages, from the one asked for ahead; called again (a restart), it reads afresh. */
  async *pages(): AsyncGenerator<Page> {
    this.start();
    const { pages, first } = this.started!;
    this.started = undefined;
    const head = await first;
    if (head.done) return;
    yield head.value;
    yield* pages;
  }
}
