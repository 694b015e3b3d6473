/**
 * The Toast API as this source uses it (docs/sources/toast.md): machine-client login shared by
 * every restaurant of the client, and the four paging styles (ordersBulk pages with a Link header,
 * config pageToken with Toast-Next-Page-Token, bare arrays, single objects).
 */
import { HttpError, type HttpClient, type HttpHeaders } from '../../kit/http/index.js';
import type { Logger } from '../../kit/log.js';
import { JsonRecordSplitter, JsonStructureError, type RawRecord } from '../../kit/records/json-records.js';
import { registerSecret } from '../../kit/redact.js';
import type { SecretStore } from '../../kit/secrets.js';
import { MENUS_ENDPOINT, ORDERS_ENDPOINT, type ToastConfig } from './config.js';

/** Log in again when less than this is left of a token's life (tokens last a day). */
const RENEW_BEFORE_MS = 60 * 60_000;
export const ORDERS_PAGE_SIZE = 100;
const TOKEN_SECRET_PREFIX = 'toast-token:';

interface LoginAnswer {
  token?: { accessToken?: string; expiresIn?: number };
  status?: string;
}

interface Token {
  accessToken: string;
  expiresAt: number;
}

/** Toast's time format in queries: ISO 8601 with milliseconds and a numeric offset. */
export function toastTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** yyyymmdd of a UTC day. */
export function businessDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * One login per machine client, shared by every restaurant and kept until an hour before it expires; with
 * ELT_SECRET_KEY set it is also kept (encrypted) in the warehouse for the next runs, so a day of scheduled
 * runs logs in about once. A 401 drops the token: the next request logs in again, once.
 */
export class ToastLogin {
  private token?: Token;
  private pending?: Promise<Token>;
  logins = 0;
  /** Toast's clock minus ours, from the Date header of its answers (windows end at Toast's now). */
  clockOffsetMs?: number;
  /** The one request reading Toast's clock when no answer has told it yet. */
  clockReading?: Promise<unknown>;

  constructor(
    private readonly config: Pick<ToastConfig, 'apiUrl' | 'clientId' | 'clientSecret'>,
    private readonly http: HttpClient,
    private readonly secrets: SecretStore,
    private readonly log: Logger,
  ) {}

  async accessToken(signal: AbortSignal): Promise<string> {
    if (this.token && this.token.expiresAt - Date.now() > RENEW_BEFORE_MS) return this.token.accessToken;
    this.pending ??= this.obtain(signal).finally(() => (this.pending = undefined));
    this.token = await this.pending;
    return this.token.accessToken;
  }

  /** The token was refused: forget it, and the warehouse's copy, unless another request already replaced it. */
  refused(accessToken: string): void {
    if (this.token?.accessToken === accessToken) this.token = undefined;
    this.stored = false;
  }

  /** The token kept in the warehouse: undefined until read, false when there is none worth using. */
  private stored?: Token | false;

  private get secretName(): string {
    return `${TOKEN_SECRET_PREFIX}${this.config.clientId}`;
  }

  private async obtain(signal: AbortSignal): Promise<Token> {
    if (this.stored === undefined) {
      // No ELT_SECRET_KEY (or another key): tokens are kept for this run only.
      this.stored = (await this.secrets.get<Token>(this.secretName).catch(() => undefined)) ?? false;
      if (this.stored && this.stored.expiresAt - Date.now() > RENEW_BEFORE_MS) {
        registerSecret(this.stored.accessToken);
        return this.stored;
      }
    }
    const token = await this.login(signal);
    this.stored = token;
    await this.secrets.put(this.secretName, token).catch((error: Error) => this.log.debug('Toast token kept for this run only', { reason: error.message }));
    return token;
  }

  private async login(signal: AbortSignal): Promise<Token> {
    this.logins++;
    const answer = await this.http
      .json<LoginAnswer>({
        method: 'POST',
        url: `${this.config.apiUrl}/authentication/v1/authentication/login`,
        endpoint: 'toast.login',
        json: { clientId: this.config.clientId, clientSecret: this.config.clientSecret, userAccessType: 'TOAST_MACHINE_CLIENT' },
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
    registerSecret(accessToken);
    const lifeMs = (answer.body?.token?.expiresIn ?? 3600) * 1000;
    this.log.info('logged in to Toast', { valid_for_hours: Math.round(lifeMs / 36e5) });
    return { accessToken, expiresAt: Date.now() + lifeMs };
  }
}

export interface Answer {
  body: Buffer;
  headers: HttpHeaders;
}

/** Records of a JSON body (each element of an array, or the object itself), as the exact bytes sent. */
export function splitRecords(body: Buffer, what: string): Buffer[] {
  const splitter = new JsonRecordSplitter();
  const out: RawRecord[] = [];
  try {
    splitter.push(body, out);
    splitter.end();
  } catch (error) {
    if (error instanceof JsonStructureError) throw new Error(`${what}: the answer is not a JSON document (${error.message})`);
    throw error;
  }
  return out.map((r) => r.bytes);
}

const header = (headers: HttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The calls of one restaurant. */
export class ToastRestaurant {
  constructor(
    private readonly config: ToastConfig,
    private readonly http: HttpClient,
    private readonly login: ToastLogin,
  ) {}

  get guid(): string {
    return this.config.restaurantGuid;
  }

  /** A GET with the restaurant header; a refused token is replaced once, then the 401 is explained. */
  async get(path: string, query: Record<string, string | number | undefined>, endpoint: string, signal: AbortSignal): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.login.accessToken(signal);
      try {
        const answer = await this.http.bytes({
          url: `${this.config.apiUrl}${path}`,
          endpoint,
          searchParams: query,
          rateKey: this.guid,
          headers: { authorization: `Bearer ${token}`, 'toast-restaurant-external-id': this.guid, accept: 'application/json' },
          signal,
        });
        const date = Date.parse(header(answer.headers, 'date') ?? '');
        if (!Number.isNaN(date)) this.login.clockOffsetMs = date - Date.now();
        return { body: answer.body, headers: answer.headers };
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 401) throw error;
        this.login.refused(token);
        if (attempt > 0) throw new Error(`Toast refused a fresh access token for restaurant ${this.guid}: check that the client is granted access to it. (${error.message})`);
      }
    }
  }

  /** Toast's current time (asks for the restaurant record once when no answer has told it yet). */
  async now(signal: AbortSignal): Promise<number> {
    if (this.login.clockOffsetMs === undefined) {
      this.login.clockReading ??= this.restaurant(signal).finally(() => (this.login.clockReading = undefined));
      await this.login.clockReading;
    }
    return Date.now() + (this.login.clockOffsetMs ?? 0);
  }

  /** ordersBulk for a modified-time window, every page: stops at a page without rel="next" or a short one. */
  async orders(start: number, end: number, signal: AbortSignal): Promise<Buffer[]> {
    const records: Buffer[] = [];
    for (let page = 1; ; page++) {
      const query = { startDate: toastTime(start), endDate: toastTime(end), page, pageSize: ORDERS_PAGE_SIZE };
      const answer = await this.get('/orders/v2/ordersBulk', query, ORDERS_ENDPOINT, signal);
      const batch = splitRecords(answer.body, `ordersBulk page ${page}`);
      records.push(...batch);
      const next = /<[^>]*>\s*;\s*rel="?next"?/i.test(header(answer.headers, 'link') ?? '');
      if (!next || batch.length < ORDERS_PAGE_SIZE) return records;
    }
  }

  /** A bare array (cash, labor): one request. */
  async list(path: string, query: Record<string, string | undefined>, endpoint: string, signal: AbortSignal): Promise<Buffer[]> {
    const answer = await this.get(path, query, endpoint, signal);
    return splitRecords(answer.body, endpoint);
  }

  /** config/v2 lists: pageToken in, Toast-Next-Page-Token out; `since` asks only for objects modified after it. */
  async configList(path: string, since: number | undefined, endpoint: string, signal: AbortSignal): Promise<Buffer[]> {
    const records: Buffer[] = [];
    let pageToken: string | undefined;
    do {
      const answer = await this.get(`/config/v2/${path}`, { lastModified: since === undefined ? undefined : toastTime(since), pageToken }, endpoint, signal);
      records.push(...splitRecords(answer.body, endpoint));
      pageToken = header(answer.headers, 'toast-next-page-token') || undefined;
    } while (pageToken);
    return records;
  }

  /** The restaurant's own record. */
  async restaurant(signal: AbortSignal): Promise<Buffer[]> {
    return this.list(`/restaurants/v1/restaurants/${this.guid}`, {}, 'toast.restaurants', signal);
  }

  /** The published menus: one record per menu (the answer wraps them with references). */
  async menus(signal: AbortSignal): Promise<Buffer[]> {
    const answer = await this.get('/menus/v2/menus', {}, MENUS_ENDPOINT, signal);
    const menus = (JSON.parse(answer.body.toString('utf8')) as { menus?: unknown[] }).menus;
    if (!Array.isArray(menus)) throw new Error('menus: the answer has no menus list');
    return menus.map((menu) => Buffer.from(JSON.stringify(menu), 'utf8'));
  }
}
