import { describe, expect, it } from 'vitest';
import { DEFAULT_TOCK_API_URL, configureTock } from '../../extract/sources/tock/config.js';
import { redact } from '../../extract/kit/redact.js';

const SCOPE = '{"businessId":"123","businessGroupId":"456"}';

describe('configureTock', () => {
  it('is not configured without credentials and names both variables', () => {
    expect(configureTock({})).toEqual({ configured: false, missing: ['X_TOCK_AUTH', 'X_TOCK_SCOPE'] });
    // Empty values count as unset.
    expect(configureTock({ X_TOCK_AUTH: '', X_TOCK_SCOPE: '' })).toEqual({
      configured: false,
      missing: ['X_TOCK_AUTH', 'X_TOCK_SCOPE'],
    });
  });

  it('names the half of a pair that is missing', () => {
    expect(configureTock({ X_TOCK_AUTH: 'token-aaaaaaaa' })).toEqual({ configured: false, missing: ['X_TOCK_SCOPE'] });
    expect(configureTock({ X_TOCK_SCOPE: SCOPE })).toEqual({ configured: false, missing: ['X_TOCK_AUTH'] });
    const partial = configureTock({
      X_TOCK_AUTH: 'token-aaaaaaaa',
      X_TOCK_SCOPE: SCOPE,
      X_TOCK_AUTH__NAPA: 'token-bbbbbbbb',
    });
    expect(partial).toEqual({ configured: false, missing: ['X_TOCK_SCOPE__NAPA'] });
  });

  it('one business: instance "default", default API URL, no extra file hosts', () => {
    const c = configureTock({ X_TOCK_AUTH: 'token-default-1', X_TOCK_SCOPE: SCOPE });
    expect(c).toEqual({
      configured: true,
      instances: [
        {
          name: 'default',
          config: { apiUrl: DEFAULT_TOCK_API_URL, auth: 'token-default-1', scope: SCOPE, allowedFileHosts: [] },
        },
      ],
    });
    expect(DEFAULT_TOCK_API_URL).toBe('https://dashboard.exploretock.com');
  });

  it('suffixed pairs become lower-cased instances; API URL and file hosts are shared and normalised', () => {
    const c = configureTock({
      X_TOCK_AUTH: 'token-default-2',
      X_TOCK_SCOPE: SCOPE,
      X_TOCK_AUTH__NAPA: 'token-napa-2',
      X_TOCK_SCOPE__NAPA: '{"businessId":"9","businessGroupId":"456"}',
      X_TOCK_AUTH__SONOMA_2: 'token-sonoma-2',
      X_TOCK_SCOPE__SONOMA_2: '{"businessId":"10","businessGroupId":"456"}',
      TOCK_API_URL: 'http://127.0.0.1:9999//',
      TOCK_ALLOWED_FILE_HOSTS: ' Files.Example.COM , 127.0.0.1:9999,, ',
    });
    if (!c.configured) throw new Error('expected configured');
    expect(c.instances.map((i) => i.name)).toEqual(['default', 'napa', 'sonoma_2']);
    expect(c.instances.map((i) => i.config.auth)).toEqual(['token-default-2', 'token-napa-2', 'token-sonoma-2']);
    expect(c.instances[1]!.config.scope).toBe('{"businessId":"9","businessGroupId":"456"}');
    for (const i of c.instances) {
      expect(i.config.apiUrl).toBe('http://127.0.0.1:9999');
      expect(i.config.allowedFileHosts).toEqual(['files.example.com', '127.0.0.1:9999']);
    }
  });

  it('only suffixed pairs: no default instance', () => {
    const c = configureTock({ X_TOCK_AUTH__NAPA: 'token-napa-3', X_TOCK_SCOPE__NAPA: SCOPE });
    if (!c.configured) throw new Error('expected configured');
    expect(c.instances.map((i) => i.name)).toEqual(['napa']);
  });

  it('ignores look-alike variables', () => {
    expect(configureTock({ X_TOCK_AUTHX: 'a', X_TOCK_AUTH_NAPA: 'b', TOCK_AUTH: 'c', X_TOCK_SCOPE__: 'd' })).toEqual({
      configured: false,
      missing: ['X_TOCK_AUTH', 'X_TOCK_SCOPE'],
    });
  });

  it('refuses a scope that is not JSON with a message naming the variable and the expected shape', () => {
    expect(() => configureTock({ X_TOCK_AUTH: 'token-bad-scope', X_TOCK_SCOPE: 'businessId=123' })).toThrow(
      'X_TOCK_SCOPE must be JSON like {"businessId":"123","businessGroupId":"456"}.',
    );
    expect(() =>
      configureTock({
        X_TOCK_AUTH: 'token-x',
        X_TOCK_SCOPE: SCOPE,
        X_TOCK_AUTH__NAPA: 'token-y',
        X_TOCK_SCOPE__NAPA: '{oops',
      }),
    ).toThrow(/^X_TOCK_SCOPE__NAPA must be JSON like/);
  });

  it('does not echo the bad scope value or the token in that error', () => {
    let message = '';
    try {
      configureTock({ X_TOCK_AUTH: 'token-never-shown-123', X_TOCK_SCOPE: 'secret-ish-scope-text' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/X_TOCK_SCOPE/);
    expect(message).not.toContain('secret-ish-scope-text');
    expect(message).not.toContain('token-never-shown-123');
  });

  it('registers every token as a secret so redact() masks it', () => {
    const a = 'eyJhbGciOiJIUzI1NiJ9.tock-config-test-a.sig';
    const b = 'eyJhbGciOiJIUzI1NiJ9.tock-config-test-b.sig';
    expect(redact(`token ${a} and ${b}`)).toContain(a); // not registered yet
    configureTock({ X_TOCK_AUTH: a, X_TOCK_SCOPE: SCOPE, X_TOCK_AUTH__NAPA: b, X_TOCK_SCOPE__NAPA: SCOPE });
    const out = redact(`token ${a} and ${b}`);
    expect(out).not.toContain(a);
    expect(out).not.toContain(b);
    expect(out).toBe('token [redacted] and [redacted]');
  });
});
