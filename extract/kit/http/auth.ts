/**
 * Auth on the HTTP client: a request names its Auth, the client adds its headers to every attempt, and on
 * a 401 asks it once whether fresh credentials are in place (a refreshed OAuth token, a new login) before
 * sending the request again. A 401 or 403 that auth cannot fix becomes the auth's one sentence (which
 * variable to set, what to run).
 */
import { registerSecret } from '../redact.js';
import type { SecretStore } from '../secrets.js';
import type { HttpError } from './errors.js';

export interface Auth {
  /** Headers for the next attempt, loading or renewing credentials as needed. */
  headers(signal?: AbortSignal): Promise<Record<string, string>>;
  /** `sent` was answered 401 (`error`): true when new credentials are in place and the request may go again. */
  refused?(sent: Record<string, string>, signal?: AbortSignal, error?: HttpError): Promise<boolean>;
  /** The sentence for a refusal (401/403) auth could not fix; undefined keeps the HTTP error. */
  explain?(error: HttpError): Error | undefined;
}

/** Fixed headers (API keys); `explain` says which variables to check. */
export function headerAuth(headers: Record<string, string>, explain?: Auth['explain']): Auth {
  for (const value of Object.values(headers)) registerSecret(value);
  return { headers: () => Promise.resolve(headers), explain };
}

/** HTTP Basic from a user and password, or a ready base64 `user:password` token. */
export function basicAuth(credentials: { user: string; password: string } | { token: string }, explain?: Auth['explain']): Auth {
  const token = 'token' in credentials ? credentials.token : Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64');
  if ('password' in credentials) registerSecret(credentials.password);
  return headerAuth({ authorization: `Basic ${token}` }, explain);
}

export interface Token {
  accessToken: string;
  /** Epoch ms; undefined: valid until refused. */
  expiresAt?: number;
}

export interface BearerOptions<T extends Token> {
  /** A token kept from an earlier run (the SecretStore), if any. */
  load?(signal?: AbortSignal): Promise<T | undefined>;
  /** A new token: a login, or a refresh grant from `current` (the token in hand, possibly expired). */
  obtain(signal: AbortSignal | undefined, current: T | undefined): Promise<T>;
  /** Keeps a new token for later runs. */
  save?(token: T): Promise<void>;
  /** Renew a token when less than this is left of its life. Default 0. */
  renewBeforeMs?: number;
  /** Times a 401 may trigger a new token in this auth's life (one run); default 1. */
  refreshesOn401?: number;
  /** Whether a new token can cure this 401; default yes (a revoked grant, say, cannot). */
  renews?(refusal: HttpError): boolean;
  explain?: Auth['explain'];
  now?: () => number;
}

/**
 * A bearer token obtained once and shared by every request (one load at a time), renewed before it
 * expires, and replaced at most `refreshesOn401` times when the server refuses it.
 */
export function bearerAuth<T extends Token>(options: BearerOptions<T>): Auth & { readonly obtained: number } {
  const now = options.now ?? Date.now;
  let token: T | undefined;
  let pending: Promise<T> | undefined;
  let loaded = false;
  let refreshes = 0;
  let obtained = 0;
  const usable = (t: T | undefined): t is T => !!t && (t.expiresAt === undefined || t.expiresAt - now() > (options.renewBeforeMs ?? 0));
  const fresh = async (signal: AbortSignal | undefined): Promise<T> => {
    obtained++;
    const next = await options.obtain(signal, token);
    registerSecret(next.accessToken);
    await options.save?.(next);
    return next;
  };
  const acquire = async (signal: AbortSignal | undefined): Promise<T> => {
    if (!loaded) {
      loaded = true;
      const kept = await options.load?.(signal);
      if (kept) registerSecret(kept.accessToken);
      if (usable(kept)) return kept;
      token = kept;
    }
    return fresh(signal);
  };
  const single = (work: () => Promise<T>) => {
    pending ??= work().finally(() => (pending = undefined));
    return pending;
  };
  return {
    get obtained() {
      return obtained;
    },
    async headers(signal) {
      if (!usable(token)) token = await single(() => acquire(signal));
      return { authorization: `Bearer ${token.accessToken}` };
    },
    async refused(sent, signal, error) {
      // Another request replaced the token meanwhile, or is replacing it: send again with the new one.
      if (token && sent.authorization !== `Bearer ${token.accessToken}`) return true;
      if (pending) {
        token = await pending;
        return true;
      }
      if (refreshes >= (options.refreshesOn401 ?? 1) || (error && options.renews?.(error) === false)) return false;
      refreshes++;
      token = await single(() => fresh(signal));
      return true;
    },
    explain: options.explain,
  };
}

/** load/save for bearerAuth through the warehouse's encrypted secrets; without ELT_SECRET_KEY, per run only. */
export function keptInSecrets<T extends Token>(secrets: SecretStore, name: string, onError?: (error: Error) => void): Pick<BearerOptions<T>, 'load' | 'save'> {
  return {
    load: () => secrets.get<T>(name).catch(() => undefined),
    save: (token) => secrets.put(name, token).catch((error: Error) => onError?.(error)),
  };
}
