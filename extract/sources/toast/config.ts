/**
 * Toast settings: one machine client (TOAST_CLIENT_ID, TOAST_CLIENT_SECRET) reading the restaurants in
 * TOAST_RESTAURANT_GUIDS; each restaurant is an instance (`_source_instance` = its guid).
 */
import { listSetting, numberSetting } from '../../kit/config.js';
import type { HttpClientOptions } from '../../kit/http/index.js';
import { registerSecret } from '../../kit/redact.js';
import type { Configuration } from '../../kit/source.js';

export const DEFAULT_TOAST_API_URL = 'https://ws-api.toasttab.com';

export interface ToastConfig {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** The restaurant this instance reads (sent as Toast-Restaurant-External-ID). */
  restaurantGuid: string;
  /** How far back the first run reads orders, cash and labor; older data comes by backfill. */
  historyDays: number;
}

const REQUIRED = ['TOAST_CLIENT_ID', 'TOAST_CLIENT_SECRET', 'TOAST_RESTAURANT_GUIDS'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function configureToast(env: NodeJS.ProcessEnv): Configuration<ToastConfig> {
  const missing = REQUIRED.filter((name) => !env[name]?.trim());
  if (missing.length) return { configured: false, missing };
  const guids = listSetting(env.TOAST_RESTAURANT_GUIDS).map((g) => g.toLowerCase());
  const bad = guids.filter((g) => !GUID.test(g));
  if (bad.length)
    throw new Error(
      `TOAST_RESTAURANT_GUIDS: ${bad.join(', ')} is not a restaurant guid (like 8a1b2c3d-0000-4000-8000-0123456789ab).`,
    );
  const historyDays = numberSetting(env, 'ELT_TOAST_HISTORY_DAYS', 30);
  if (historyDays <= 0) throw new Error('ELT_TOAST_HISTORY_DAYS must be above 0.');
  const clientSecret = env.TOAST_CLIENT_SECRET!.trim();
  registerSecret(clientSecret);
  const apiUrl = (env.TOAST_API_URL || DEFAULT_TOAST_API_URL).replace(/\/+$/, '');
  const clientId = env.TOAST_CLIENT_ID!.trim();
  return {
    configured: true,
    instances: [...new Set(guids)].map((restaurantGuid) => ({
      name: restaurantGuid,
      config: { apiUrl, clientId, clientSecret, restaurantGuid, historyDays },
    })),
  };
}

/** Endpoint labels with their own per-restaurant limit (on top of the overall one). */
export const ORDERS_ENDPOINT = 'toast.ordersBulk';
export const MENUS_ENDPOINT = 'toast.menus';

/**
 * Toast's published limits, per restaurant (requests carry the restaurant as rate key): 20 req/s overall,
 * ordersBulk 5 req/s, menus 1 req/s. 429s are honoured with X-Toast-RateLimit-Reset / Retry-After.
 */
export function toastHttpOptions(env: NodeJS.ProcessEnv): Omit<HttpClientOptions, 'name' | 'logger'> {
  const overall = numberSetting(env, 'TOAST_MAX_REQUESTS_PER_SECOND', 20);
  const orders = numberSetting(env, 'TOAST_ORDERS_REQUESTS_PER_SECOND', 5);
  return {
    keyRateLimit: overall > 0 ? { requestsPerSecond: overall } : undefined,
    endpointRateLimits: {
      ...(orders > 0 ? { [ORDERS_ENDPOINT]: { requestsPerSecond: orders } } : {}),
      [MENUS_ENDPOINT]: { requestsPerSecond: 1 },
    },
    retry: { attempts: 7, baseDelayMs: 500, maxDelayMs: 30_000 },
    circuit: { failureThreshold: 5, resetAfterMs: 60_000, perAttempt: true },
    timeoutMs: 60_000,
  };
}

/**
 * Restaurants side by side (each has its own limits) and, within one, four entities side by side (a backfill:
 * all of them).
 */
export function toastConcurrency(env: NodeJS.ProcessEnv): { instances: number; entities: number } {
  return { instances: Math.max(1, numberSetting(env, 'TOAST_CONCURRENCY', 16)), entities: 4 };
}
