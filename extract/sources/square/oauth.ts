/**
 * Square OAuth (code flow): `POST /oauth2/token` with the application's client id and secret exchanges an
 * authorization code, or a refresh token, for an access token (30 days) and a refresh token. Tokens are kept
 * encrypted in the warehouse under `square/oauth/<merchant>` (kit/secrets.ts, key ELT_SECRET_KEY) and never
 * printed: every token is registered for redaction the moment it is seen.
 *
 *   npm run elt -- square-auth --code <authorization code> [--merchant <name>] [--redirect-uri <uri>]
 */
import { parseArgs } from 'node:util';
import { HttpClient, HttpError } from '../../kit/http/index.js';
import { registerSecret } from '../../kit/redact.js';
import { parseSecretKey, SECRET_KEY_ENV } from '../../kit/secrets.js';
import type { SourceCommand } from '../../kit/source.js';
import { oauthClient, oauthMerchantConfig, squareHttpOptions, type OAuthClient, type SquareConfig } from './config.js';
import { squareErrorCode } from './errors.js';

export const OAUTH_SECRET_PREFIX = 'square/oauth/';
/** Metric and circuit label, in the form of api.ts's endpointLabel. */
const TOKEN_ENDPOINT = 'ObtainToken POST /oauth2/token';

/** What is stored per merchant (the token endpoint's answer, plus when it was obtained). */
export interface StoredTokens {
  access_token: string;
  refresh_token: string;
  expires_at: string;
  merchant_id?: string;
  obtained_at: string;
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_at?: string;
  merchant_id?: string;
}

async function obtainToken(
  http: HttpClient,
  config: Pick<SquareConfig, 'apiUrl' | 'version'>,
  body: Record<string, string>,
  signal: AbortSignal | undefined,
  what: string,
): Promise<StoredTokens> {
  let answer: TokenAnswer | undefined;
  try {
    const response = await http.json<TokenAnswer>({
      method: 'POST',
      url: `${config.apiUrl}/oauth2/token`,
      endpoint: TOKEN_ENDPOINT,
      headers: { 'square-version': config.version },
      json: body,
      signal,
    });
    answer = response.body;
  } catch (error) {
    if (error instanceof HttpError && error.status && error.status >= 400 && error.status < 500) {
      const code = squareErrorCode(error) ?? `HTTP ${error.status}`;
      const again = 'authorise again with npm run elt -- square-auth --code <code>';
      throw new Error(
        `Square did not accept the ${what} (${code}): check SQUARE_CLIENT_ID/SQUARE_CLIENT_SECRET, or ${again}.`,
      );
    }
    throw error;
  }
  registerSecret(answer?.access_token);
  registerSecret(answer?.refresh_token);
  if (!answer?.access_token || !answer.expires_at || !Number.isFinite(Date.parse(answer.expires_at))) {
    throw new Error(`Square's answer to the ${what} has no access_token or expires_at.`);
  }
  const refresh = answer.refresh_token ?? body.refresh_token;
  if (!refresh) throw new Error(`Square's answer to the ${what} has no refresh_token.`);
  return {
    access_token: answer.access_token,
    refresh_token: refresh,
    expires_at: answer.expires_at,
    merchant_id: answer.merchant_id,
    obtained_at: new Date().toISOString(),
  };
}

export function exchangeCode(
  http: HttpClient,
  config: Pick<SquareConfig, 'apiUrl' | 'version'>,
  client: OAuthClient,
  code: string,
  redirectUri?: string,
  signal?: AbortSignal,
) {
  registerSecret(code);
  const body: Record<string, string> = {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_type: 'authorization_code',
    code,
  };
  if (redirectUri) body.redirect_uri = redirectUri;
  return obtainToken(http, config, body, signal, 'authorization code');
}

export async function refreshTokens(
  http: HttpClient,
  config: SquareConfig,
  client: OAuthClient,
  stored: StoredTokens,
  signal: AbortSignal | undefined,
  merchant: string,
): Promise<StoredTokens> {
  registerSecret(stored.refresh_token);
  try {
    const fresh = await obtainToken(
      http,
      config,
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: stored.refresh_token,
      },
      signal,
      `token refresh of merchant "${merchant}"`,
    );
    return { ...fresh, merchant_id: fresh.merchant_id ?? stored.merchant_id };
  } catch (error) {
    throw new Error(
      (error as Error).message.replace(
        'square-auth --code <code>',
        `square-auth --code <code>${merchant === 'default' ? '' : ` --merchant ${merchant}`}`,
      ),
    );
  }
}

/** Merchant names become `_source_instance` and part of a secret's name: keep them plain. */
const MERCHANT_NAME = /^[a-z0-9][a-z0-9_]*$/;

export const squareAuthCommand: SourceCommand = {
  name: 'square-auth',
  summary:
    'exchange a Square OAuth authorization code for tokens, stored encrypted: ' +
    'square-auth --code <code> [--merchant <name>]',
  async run({ args, env, secrets, log, print, signal }) {
    let values;
    try {
      values = parseArgs({
        args,
        options: {
          code: { type: 'string' },
          merchant: { type: 'string', default: 'default' },
          'redirect-uri': { type: 'string' },
        },
      }).values;
    } catch (error) {
      print(`square-auth: ${(error as Error).message}`);
      return 2;
    }
    const merchant = (values.merchant ?? 'default').toLowerCase();
    if (!values.code) {
      print('square-auth: --code <authorization code> is required (the code Square sends to your redirect URL).');
      return 2;
    }
    if (!MERCHANT_NAME.test(merchant)) {
      print('square-auth: --merchant takes letters, digits and underscores, e.g. --merchant napa.');
      return 2;
    }
    let client;
    try {
      client = oauthClient(env);
    } catch (error) {
      print(`square-auth: ${(error as Error).message}`);
      return 2;
    }
    if (!client) {
      print('square-auth: set SQUARE_CLIENT_ID and SQUARE_CLIENT_SECRET (your Square application) first.');
      return 2;
    }
    const config = oauthMerchantConfig(env, client);
    const http = new HttpClient({ name: 'square', logger: log, ...squareHttpOptions(env), retry: { attempts: 3 } });
    try {
      // Check the key before spending the single-use code.
      parseSecretKey(env[SECRET_KEY_ENV]);
      const tokens = await exchangeCode(http, config, client, values.code, values['redirect-uri'], signal);
      await secrets.put(OAUTH_SECRET_PREFIX + merchant, tokens);
      const which = tokens.merchant_id ? ` (Square merchant ${tokens.merchant_id})` : '';
      print(
        `Stored Square tokens for merchant "${merchant}"${which}, encrypted with ELT_SECRET_KEY; ` +
          `the access token is valid until ${tokens.expires_at} and runs refresh it when less than 7 days remain.`,
      );
      return 0;
    } catch (error) {
      print(`square-auth: ${(error as Error).message.split('\n')[0]}`);
      return 1;
    }
  },
};
