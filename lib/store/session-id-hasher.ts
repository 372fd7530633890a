import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Turns a session ID into its storage key: HMAC-SHA-256 under a key derived from the oldest
 * secret, so a Redis dump, a replica or a MONITOR log never shows a usable cookie value.
 * Deriving from the last (oldest) secret keeps keys stable while new secrets are added in front.
 */
export class SessionIdHasher {
  private readonly key: Buffer;

  constructor(secrets: readonly string[]) {
    const root = secrets[secrets.length - 1]!;
    this.key = Buffer.from(hkdfSync('sha256', root, 'nest-secure-session', 'session-id-key', 32));
  }

  storageKey(sessionId: string): string {
    return createHmac('sha256', this.key).update(sessionId).digest('base64url');
  }
}
