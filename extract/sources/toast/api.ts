/**
 * The Toast API as this source uses it (docs/sources/toast.md): the machine-client login and
 * Toast's clock, shared by every restaurant of the client; the restaurant header; and the paging styles
 * (ordersBulk pages with a Link header, config/v2 page tokens in Toast-Next-Page-Token, bare arrays, single
 * objects).
 */
import { bearerAuth, HttpError, keptInSecrets, type HttpClient, type Token } from '../../kit/http/index.js';
import type { Logger } from '../../kit/log.js';
import {
  cursor,
  linkHeader,
  readPages,
  type RestApi,
  VendorClock,
  type ListingSpec,
  type RestApiSpec,
  type RestCall,
} from '../../kit/rest/index.js';
import type { EntityContext, SourceInstance } from '../../kit/source.js';
import { HOUR_MS } from '../../kit/windows.js';
import type { ToastConfig } from './config.js';

export const ORDERS_PAGE_SIZE = 100;

/** Toast's time format in queries: ISO 8601 with milliseconds and a numeric offset. */
export const toastTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

/** yyyymmdd of a UTC day. */
export const businessDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');

/** What reaching a restaurant needs from an entity's (or a check's) context. */
export type ToastContext = Pick<
  EntityContext<ToastConfig, unknown>,
  'instance' | 'http' | 'secrets' | 'log' | 'shared'
>;

interface LoginAnswer {
  token?: { accessToken?: string; expiresIn?: number };
}

async function login(
  config: ToastConfig,
  http: HttpClient,
  log: Logger,
  signal: AbortSignal | undefined,
): Promise<Token> {
  const answer = await http
    .json<LoginAnswer>({
      method: 'POST',
      url: `${config.apiUrl}/authentication/v1/authentication/login`,
      endpoint: 'toast.login',
      json: { clientId: config.clientId, clientSecret: config.clientSecret, userAccessType: 'TOAST_MACHINE_CLIENT' },
      signal,
    })
    .catch((error: unknown) => {
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
        throw new Error('Toast refused the machine client login: check TOAST_CLIENT_ID and TOAST_CLIENT_SECRET.');
      }
      throw error;
    });
  const accessToken = answer.body?.token?.accessToken;
  if (!accessToken) throw new Error('Toast login answered without an access token.');
  const lifeMs = (answer.body?.token?.expiresIn ?? 3600) * 1000;
  log.info('logged in to Toast', { valid_for_hours: Math.round(lifeMs / HOUR_MS) });
  return { accessToken, expiresAt: Date.now() + lifeMs };
}

/**
 * One login per machine client for the run, shared by its restaurants and kept until an hour before it
 * expires (tokens last a day); with ELT_SECRET_KEY set it is also kept (encrypted) in the warehouse for the
 * next runs, so a day of scheduled runs logs in about once. Toast's clock is the client's too.
 */
function machineClient(context: ToastContext) {
  const { config } = context.instance;
  const make = () => ({
    auth: bearerAuth({
      ...keptInSecrets<Token>(context.secrets, `toast-token:${config.clientId}`, (error) =>
        context.log.debug('Toast token kept for this run only', { reason: error.message }),
      ),
      obtain: (signal) => login(config, context.http, context.log, signal),
      renewBeforeMs: HOUR_MS,
    }),
    clock: new VendorClock(),
  });
  return context.shared(`toast ${config.apiUrl} ${config.clientId}`, make, 'source');
}

/** One restaurant: the client's login and clock, its header, and its own rate limits (the instance is its guid). */
export function toastApiSpec(context: ToastContext): RestApiSpec {
  const { apiUrl, restaurantGuid: guid } = context.instance.config;
  const { auth, clock } = machineClient(context);
  const explain = (error: HttpError) => {
    if (error.status !== 401) return undefined;
    const advice = 'check that the client is granted access to it';
    return new Error(`Toast refused a fresh access token for restaurant ${guid}: ${advice}. (${error.message})`);
  };
  return {
    baseUrl: apiUrl,
    auth: { ...auth, explain },
    headers: { 'toast-restaurant-external-id': guid },
    clock,
  };
}

/** The restaurant's own record; also the call that reads Toast's clock when no answer has told it yet. */
export const restaurantCall = (instance: SourceInstance<ToastConfig>): RestCall & ListingSpec => ({
  path: `/restaurants/v1/restaurants/${instance.config.restaurantGuid}`,
  records: 'self',
  endpoint: 'toast.restaurants',
});

/** ordersBulk: pages of 100, the next one in the Link header; a short page is the last whatever it says. */
export const ordersPaging = linkHeader({ pageSize: ORDERS_PAGE_SIZE });
/** config/v2 lists: pageToken in, Toast-Next-Page-Token out. */
export const pageTokenPaging = cursor({ from: { header: 'toast-next-page-token' }, param: 'pageToken' });

export type Listing = ListingSpec & { endpoint: string };

/** Every record of a listing, every page up to `maxPages`; `cut` when that limit stopped it. */
export async function readAll(api: RestApi, listing: Listing, signal: AbortSignal, maxPages?: number) {
  const records: Buffer[] = [];
  let cut = false;
  // Only the records' bytes are kept: header-paged lists go unparsed.
  for await (const page of readPages(api, listing, signal, { maxPages, values: false })) {
    records.push(...page.records);
    cut ||= page.cut;
  }
  return { records, cut };
}
