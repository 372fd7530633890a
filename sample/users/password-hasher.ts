import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';

/** A password as stored: scrypt output and its salt, never the password itself. */
export interface PasswordHash {
  salt: Buffer;
  hash: Buffer;
}

const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function derive(password: BinaryLike, salt: Buffer): Promise<Buffer> {
  // node:crypto's scrypt defaults (N=16384, r=8, p=1): OWASP's minimum for scrypt is N=2^17 for
  // production; a demo keeps start-up fast.
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  return { salt, hash: await derive(password, salt) };
}

/** Compares in constant time; always costs one scrypt. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const candidate = await derive(password, stored.salt);
  return timingSafeEqual(candidate, stored.hash);
}
