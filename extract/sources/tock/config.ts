/**
 * Tock settings. One business: X_TOCK_AUTH + X_TOCK_SCOPE (the names existing users have in their .env).
 * More businesses: the same pair with a suffix, X_TOCK_AUTH__NAPA + X_TOCK_SCOPE__NAPA; the suffix,
 * lower-cased, becomes the business's `_source_instance` ("default" for the unsuffixed pair).
 */
import { listSetting } from '../../kit/config.js';
import { registerSecret } from '../../kit/redact.js';
import type { Configuration, SourceInstance } from '../../kit/source.js';

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
  const suffixes = new Set<string>();
  for (const name of Object.keys(env)) {
    const match = /^X_TOCK_(?:AUTH|SCOPE)(?:__([A-Za-z0-9_]+))?$/.exec(name);
    if (match && env[name]) suffixes.add(match[1] ?? '');
  }
  if (suffixes.size === 0) return { configured: false, missing: [AUTH, SCOPE] };

  const instances: SourceInstance<TockConfig>[] = [];
  const missing: string[] = [];
  const apiUrl = (env.TOCK_API_URL || DEFAULT_TOCK_API_URL).replace(/\/+$/, '');
  const allowedFileHosts = listSetting(env.TOCK_ALLOWED_FILE_HOSTS).map((h) => h.toLowerCase());
  for (const suffix of [...suffixes].sort()) {
    const tail = suffix ? `__${suffix}` : '';
    const auth = env[AUTH + tail];
    const scope = env[SCOPE + tail];
    if (!auth) missing.push(AUTH + tail);
    if (!scope) missing.push(SCOPE + tail);
    if (!auth || !scope) continue;
    try {
      JSON.parse(scope);
    } catch {
      throw new Error(`${SCOPE + tail} must be JSON like {"businessId":"123","businessGroupId":"456"}.`);
    }
    registerSecret(auth);
    instances.push({ name: suffix ? suffix.toLowerCase() : 'default', config: { apiUrl, auth, scope, allowedFileHosts } });
  }
  if (missing.length) return { configured: false, missing };
  return { configured: true, instances };
}
