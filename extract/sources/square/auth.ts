/**
 * Square access tokens on the HTTP client's auth: a token from the environment as it is, or a merchant's
 * OAuth tokens kept encrypted in the warehouse (oauth.ts), refreshed when fewer than 7 days remain and once
 * more on a 401 (never on ACCESS_TOKEN_REVOKED). A refusal the token cannot cure becomes one sentence
 * that says what to do.
 */
import {
  bearerAuth,
  headerAuth,
  type Auth,
  type HttpClient,
  type HttpError,
  type Token,
} from '../../kit/http/index.js';
import type { Logger } from '../../kit/log.js';
import { registerSecret } from '../../kit/redact.js';
import type { SecretStore } from '../../kit/secrets.js';
import type { SourceInstance } from '../../kit/source.js';
import { DAY_MS } from '../../kit/windows.js';
import { squareErrorCode } from './errors.js';
import type { SquareConfig } from './config.js';
import { OAUTH_SECRET_PREFIX, refreshTokens, type StoredTokens } from './oauth.js';

/** Refresh OAuth tokens proactively when less than this remains (access tokens live 30 days). */
export const REFRESH_BEFORE_MS = 7 * DAY_MS;

/** Credentials Square refused, in one sentence that says what to do. */
export class SquareAuthError extends Error {
  override name = 'SquareAuthError';
}

/** The OAuth permissions the entities need. */
const PERMISSIONS =
  'MERCHANT_PROFILE_READ, CUSTOMERS_READ, PAYMENTS_READ, ORDERS_READ, ' +
  'APPOINTMENTS_READ, ITEMS_READ, EMPLOYEES_READ, LOYALTY_READ';

/** The sentence for a 401 or 403; `refreshed` says whether a 401 already had the token refreshed. */
function explainRefusal(instance: SourceInstance<SquareConfig>, refreshed: () => boolean) {
  const who = `merchant "${instance.name}"`;
  return (error: HttpError): Error => {
    if (error.status === 403) {
      const code = squareErrorCode(error) ?? 'FORBIDDEN';
      const lacks = `the token lacks a permission this source needs (${PERMISSIONS})`;
      return new SquareAuthError(`Square denied ${error.endpoint} for ${who} (HTTP 403 ${code}): ${lacks}.`);
    }
    const code = squareErrorCode(error) ?? 'UNAUTHORIZED';
    if (instance.config.accessToken) {
      const suffix = instance.name === 'default' ? '' : `__${instance.name.toUpperCase()}`;
      return new SquareAuthError(
        `Square refused the access token of ${who} (HTTP 401 ${code}): set a valid SQUARE_ACCESS_TOKEN${suffix}.`,
      );
    }
    const merchant = instance.name === 'default' ? '' : ` --merchant ${instance.name}`;
    const again = `authorise again with: npm run elt -- square-auth --code <authorization code>${merchant}`;
    const even = refreshed() ? ' even after refreshing it' : '';
    return new SquareAuthError(`Square refused the access token of ${who}${even} (HTTP 401 ${code}): ${again}.`);
  };
}

interface SquareToken extends Token {
  stored: StoredTokens;
}

function squareToken(stored: StoredTokens): SquareToken {
  registerSecret(stored.access_token);
  registerSecret(stored.refresh_token);
  return { accessToken: stored.access_token, expiresAt: Date.parse(stored.expires_at), stored };
}

/** The auth of one merchant for one run (shared by its entities, so a token is refreshed once). */
export function squareAuth(
  instance: SourceInstance<SquareConfig>,
  http: HttpClient,
  secrets: SecretStore,
  log: Logger,
): Auth {
  const { config, name } = instance;
  let refreshedOn401 = false;
  const explain = explainRefusal(instance, () => refreshedOn401);
  if (config.accessToken) return headerAuth({ authorization: `Bearer ${config.accessToken}` }, explain);
  const secret = OAUTH_SECRET_PREFIX + name;
  return bearerAuth<SquareToken>({
    async load() {
      const stored = await secrets.get<StoredTokens>(secret);
      return stored && squareToken(stored);
    },
    async obtain(signal, current) {
      if (!current || !config.oauth) {
        const run = 'run npm run elt -- square-auth --code <authorization code>';
        throw new SquareAuthError(`No Square tokens are stored for merchant "${name}": ${run}.`);
      }
      const left = (current.expiresAt ?? Number.NaN) - Date.now();
      // A token with time left is being refreshed because Square refused it.
      if (left > REFRESH_BEFORE_MS) {
        refreshedOn401 = true;
        log.warn('Square refused the access token; refreshing it once');
      } else {
        log.info('Square access token expires soon; refreshing it', {
          days_left: Math.max(0, Math.floor(left / DAY_MS)),
        });
      }
      return squareToken(await refreshTokens(http, config, config.oauth, current.stored, signal, name));
    },
    async save(token) {
      await secrets.put(secret, token.stored);
      log.info('Square tokens refreshed and stored', { expires_at: token.stored.expires_at });
    },
    renewBeforeMs: REFRESH_BEFORE_MS,
    refreshesOn401: 1,
    renews: (refusal) => squareErrorCode(refusal) !== 'ACCESS_TOKEN_REVOKED',
    explain,
  });
}
