/**
 * Tock settings. One business: X_TOCK_AUTH + X_TOCK_SCOPE (the names existing users have in their .env).
 * More businesses: the same pair with a suffix, X_TOCK_AUTH__NAPA + X_TOCK_SCOPE__NAPA; the suffix,
 * lower-cased, becomes the business's `_source_instance` ("default" for the unsuffixed pair).
 */
import { listSetting } from '../../kit/config.js';
import { instancesFromEnv } from '../../kit/instances.js';
import type { Configuration } from '../../kit/source.js';

export const DEFAULT_TOCK_API_URL = 'https://dashboard.exploretock.com';

export interface TockConfig {
  apiUrl: string;
  auth: string;
  scope: string;
  /** Hosts besides storage.googleapis.com that export file URLs may point to. */
  allowedFileHosts: string[];
}

const AUTH = 'X_TOCK_AUTH';
const SCOPE = 'X_TOCK_SCOPE';

export function configureTock(env: NodeJS.ProcessEnv): Configuration<TockConfig> {
  // Shared by every business: one API, one list of file hosts.
  const apiUrl = (env.TOCK_API_URL || DEFAULT_TOCK_API_URL).replace(/\/+$/, '');
  const allowedFileHosts = listSetting(env.TOCK_ALLOWED_FILE_HOSTS).map((h) => h.toLowerCase());
  return instancesFromEnv(env, { required: [AUTH, SCOPE], secrets: [AUTH] }, (values, _name, tail) => {
    const scope = values[SCOPE]!;
    try {
      JSON.parse(scope);
    } catch {
      throw new Error(`${SCOPE + tail} must be JSON like {"businessId":"123","businessGroupId":"456"}.`);
    }
    return { apiUrl, auth: values[AUTH]!, scope, allowedFileHosts };
  });
}
