import { createHmac } from 'node:crypto';

/**
 * The WebAuthn user handle of a user: an HMAC of the user ID (32 bytes), so authenticators never
 * hold the app's user ID or anything personal, and one user gets the same handle on every passkey.
 * It is stored with each credential, so a change of `key` later changes nothing for existing ones.
 */
export function userHandleFor(userId: string, key: string): Uint8Array<ArrayBuffer> {
  const digest = createHmac('sha256', key).update(`nest-secure-session passkey user\0${userId}`).digest();
  return new Uint8Array(digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength)) as Uint8Array<ArrayBuffer>;
}
