import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A key that encrypts TOTP secrets at rest. */
export interface MfaEncryptionKey {
  /**
   * Stored beside every ciphertext so keys can rotate: 1 to 32 characters of `A-Z a-z 0-9 _ -`.
   */
  id: string;
  /**
   * 32 random bytes: a Buffer / Uint8Array, 64 hex characters, or base64 / base64url text.
   * Generate one with `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`.
   */
  key: string | Uint8Array;
}

/** A key after validation: its id and exactly 32 bytes. */
export interface ResolvedEncryptionKey {
  id: string;
  key: Buffer;
}

/** Why a ciphertext could not be opened; never contains the ciphertext or the plaintext. */
export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

export const ENCRYPTION_KEY_BYTES = 32;
export const KEY_ID_SHAPE = /^[A-Za-z0-9_-]{1,32}$/;

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
/** 96-bit nonces, the size GCM is built for; random per encryption. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for small secrets at rest. The output is one string,
 * `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts), so an app stores it in one column and
 * the key id travels with it: the first key encrypts, every listed key decrypts.
 *
 * `context` is bound as additional authenticated data (for example the user ID): a ciphertext
 * copied to another user's record does not decrypt there.
 */
export class SecretCipher {
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(private readonly keys: readonly ResolvedEncryptionKey[]) {
    if (keys.length === 0) throw new Error('SecretCipher: at least one key is required');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key that encrypts. */
  get primaryKeyId(): string {
    return this.keys[0]!.id;
  }

  encrypt(plaintext: string, context: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, ciphertext, cipher.getAuthTag()].map((bytes) => bytes.toString('base64url'));
    return [VERSION, id, ...parts].join('.');
  }

  /** @throws SecretDecryptionError when the text is not ours, the key is unknown, or it was tampered with. */
  decrypt(envelope: string, context: string): string {
    const parts = typeof envelope === 'string' ? envelope.split('.') : [];
    if (parts.length !== 5 || parts[0] !== VERSION) {
      throw new SecretDecryptionError('not an encrypted secret (expected v1.<keyId>.<iv>.<ciphertext>.<tag>)');
    }
    const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
    const key = this.byId.get(keyId);
    if (!key) throw new SecretDecryptionError(`encrypted under key id "${keyId}", which is not in mfa.encryptionKeys`);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError(`authentication failed under key id "${keyId}" (wrong key, wrong owner or tampered)`);
    }
  }

  /** The key id an envelope names, or undefined when it is not one of ours. */
  static keyIdOf(envelope: string): string | undefined {
    const parts = envelope.split('.');
    return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
  }
}

/** 32 bytes from the accepted key encodings, or undefined when the value is not exactly 32 bytes. */
export function decodeEncryptionKey(key: unknown): Buffer | undefined {
  let bytes: Buffer | undefined;
  if (key instanceof Uint8Array) bytes = Buffer.from(key);
  else if (typeof key === 'string' && /^[0-9a-fA-F]{64}$/.test(key)) bytes = Buffer.from(key, 'hex');
  else if (typeof key === 'string' && /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(key)) bytes = Buffer.from(key, 'base64url');
  return bytes?.length === ENCRYPTION_KEY_BYTES ? bytes : undefined;
}
