import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Turns a session ID into its storage key: HMAC-SHA-256 under a key derived from the
 * `idHashSecret` option, so a Redis dump, a replica or a MONITOR log never shows a usable
 * cookie value, and lookups stay one O(1) key access. The key does not depend on the
 * cookie-signing secrets, which can therefore rotate without moving any record.
 */
export class SessionIdHasher {
  private readonly key: Buffer;

  constructor(idHashSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', idHashSecret, 'nest-secure-session', 'session-id-key', 32));
  }

  storageKey(sessionId: string): string {
    return createHmac('sha256', this.key).update(sessionId).digest('base64url');
  }
}
