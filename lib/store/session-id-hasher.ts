import { createHmac, hkdfSync } from 'node:crypto';
import { BoundedMemo } from '../util/bounded-memo.js';

/** 22 base64url characters: the first 132 bits of the HMAC. */
const STORAGE_KEY_LENGTH = 22;

/** Storage keys remembered per ID: enough for every session that is active at once on an instance. */
const KEY_MEMO_SIZE = 10_000;

/**
 * Turns a session ID into its storage key: HMAC-SHA-256 under a key derived from the
 * `idHashSecret` option, so a Redis dump, a replica or a MONITOR log never shows a usable
 * cookie value, and lookups stay one O(1) key access. The key does not depend on the
 * cookie-signing secrets, which can therefore rotate without moving any record.
 */
export class SessionIdHasher {
  private readonly key: Buffer;
  /** A hot session's requests skip the HMAC: the key is a pure function of the ID and the secret. */
  private readonly keys = new BoundedMemo<string, string>(KEY_MEMO_SIZE);

  constructor(idHashSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', idHashSecret, 'nest-secure-session', 'session-id-key', 32));
  }

  /**
   * The first 132 bits of the HMAC, base64url (22 characters): unguessable, and collision-free
   * for any number of sessions a store will ever hold (a collision is expected after ~2^66). The
   * full 256 bits would add 21 bytes to every key, and to every Redis allocation holding one.
   * (Cutting the base64url text is cheaper than cutting the digest Buffer.)
   */
  storageKey(sessionId: string): string {
    let key = this.keys.get(sessionId);
    if (key === undefined) {
      key = createHmac('sha256', this.key).update(sessionId).digest('base64url').slice(0, STORAGE_KEY_LENGTH);
      this.keys.set(sessionId, key);
    }
    return key;
  }
}
