/**
 * Arrivy settings (docs/sources/arrivy.md). One account: ARRIVY_AUTH_KEY + ARRIVY_AUTH_TOKEN; more accounts:
 * the same pair with a suffix (ARRIVY_AUTH_KEY__NAPA), landing as `_source_instance` "napa". ARRIVY_API_URL
 * for another base URL (one for all accounts, or per account with the suffix).
 */
import { numberSetting } from '../../kit/config.js';
import { headerAuth, type Auth } from '../../kit/http/index.js';
import { instancesFromEnv } from '../../kit/instances.js';
import type { Configuration, SourceInstance } from '../../kit/source.js';
import { DAY_MS } from '../../kit/windows.js';

export const DEFAULT_ARRIVY_API_URL = 'https://app.arrivy.com/api';

export interface ArrivyConfig {
  apiUrl: string;
  authKey: string;
  authToken: string;
  /** The variables this account's credentials come from, to name in errors. */
  variables: string;
}

export function configureArrivy(env: NodeJS.ProcessEnv): Configuration<ArrivyConfig> {
  const [key, token] = ['ARRIVY_AUTH_KEY', 'ARRIVY_AUTH_TOKEN'];
  const variables = { required: [key, token], optional: ['ARRIVY_API_URL'], secrets: [key, token] };
  return instancesFromEnv(env, variables, (values, _name, suffix) => ({
    apiUrl: (values.ARRIVY_API_URL ?? DEFAULT_ARRIVY_API_URL).replace(/\/+$/, ''),
    authKey: values[key]!,
    authToken: values[token]!,
    variables: `${key}${suffix} and ${token}${suffix}`,
  }));
}

/** Both headers on every call; a refusal names the account's variables. */
export function arrivyAuth({ name, config }: SourceInstance<ArrivyConfig>): Auth {
  const headers = { 'x-auth-key': config.authKey, 'x-auth-token': config.authToken };
  return headerAuth(
    headers,
    (error) =>
      new Error(`Arrivy refused the credentials of account ${name} (HTTP ${error.status}): check ${config.variables}.`),
  );
}

/** Task starts every run reads: ELT_ARRIVY_DAYS_BACK (default 30) before now to ELT_ARRIVY_DAYS_AHEAD (180) after. */
export const taskWindowMs = (side: 'back' | 'ahead', env: NodeJS.ProcessEnv = process.env): number =>
  numberSetting(env, side === 'back' ? 'ELT_ARRIVY_DAYS_BACK' : 'ELT_ARRIVY_DAYS_AHEAD', side === 'back' ? 30 : 180) *
  DAY_MS;
