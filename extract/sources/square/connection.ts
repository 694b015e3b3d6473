/**
 * One merchant's connection for one run, shared by its entities (context.shared): the REST API with the
 * merchant's auth, and the start of the run: its locations and Square's clock. Windows of every entity end
 * at the Date header of that ListLocations answer, never at the local clock; the next run goes on from it.
 */
import type { HttpClient } from '../../kit/http/index.js';
import type { Logger } from '../../kit/log.js';
import { headerValue, pageRecords, readPages, RestApi, type Page } from '../../kit/rest/index.js';
import type { SecretStore } from '../../kit/secrets.js';
import type { EntityContext, SourceInstance } from '../../kit/source.js';
import { listingSpec, squareApiSpec, type Listing, type Location } from './api.js';
import { squareAuth } from './auth.js';
import type { SquareConfig } from './config.js';
import { AheadListing, tellingLast } from './reading.js';

export interface Beginning {
  locations: Location[];
  /** The locations as Square sent them, byte for byte. */
  records: Buffer[];
  /** Square's time at the start of this run. */
  now: number;
}

const LOCATIONS = listingSpec({ op: 'ListLocations', field: 'locations' });

export class SquareConnection {
  private readonly api: RestApi;
  private beginning?: Promise<Beginning>;

  constructor(instance: SourceInstance<SquareConfig>, http: HttpClient, secrets: SecretStore, log: Logger) {
    this.api = new RestApi(
      squareApiSpec(instance.config, squareAuth(instance, http, secrets, log)),
      http,
      instance.name,
    );
  }

  /** The locations and Square's time: asked once per run and merchant, shared by its entities. */
  begin(signal: AbortSignal): Promise<Beginning> {
    this.beginning ??= this.api.call(LOCATIONS, signal).then((answer) => {
      const { records, values } = pageRecords(answer.bytes, answer.value, LOCATIONS.records, true);
      const date = Date.parse(headerValue(answer.headers, 'date') ?? '');
      return { locations: values as Location[], records, now: Number.isFinite(date) ? date : Date.now() };
    });
    // A failed start is not remembered: the next entity asks again.
    this.beginning.catch(() => (this.beginning = undefined));
    return this.beginning;
  }

  /** Every page of a listing until Square sends no cursor (or `maxPages`, --max-pages). */
  pages(listing: Listing, signal: AbortSignal, maxPages?: number): AsyncGenerator<Page> {
    return readPages(this.api, listingSpec(listing), signal, { maxPages });
  }

  /** The same, its first page asked for on `start()`; `onLast` is told when its last page has arrived. */
  ahead(listing: Listing, signal: AbortSignal, onLast: () => void, maxPages?: number): AheadListing {
    const spec = listingSpec(listing);
    return new AheadListing(() =>
      readPages(this.api, { ...spec, paginator: tellingLast(spec.paginator!, onLast) }, signal, { maxPages }),
    );
  }
}

type ConnectionContext = Pick<EntityContext<SquareConfig, unknown>, 'instance' | 'http' | 'secrets' | 'log' | 'shared'>;

export function connectionFor(context: ConnectionContext): SquareConnection {
  return context.shared(
    'square',
    () => new SquareConnection(context.instance, context.http, context.secrets, context.log),
  );
}
