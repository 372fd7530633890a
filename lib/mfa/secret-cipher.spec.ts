import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEncryptionKey, SecretCipher, SecretDecryptionError } from './secret-cipher.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function decryptError(cipher: SecretCipher, envelope: string, context: string): SecretDecryptionError {
  try {
    cipher.decrypt(envelope, context);
  } catch (err) {
    expect(err).toBeInstanceOf(SecretDecryptionError);
    return err as SecretDecryptionError;
  }
  throw new Error('expected decrypt to fail');
}

describe('SecretCipher (AES-256-GCM)', () => {
  it('round-trips, and the envelope is v1.<keyId>.<iv>.<ciphertext>.<tag> without the plaintext', () => {
    const cipher = new SecretCipher([k1]);
    const envelope = cipher.encrypt(SECRET, 'user-1');
    expect(envelope).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(envelope).not.toContain(SECRET);
    expect(cipher.decrypt(envelope, 'user-1')).toBe(SECRET);
    expect(SecretCipher.keyIdOf(envelope)).toBe('k1');
  });

  it('uses a fresh IV each time: the same secret never gives the same ciphertext', () => {
    const cipher = new SecretCipher([k1]);
    const envelopes = new Set(Array.from({ length: 50 }, () => cipher.encrypt(SECRET, 'u')));
    expect(envelopes.size).toBe(50);
    const ivs = new Set([...envelopes].map((e) => e.split('.')[2]));
    expect(ivs.size).toBe(50);
  });

  it('rotates: the first key encrypts, every listed key decrypts', () => {
    const old = new SecretCipher([k1]).encrypt(SECRET, 'u');
    const rotated = new SecretCipher([k2, k1]);
    expect(rotated.primaryKeyId).toBe('k2');
    expect(rotated.decrypt(old, 'u')).toBe(SECRET);
    expect(SecretCipher.keyIdOf(rotated.encrypt(SECRET, 'u'))).toBe('k2');
  });

  it('refuses a key id that is no longer configured, naming only the id', () => {
    const envelope = new SecretCipher([k1]).encrypt(SECRET, 'u');
    const error = decryptError(new SecretCipher([k2]), envelope, 'u');
    expect(error.message).toMatch(/key id "k1", which is not in mfa\.encryptionKeys/);
    expect(error.message).not.toContain(envelope.split('.')[3]);
  });

  it('binds the context: a ciphertext moved to another user does not decrypt', () => {
    const cipher = new SecretCipher([k1]);
    const envelope = cipher.encrypt(SECRET, 'totp-secret\0alice');
    expect(decryptError(cipher, envelope, 'totp-secret\0mallory').message).toMatch(/authentication failed under key id "k1"/);
  });

  it('detects tampering with the IV, the ciphertext or the tag, and a same-id key that differs', () => {
    const cipher = new SecretCipher([k1]);
    const envelope = cipher.encrypt(SECRET, 'u');
    const parts = envelope.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      const tampered = parts.map((part, i) => (i === index ? bytes.toString('base64url') : part)).join('.');
      decryptError(cipher, tampered, 'u');
    }
    decryptError(new SecretCipher([{ id: 'k1', key: randomBytes(32) }]), envelope, 'u');
  });

  it('refuses text that is not an envelope (a plaintext Base32 secret, other versions, junk)', () => {
    const cipher = new SecretCipher([k1]);
    for (const junk of [SECRET, '', 'v2.k1.a.b.c', 'v1.k1.a.b', 'v1.k1.a.b.c.d']) {
      expect(decryptError(cipher, junk, 'u').message).toMatch(/not an encrypted secret|authentication failed/);
    }
    expect(SecretCipher.keyIdOf(SECRET)).toBeUndefined();
  });

  it('needs at least one key', () => {
    expect(() => new SecretCipher([])).toThrow(/at least one key/);
  });
});

describe('decodeEncryptionKey', () => {
  const raw = randomBytes(32);

  it('accepts exactly 32 bytes as Buffer, Uint8Array, hex, base64 or base64url', () => {
    for (const form of [raw, new Uint8Array(raw), raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')]) {
      expect(decodeEncryptionKey(form)).toEqual(raw);
    }
  });

  it('refuses anything else', () => {
    for (const bad of [randomBytes(31), randomBytes(33), 'x'.repeat(32), raw.toString('hex').slice(2), '', undefined, 42, {}]) {
      expect(decodeEncryptionKey(bad)).toBeUndefined();
    }
  });
});
