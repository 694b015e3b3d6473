/**
 * Secrets kept in the warehouse (e.g. OAuth tokens), encrypted with AES-256-GCM under ELT_SECRET_KEY.
 * The warehouse stores only sealed text: `v1.<base64url(iv | tag | ciphertext)>`, with the secret's name as
 * additional authenticated data, so a value copied under another name does not decrypt either.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SECRET_KEY_ENV = 'ELT_SECRET_KEY';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

/** A 32-byte key written as base64 (44 characters) or hex (64 characters). */
export function parseSecretKey(text: string | undefined): Buffer {
  const value = (text ?? '').trim();
  if (!value)
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} is not set: it encrypts the tokens kept in the warehouse ` +
        '(make one with: openssl rand -base64 32).',
    );
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  if (!key || key.length !== 32)
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} must be 32 bytes written as base64 or hex (make one with: openssl rand -base64 32).`,
    );
  return key;
}

export function seal(key: Buffer, name: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64url')}`;
}

export function unseal(key: Buffer, name: string, sealed: string): string {
  const [version, payload] = sealed.split('.');
  if (version !== VERSION || !payload)
    throw new SecretKeyError(`the stored secret "${name}" is not in a format this version reads.`);
  const bytes = Buffer.from(payload, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(name, 'utf8'));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} cannot decrypt the stored secret "${name}": it is not the key the secret was stored with.`,
    );
  }
}

/** What a warehouse keeps for secrets: opaque sealed text by name. */
export interface SecretBackend {
  readSecrets(prefix: string): Promise<{ name: string; value: string }[]>;
  writeSecret(name: string, value: string): Promise<void>;
}

export interface SecretStore {
  get<T>(name: string): Promise<T | undefined>;
  put(name: string, value: unknown): Promise<void>;
  /** Names that start with the prefix. */
  list(prefix: string): Promise<string[]>;
}

/** JSON values sealed with the key from ELT_SECRET_KEY; the key is read (and checked) on first use only. */
export function secretStore(backend: SecretBackend, env: NodeJS.ProcessEnv): SecretStore {
  let key: Buffer | undefined;
  const theKey = () => (key ??= parseSecretKey(env[SECRET_KEY_ENV]));
  return {
    async get<T>(name: string) {
      const row = (await backend.readSecrets(name)).find((r) => r.name === name);
      return row ? (JSON.parse(unseal(theKey(), name, row.value)) as T) : undefined;
    },
    async put(name, value) {
      await backend.writeSecret(name, seal(theKey(), name, JSON.stringify(value)));
    },
    async list(prefix) {
      return (await backend.readSecrets(prefix)).map((r) => r.name).filter((n) => n.startsWith(prefix));
    },
  };
}
