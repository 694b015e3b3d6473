/**
 * Square settings. One merchant: SQUARE_ACCESS_TOKEN (a personal access token, or an OAuth token managed
 * elsewhere). More merchants: SQUARE_ACCESS_TOKEN__NAPA, ...; the suffix, lower-cased, is the merchant's
 * `_source_instance` ("default" for the unsuffixed token).
 * OAuth instead: SQUARE_CLIENT_ID + SQUARE_CLIENT_SECRET, and `npm run elt -- square-auth --code <code>
 * [--merchant napa]` stores the merchant's tokens encrypted in the warehouse (ELT_SECRET_KEY); runs find
 * those merchants there and refresh their tokens.
 */
import { numberSetting } from '../../kit/config.js';
import type { HttpClientOptions } from '../../kit/http/index.js';
import { registerSecret } from '../../kit/redact.js';
import { instancesFromEnv } from '../../kit/instances.js';
import type { Configuration } from '../../kit/source.js';

export const DEFAULT_SQUARE_API_URL = 'https://connect.squareup.com';
/** The API version every request pins (Square-Version header); SQUARE_VERSION overrides it. */
export const SQUARE_VERSION = '2025-04-16';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface SquareConfig {
  apiUrl: string;
  version: string;
  /** A token from the environment; absent for merchants authorised by OAuth (tokens in the warehouse). */
  accessToken?: string;
  /** Present when SQUARE_CLIENT_ID/SQUARE_CLIENT_SECRET are set: tokens of OAuth merchants can be refreshed. */
  oauth?: OAuthClient;
  /** How far back the first run imports payments, orders and bookings (customers: all of them). */
  historyMonths: number;
  /** Size of one landing window in days (one unit per window and location). */
  windowDays: number;
}

const TOKEN = 'SQUARE_ACCESS_TOKEN';

function baseConfig(env: NodeJS.ProcessEnv): Omit<SquareConfig, 'accessToken' | 'oauth'> {
  const historyMonths = numberSetting(env, 'ELT_SQUARE_HISTORY_MONTHS', 12);
  const windowDays = numberSetting(env, 'ELT_SQUARE_WINDOW_DAYS', 31);
  if (historyMonths <= 0) throw new Error('ELT_SQUARE_HISTORY_MONTHS must be above 0.');
  if (windowDays <= 0 || windowDays > 31) {
    const why = 'bookings are listed in windows of at most 31 days';
    throw new Error(`ELT_SQUARE_WINDOW_DAYS must be between 1 and 31 (${why}).`);
  }
  const apiUrl = (env.SQUARE_API_URL || DEFAULT_SQUARE_API_URL).replace(/\/+$/, '');
  return { apiUrl, version: env.SQUARE_VERSION || SQUARE_VERSION, historyMonths, windowDays };
}

/** SQUARE_CLIENT_ID + SQUARE_CLIENT_SECRET, or undefined; half a pair is a configuration error. */
export function oauthClient(env: NodeJS.ProcessEnv): OAuthClient | undefined {
  const clientId = env.SQUARE_CLIENT_ID;
  const clientSecret = env.SQUARE_CLIENT_SECRET;
  if (!clientId && !clientSecret) return undefined;
  if (!clientId || !clientSecret) {
    throw new Error('Set both SQUARE_CLIENT_ID and SQUARE_CLIENT_SECRET (the OAuth application), or neither.');
  }
  registerSecret(clientSecret);
  return { clientId, clientSecret };
}

/** Merchants with a token in the environment (SQUARE_ACCESS_TOKEN, SQUARE_ACCESS_TOKEN__<NAME>). */
export function configureSquare(env: NodeJS.ProcessEnv): Configuration<SquareConfig> {
  const oauth = oauthClient(env);
  const variables = { required: [TOKEN], secrets: [TOKEN] };
  const found = instancesFromEnv(env, variables, (values) => ({ ...baseConfig(env), accessToken: values[TOKEN]! }));
  if (found.configured || !oauth) return found;
  // An OAuth application alone: its merchants are in the warehouse (discoverInstances); the settings are checked now.
  baseConfig(env);
  return { configured: true, instances: [] };
}

/** The config of a merchant whose tokens were stored by square-auth. */
export function oauthMerchantConfig(env: NodeJS.ProcessEnv, oauth: OAuthClient): SquareConfig {
  return { ...baseConfig(env), oauth };
}

/**
 * HTTP behaviour: Square's limits are undocumented, so requests are paced per merchant
 * (SQUARE_MAX_REQUESTS_PER_SECOND, default 10), 429 RATE_LIMITED is retried with exponential backoff and
 * full jitter, an endpoint with a high recent failure ratio is slowed down, and 5 consecutive failed
 * attempts open the endpoint's circuit for 60 s (the run then skips it and reports Square as degraded).
 */
export function squareHttpOptions(env: NodeJS.ProcessEnv): Omit<HttpClientOptions, 'name' | 'logger'> {
  const rate = numberSetting(env, 'SQUARE_MAX_REQUESTS_PER_SECOND', 10);
  return {
    keyRateLimit: rate > 0 ? { requestsPerSecond: rate } : undefined,
    retry: { attempts: 9, baseDelayMs: 500, maxDelayMs: 30_000 },
    circuit: { failureThreshold: 5, resetAfterMs: 60_000, perAttempt: true },
    adaptive: {},
    timeoutMs: 60_000,
  };
}
