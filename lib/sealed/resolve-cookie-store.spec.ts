import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionOptionsError } from '../errors/session-options.error.js';
import type { MfaSecretStore } from '../mfa/mfa-secret-store.interface.js';
import { resolveSessionOptions } from '../options/resolve-session-options.js';
import type { SessionModuleOptions } from '../options/session-module-options.interface.js';

const SECRET = 'a'.repeat(32);
const KEY = randomBytes(32);
const secretStore: MfaSecretStore = { find: async () => null, save: async () => undefined, remove: async () => undefined };

function resolve(options: Partial<SessionModuleOptions>) {
  return resolveSessionOptions({ secret: SECRET, ...options } as SessionModuleOptions, { warn: () => undefined });
}

function problems(options: Partial<SessionModuleOptions>): readonly string[] {
  try {
    resolve(options);
  } catch (err) {
    expect(err).toBeInstanceOf(SessionOptionsError);
    return (err as SessionOptionsError).problems;
  }
  throw new Error('expected a SessionOptionsError');
}

describe('store: { cookie } options', () => {
  it('decodes base64url keys to 32-byte Buffers and keeps their order', () => {
    const resolved = resolve({ store: { cookie: { keys: [{ id: 'new', key: KEY.toString('base64url') }, { id: 'old', key: randomBytes(32) }] } } });
    const store = resolved.store as { cookie: { keys: { id: string; key: Buffer }[] } };
    expect(store.cookie.keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(store.cookie.keys[0]!.key.equals(KEY)).toBe(true);
  });

  it('names every bad key at once', () => {
    const found = problems({
      store: { cookie: { keys: [{ id: 'a', key: randomBytes(16) }, { id: 'a', key: KEY }, { id: 'bad id', key: KEY }] } },
    });
    expect(found).toEqual([
      expect.stringMatching(/keys\[0\]\.key must be 32 bytes/),
      "store.cookie.keys: the id 'a' is listed twice.",
      expect.stringMatching(/keys\[2\]\.id must be/),
    ]);
    expect(problems({ store: { cookie: { keys: [] } } })).toEqual([expect.stringMatching(/non-empty list/)]);
    expect(problems({ store: { cookie: { keys: [{ id: 'k', key: KEY }], denyList: { disk: {} } } } as never })).toEqual([
      expect.stringMatching(/denyList must be/),
    ]);
  });

  it('refuses, at start-up and all in one error, every option that needs the per-user session index', () => {
    const found = problems({
      store: { cookie: { keys: [{ id: 'k', key: KEY }] } },
      sessionIndex: { put: async () => undefined } as never,
      maxSessionsPerUser: 5,
      tokens: {} as never,
      mfa: { secretStore, endOtherSessionsOnChange: true },
    });
    for (const option of ['sessionIndex', 'maxSessionsPerUser', 'tokens', 'mfa.endOtherSessionsOnChange']) {
      expect(found.some((p) => p.startsWith(option) && p.includes('no server-side list'))).toBe(true);
    }
  });

  it('turns mfa.endOtherSessionsOnChange off by default (there are no other sessions to find)', () => {
    const resolved = resolve({ store: { cookie: { keys: [{ id: 'k', key: KEY }] } }, mfa: { secretStore } });
    expect(resolved.mfa?.endOtherSessionsOnChange).toBe(false);
  });
});
