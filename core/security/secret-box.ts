import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from '../errors/index.ts';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';

/** AES-256-GCM with a random 96-bit nonce per value; the auth tag makes tampering detectable. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new HubError(
      'config',
      'invalid_master_key',
      'HUB_MASTER_KEY must be 32 bytes: 64 hex characters or base64',
    );
  }
  return key;
}

export function createSecretBox(key: Buffer): SecretBox {
  return {
    seal(plaintext) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv(ALGORITHM, key, nonce);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        VERSION,
        nonce.toString('base64'),
        cipher.getAuthTag().toString('base64'),
        data.toString('base64'),
      ].join(':');
    },
    open(sealed) {
      const [version, nonce, tag, data] = sealed.split(':');
      if (version !== VERSION || !nonce || !tag || data === undefined) {
        throw new HubError('config', 'secret_unreadable', 'Stored secret has an unknown format');
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(nonce, 'base64'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString(
          'utf8',
        );
      } catch (error) {
        throw new HubError(
          'config',
          'secret_unreadable',
          'Stored secret cannot be decrypted: is HUB_MASTER_KEY the key it was written with?',
          { cause: error },
        );
      }
    },
  };
}

/**
 * HUB_MASTER_KEY when set; otherwise a key generated once into the data folder (mode 0600).
 * The file fallback only suits one host: workers on other hosts need the same HUB_MASTER_KEY.
 */
export function loadMasterKey(options: { masterKey?: string; dataDir: string }): Buffer {
  if (options.masterKey) return parseMasterKey(options.masterKey);
  const file = join(options.dataDir, 'master.key');
  if (existsSync(file)) return parseMasterKey(readFileSync(file, 'utf8'));
  mkdirSync(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}
