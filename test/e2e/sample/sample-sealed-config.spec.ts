import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readSampleConfig, SampleConfigError } from '../../../sample/config/sample.config.js';
import { sessionOptionsFor } from '../../../sample/config/session-options.js';
import type { MfaSecretStore } from '../../../lib/index.js';

const KEY = randomBytes(32).toString('base64url');
const OLD = randomBytes(32).toString('base64url');
const secretStore = {} as MfaSecretStore;

/** The keys of a SESSION_STORE=cookie configuration. */
function keysOf(store: unknown): Array<{ id: string; key: Buffer }> {
  return (store as { keys: Array<{ id: string; key: Buffer }> }).keys;
}

describe('sample configuration: SESSION_STORE=cookie', () => {
  it('reads SESSION_COOKIE_KEY (comma-separated, the first seals) with ids derived from the keys', () => {
    const config = readSampleConfig({ SESSION_STORE: 'cookie', SESSION_COOKIE_KEY: `${KEY},${OLD}` });
    expect(config.store).toMatchObject({ kind: 'cookie', keyGenerated: false, redisUrl: undefined });
    const again = readSampleConfig({ SESSION_STORE: 'cookie', SESSION_COOKIE_KEY: KEY });
    const keys = keysOf(config.store);
    expect(keys.map((k) => k.key.toString('base64url'))).toEqual([KEY, OLD]);
    expect(keys[0]!.id).toBe(keysOf(again.store)[0]!.id);
    expect(keys[0]!.id).not.toBe(keys[1]!.id);
  });

  it('makes a key per start without SESSION_COOKIE_KEY, refuses that in production, and refuses bad keys', () => {
    expect(readSampleConfig({ SESSION_STORE: 'cookie' }).store).toMatchObject({ kind: 'cookie', keyGenerated: true });
    expect(() => readSampleConfig({ SESSION_STORE: 'cookie', NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(32) })).toThrow(
      /SESSION_COOKIE_KEY/,
    );
    for (const bad of ['short', `${KEY},`, `${KEY}=`, 'x'.repeat(43) + '!', '\u0000'.repeat(43)]) {
      expect(() => readSampleConfig({ SESSION_STORE: 'cookie', SESSION_COOKIE_KEY: bad })).toThrow(SampleConfigError);
    }
  });

  it('puts the deny list in Redis with REDIS_URL and leaves tokens out (they need the session index)', () => {
    const inRedis = readSampleConfig({ SESSION_STORE: 'cookie', SESSION_COOKIE_KEY: KEY, REDIS_URL: 'redis://127.0.0.1:6379' });
    const options = sessionOptionsFor(inRedis, secretStore);
    expect(options.store).toMatchObject({ cookie: { denyList: { redis: { url: 'redis://127.0.0.1:6379' } } } });
    expect(options.tokens).toBeUndefined();
    const inMemory = sessionOptionsFor(readSampleConfig({ SESSION_STORE: 'cookie', SESSION_COOKIE_KEY: KEY }), secretStore);
    expect(inMemory.store).toMatchObject({ cookie: { denyList: { memory: {} } } });
  });
});
