/**
 * Commerce7 settings (docs/sources/commerce7.md). One tenant: COMMERCE7_TENANT with COMMERCE7_APP_ID and
 * COMMERCE7_APP_SECRET, or a ready base64 COMMERCE7_AUTH_TOKEN; more tenants: the same with a suffix
 * (COMMERCE7_TENANT__NAPA), landing as `_source_instance` "napa". COMMERCE7_API_URL for another base URL.
 */
import { numberSetting } from '../../kit/config.js';
import { basicAuth, type Auth, type HttpError } from '../../kit/http/index.js';
import { instancesFromEnv } from '../../kit/instances.js';
import type { Configuration, SourceHttpOptions, SourceInstance } from '../../kit/source.js';

export const DEFAULT_COMMERCE7_API_URL = 'https://api.commerce7.com/v1';

export interface Commerce7Config {
  apiUrl: string;
  tenant: string;
  credentials: { user: string; password: string } | { token: string };
  /** The variables this tenant's settings come from, to name in errors. */
  variables: string;
}

const TENANT = 'COMMERCE7_TENANT';
const APP_ID = 'COMMERCE7_APP_ID';
const APP_SECRET = 'COMMERCE7_APP_SECRET';
const AUTH_TOKEN = 'COMMERCE7_AUTH_TOKEN';

export function configureCommerce7(env: NodeJS.ProcessEnv): Configuration<Commerce7Config> {
  const variables = {
    required: [TENANT],
    optional: ['COMMERCE7_API_URL'],
    // The app's id and secret, or a token: an id without its secret is missing the secret.
    oneOf: [
      [APP_ID, AUTH_TOKEN],
      [APP_SECRET, AUTH_TOKEN],
    ],
    secrets: [APP_SECRET, AUTH_TOKEN],
  };
  return instancesFromEnv(env, variables, (values, _name, suffix) => {
    const [tenant, token] = [values[TENANT]!, values[AUTH_TOKEN]];
    const credentials = token ? { token } : { user: values[APP_ID]!, password: values[APP_SECRET]! };
    const named = token ? `${AUTH_TOKEN}${suffix}` : `${APP_ID}${suffix} and ${APP_SECRET}${suffix}`;
    return {
      apiUrl: (values.COMMERCE7_API_URL ?? DEFAULT_COMMERCE7_API_URL).replace(/\/+$/, ''),
      tenant,
      credentials,
      variables: `${TENANT}${suffix} (the tenant, "${tenant}") and ${named}`,
    };
  });
}

/** HTTP Basic on every call; a refusal names the tenant and the credential variables. */
export function commerce7Auth({ name, config }: SourceInstance<Commerce7Config>): Auth {
  return basicAuth(
    config.credentials,
    (error) =>
      new Error(
        `Commerce7 refused the credentials of tenant ${name} (HTTP ${error.status}): check ${config.variables}.`,
      ),
  );
}

/** A 422 is Commerce7 saying what was wrong with the request: its message, as one sentence. */
export function explain422(name: string) {
  return (error: HttpError): Error | undefined => {
    if (error.status !== 422) return undefined;
    const quoted = /"message"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(error.bodySnippet ?? '')?.[1];
    const message = quoted ? (JSON.parse(quoted) as string).replace(/\.\s*$/, '') : 'no message';
    return new Error(`Commerce7 rejected a request of tenant ${name} (HTTP 422): ${message}.`, { cause: error });
  };
}

/** Each tenant paced at COMMERCE7_MAX_REQUESTS_PER_MINUTE (default 100, Commerce7's limit; 0 = unpaced). */
export function commerce7Http(env: NodeJS.ProcessEnv): SourceHttpOptions {
  const perMinute = numberSetting(env, 'COMMERCE7_MAX_REQUESTS_PER_MINUTE', 100);
  return { keyRateLimit: perMinute > 0 ? { requestsPerSecond: perMinute / 60 } : undefined };
}
