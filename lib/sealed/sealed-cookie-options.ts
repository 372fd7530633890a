import type { RedisStoreOptions } from '../store/redis-session.store.js';

/** One sealing key: 32 random bytes (a Buffer/Uint8Array, or base64url text), named by `id`. */
export interface SealedCookieKey {
  /** Goes into each cookie's JWE header (`kid`), so a cookie finds its key after a rotation. */
  id: string;
  /** 32 bytes: `Buffer`/`Uint8Array`, or their base64url (or base64) text. */
  key: Uint8Array | string;
}

/**
 * `store: { cookie }`: sealed-cookie sessions. The whole session record travels encrypted and
 * authenticated in the cookie (JWE compact, `dir` + `A256GCM`); the server keeps only a deny
 * list of ended session IDs, so logout and revocation refuse a replayed cookie.
 */
export interface SealedCookieStoreOptions {
  /** The first key seals new cookies; every key opens. Remove a key to refuse its cookies. */
  keys: SealedCookieKey[];
  /**
   * Where ended session IDs are kept until their sessions could have died anyway: this
   * process's memory (default; one instance only), or Redis, shared by every instance.
   * @default { memory: {} }
   */
  denyList?: { memory: Record<string, never> } | { redis: RedisStoreOptions };
}

/** A key after validation. */
export interface ResolvedSealedKey {
  id: string;
  key: Buffer;
}

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** True when `store` asks for sealed-cookie sessions. */
export function isCookieStore(store: unknown): store is { cookie: SealedCookieStoreOptions } {
  return typeof store === 'object' && store !== null && 'cookie' in store;
}

/** Every problem with `store.cookie.keys`, or the keys. */
export function resolveSealedKeys(keys: unknown, problems: string[]): ResolvedSealedKey[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    problems.push('store.cookie.keys must be a non-empty list of { id, key } (key: 32 random bytes, the first seals).');
    return [];
  }
  const resolved: ResolvedSealedKey[] = [];
  const ids = new Set<string>();
  keys.forEach((entry: unknown, index) => {
    const { id, key } = (typeof entry === 'object' && entry !== null ? entry : {}) as { id?: unknown; key?: unknown };
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      problems.push(`store.cookie.keys[${index}].id must be 1 to 64 characters of A-Z a-z 0-9 . _ -.`);
      return;
    }
    if (ids.has(id)) problems.push(`store.cookie.keys: the id '${id}' is listed twice.`);
    ids.add(id);
    const bytes = keyBytes(key);
    if (bytes?.length !== KEY_BYTES) {
      problems.push(
        `store.cookie.keys[${index}].key must be ${KEY_BYTES} bytes (a Buffer or base64url text); ` +
          `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`,
      );
      return;
    }
    resolved.push({ id, key: bytes });
  });
  return resolved;
}

function keyBytes(key: unknown): Buffer | undefined {
  if (key instanceof Uint8Array) return Buffer.from(key);
  if (typeof key !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(key)) return undefined;
  return Buffer.from(key, key.includes('+') || key.includes('/') ? 'base64' : 'base64url');
}
