import { createHash, randomBytes } from 'node:crypto';
import type { SealedCookieKey } from '../../lib/index.js';

/** SESSION_STORE=cookie: sessions sealed in their cookies (docs/sealed-cookies.md). */
export interface SampleCookieStoreConfig {
  kind: 'cookie';
  /** From SESSION_COOKIE_KEY (comma-separated, first seals), or one made for this start. */
  keys: SealedCookieKey[];
  /** True when SESSION_COOKIE_KEY was unset: cookies die with the process. */
  keyGenerated: boolean;
  /** REDIS_URL: the deny list of ended sessions in Redis (shared by instances); unset: in memory. */
  redisUrl: string | undefined;
  prefix?: string;
}

/** A bad SESSION_COOKIE_KEY (the sample exits with the message). */
export type CookieKeyProblem = string;

/**
 * Reads SESSION_COOKIE_KEY: base64url keys of 32 bytes, comma-separated for rotation (the first
 * seals, all open). Each key's id is derived from the key itself (a hash prefix), so instances
 * and restarts agree on it without another variable.
 */
export function readCookieStore(
  keyList: string | undefined,
  redisUrl: string | undefined,
  production: boolean,
): SampleCookieStoreConfig | CookieKeyProblem {
  const hint = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;
  if (keyList === undefined || keyList.trim() === '') {
    if (production) return `SESSION_STORE=cookie needs SESSION_COOKIE_KEY when NODE_ENV=production; ${hint}`;
    return { kind: 'cookie', keys: [keyFrom(randomBytes(32))], keyGenerated: true, redisUrl };
  }
  const keys: SealedCookieKey[] = [];
  for (const text of keyList.split(',').map((s) => s.trim())) {
    const bytes = /^[A-Za-z0-9_-]{43}$/.test(text) ? Buffer.from(text, 'base64url') : undefined;
    if (bytes?.length !== 32) return `SESSION_COOKIE_KEY entries must be 32 bytes in base64url (43 characters); ${hint}`;
    keys.push(keyFrom(bytes));
  }
  return { kind: 'cookie', keys, keyGenerated: false, redisUrl };
}

function keyFrom(bytes: Buffer): SealedCookieKey {
  return { id: createHash('sha256').update(bytes).digest('base64url').slice(0, 8), key: bytes };
}
