import { describe, expect, it } from 'vitest';
import { createLogger } from '../../extract/kit/log.js';
import { redact, registerSecret } from '../../extract/kit/redact.js';

describe('redact', () => {
  it('drops the whole query of signed URLs', () => {
    const url =
      'https://storage.googleapis.com/b/guest-profile-1.json' +
      '?X-Goog-Algorithm=GOOG4-HMAC-SHA256&X-Goog-Credential=a%2Fb&X-Goog-Signature=deadbeef';
    expect(redact(`GET ${url} failed`)).toBe(
      'GET https://storage.googleapis.com/b/guest-profile-1.json?[signed query redacted] failed',
    );
  });

  it('masks sensitive parameters of ordinary URLs and keeps the rest', () => {
    expect(redact('http://h/x?page=2&access_token=abc123&limit=5')).toBe(
      'http://h/x?page=2&access_token=[redacted]&limit=5',
    );
  });

  it('masks registered secrets anywhere, but not short values', () => {
    registerSecret('eyJhbGciOiJIUzI1NiJ9.tock-secret');
    registerSecret('1');
    expect(redact('auth eyJhbGciOiJIUzI1NiJ9.tock-secret refused for 1 business')).toBe(
      'auth [redacted] refused for 1 business',
    );
  });

  it('applies to every log line', () => {
    const lines: string[] = [];
    registerSecret('super-secret-value');
    const log = createLogger({ format: 'json', sink: { write: (l) => lines.push(l) } });
    log.error('request failed', {
      url: 'https://x.storage.googleapis.com/f?X-Goog-Signature=abc',
      token: 'super-secret-value',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('super-secret-value');
    expect(lines[0]).not.toContain('X-Goog-Signature=abc');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'request failed', token: '[redacted]' });
  });
});
