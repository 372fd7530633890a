import { hkdfSync } from 'node:crypto';
import type { ResolvedEncryptionKey } from './secret-cipher.js';

/**
 * The TOTP-secret key used outside production when `mfa.encryptionKeys` is not set: derived
 * (HKDF-SHA-256) from the oldest session secret, as for session-ID hashing, so adding a secret
 * in front keeps the key.
 */
export function derivedEncryptionKey(secrets: readonly string[]): ResolvedEncryptionKey {
  const root = secrets[secrets.length - 1]!;
  return { id: 'derived', key: Buffer.from(hkdfSync('sha256', root, 'nest-secure-session', 'mfa-encryption-key', 32)) };
}
