import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveSessionOptions } from '../options/resolve-session-options.js';
import { SessionIdHasher } from './session-id-hasher.js';

const SID = 'Zx3kq9VbN2mP7rT1wY5cH8jL4sD6fG0a';
const A = 'secret-a-secret-a-secret-a-secret-a';
const B = 'secret-b-secret-b-secret-b-secret-b';

/** The hasher the module builds from `secret` (and no idHashSecret). */
const moduleHasher = (secret: string[]) =>
  new SessionIdHasher(resolveSessionOptions({ secret }, { warn: () => undefined }).idHashSecret);

describe('SessionIdHasher', () => {
  it('is HMAC-SHA-256 under an HKDF key from the secret, cut to 22 base64url chars (132 bits), never the ID', () => {
    const key = Buffer.from(hkdfSync('sha256', A, 'nest-secure-session', 'session-id-key', 32));
    const expected = createHmac('sha256', key).update(SID).digest('base64url').slice(0, 22);
    const storageKey = new SessionIdHasher(A).storageKey(SID);
    expect(storageKey).toBe(expected);
    expect(storageKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(storageKey).not.toContain(SID);
  });

  it('is deterministic, and different IDs give different keys', () => {
    const hasher = new SessionIdHasher(A);
    expect(hasher.storageKey(SID)).toBe(new SessionIdHasher(A).storageKey(SID));
    expect(hasher.storageKey(SID)).not.toBe(hasher.storageKey(`${SID.slice(0, -1)}b`));
  });

  it('answers a remembered ID with the same key (the memo of hot sessions changes no result)', () => {
    const hasher = new SessionIdHasher(A);
    const ids = Array.from({ length: 30_000 }, (_, i) => `${SID.slice(0, -6)}${String(i).padStart(6, '0')}`);
    const first = ids.map((id) => hasher.storageKey(id));
    const again = ids.map((id) => hasher.storageKey(id));
    expect(again).toEqual(first);
    expect(hasher.storageKey(ids[7]!)).toBe(new SessionIdHasher(A).storageKey(ids[7]!));
  });

  it('depends on the secret: a dump cannot be matched to IDs without it', () => {
    expect(new SessionIdHasher(A).storageKey(SID)).not.toBe(new SessionIdHasher(B).storageKey(SID));
  });

  it('is keyed by the oldest (last) secret by default, so adding a new signing secret in front keeps every key', () => {
    expect(moduleHasher([B, A]).storageKey(SID)).toBe(moduleHasher([A]).storageKey(SID));
    expect(moduleHasher([A, B]).storageKey(SID)).toBe(moduleHasher([B]).storageKey(SID));
  });
});
