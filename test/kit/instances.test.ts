import { describe, expect, it } from 'vitest';
import { instancesFromEnv } from '../../extract/kit/instances.js';
import { redact } from '../../extract/kit/redact.js';

const variables = { required: ['V_KEY', 'V_TOKEN'], optional: ['V_URL'], secrets: ['V_TOKEN'] };
const build = (values: Record<string, string | undefined>) => ({ key: values.V_KEY, token: values.V_TOKEN, url: values.V_URL ?? 'https://default' });

describe('instancesFromEnv (VAR and VAR__NAME accounts)', () => {
  it('finds the default account and suffixed ones, lower-cased, sorted', () => {
    const env = { V_KEY: 'k', V_TOKEN: 't-secret-1', V_KEY__NAPA: 'k2', V_TOKEN__NAPA: 't-secret-2', V_URL: 'http://u' };
    const result = instancesFromEnv(env, variables, build);
    expect(result).toEqual({
      configured: true,
      instances: [
        { name: 'default', config: { key: 'k', token: 't-secret-1', url: 'http://u' } },
        // An account without its own optional value takes the unsuffixed one.
        { name: 'napa', config: { key: 'k2', token: 't-secret-2', url: 'http://u' } },
      ],
    });
    expect(redact('token t-secret-2 here')).not.toContain('t-secret-2');
  });

  it('lists what is missing, per account; optional variables alone configure nothing', () => {
    expect(instancesFromEnv({ V_URL: 'x' }, variables, build)).toEqual({ configured: false, missing: ['V_KEY', 'V_TOKEN'] });
    expect(instancesFromEnv({ V_KEY__SONOMA: 'k' }, variables, build)).toEqual({ configured: false, missing: ['V_TOKEN__SONOMA'] });
  });

  it('oneOf: any one of a group will do', () => {
    const spec = { required: ['C_TENANT'], oneOf: [['C_ID', 'C_AUTH_TOKEN']] };
    expect(instancesFromEnv({ C_TENANT: 't', C_AUTH_TOKEN: 'x' }, spec, (v) => v.C_AUTH_TOKEN)).toMatchObject({ configured: true });
    expect(instancesFromEnv({ C_TENANT: 't' }, spec, (v) => v)).toEqual({ configured: false, missing: ['C_ID'] });
  });
});
