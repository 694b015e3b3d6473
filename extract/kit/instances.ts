/**
 * The multi-account convention every source shares: `VAR` is the `default` account, `VAR__NAPA` one more
 * account named `napa` (the suffix, lower-cased, lands as `_source_instance`). A source names its
 * variables; this finds the accounts, each with its values, and lists what is missing.
 */
import { registerSecret } from './redact.js';
import type { Configuration, SourceInstance } from './source.js';

export interface InstanceVariables {
  /** Needed by every account. */
  required: readonly string[];
  /** Read when present; an account without its suffixed one takes the unsuffixed value (an API URL, say). */
  optional?: readonly string[];
  /** Values never to be printed: registered with the redactor as they are read. */
  secrets?: readonly string[];
  /**
   * Sets of variables of which at least one must be given per account (e.g. an app id and secret, or a
   * ready token), in addition to `required`; each set is named in the missing list by its first variable.
   */
  oneOf?: readonly (readonly string[])[];
}

export type InstanceValues = Record<string, string | undefined>;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The accounts configured in `env`, each with its values (keyed by the unsuffixed variable name), built
 * into a config by `build`; `{ configured: false }` with the missing variables when an account is
 * incomplete or none is configured.
 */
export function instancesFromEnv<Config>(
  env: NodeJS.ProcessEnv,
  variables: InstanceVariables,
  build: (values: InstanceValues, name: string, suffix: string) => Config,
): Configuration<Config> {
  const all = [...variables.required, ...(variables.optional ?? []), ...(variables.oneOf ?? []).flat()];
  const pattern = new RegExp(`^(${all.map(escape).join('|')})(?:__([A-Za-z0-9_]+))?$`);
  const suffixes = new Set<string>();
  for (const name of Object.keys(env)) {
    const match = pattern.exec(name);
    // Optional variables alone (an API URL, say) configure no account.
    if (match && env[name] && !variables.optional?.includes(match[1]!)) suffixes.add(match[2] ?? '');
  }
  const firstOf = (group: readonly string[]) => group[0] ?? '';
  if (suffixes.size === 0) return { configured: false, missing: [...variables.required, ...(variables.oneOf ?? []).map(firstOf)] };

  const instances: SourceInstance<Config>[] = [];
  const missing: string[] = [];
  for (const suffix of [...suffixes].sort()) {
    const tail = suffix ? `__${suffix}` : '';
    const values: InstanceValues = {};
    for (const name of all) values[name] = env[name + tail] || undefined;
    for (const name of variables.optional ?? []) values[name] ??= env[name] || undefined;
    const absent = variables.required.filter((name) => !values[name]).map((name) => name + tail);
    for (const group of variables.oneOf ?? []) {
      if (!group.some((name) => values[name])) absent.push(firstOf(group) + tail);
    }
    if (absent.length) {
      missing.push(...absent);
      continue;
    }
    for (const name of variables.secrets ?? []) if (values[name]) registerSecret(values[name]);
    const name = suffix ? suffix.toLowerCase() : 'default';
    instances.push({ name, config: build(values, name, tail) });
  }
  return missing.length ? { configured: false, missing } : { configured: true, instances };
}
