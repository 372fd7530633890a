import { describe, expect, it } from 'vitest';
import type { MfaSecretStore } from '../mfa/mfa-secret-store.interface.js';
import { resolveSessionOptions } from './resolve-session-options.js';
import { SessionOptionsError } from '../errors/session-options.error.js';
import type { SessionModuleOptions } from './session-module-options.interface.js';

const SECRET = 'a'.repeat(32);

const secretStore: MfaSecretStore = {
  find: async () => null,
  save: async () => undefined,
  remove: async () => undefined,
};

/** Resolves with the warnings collected, so tests can assert what a loosened option says. */
function resolve(options: Partial<SessionModuleOptions>, production = false) {
  const warnings: string[] = [];
  const resolved = resolveSessionOptions({ secret: SECRET, production, ...options } as SessionModuleOptions, {
    warn: (message) => warnings.push(message),
  });
  return { resolved, warnings };
}

/** The SessionOptionsError thrown for these options (fails the test when none is thrown). */
function failure(options: Partial<SessionModuleOptions>, production = false): SessionOptionsError {
  try {
    resolve(options, production);
  } catch (err) {
    expect(err).toBeInstanceOf(SessionOptionsError);
    return err as SessionOptionsError;
  }
  throw new Error(`expected SessionOptionsError for ${JSON.stringify(options)}`);
}

describe('resolveSessionOptions', () => {
  describe('every problem at once', () => {
    it('two bad options give one error that names both', () => {
      const error = failure({ idleTimeout: 10, cookie: { name: 'my sid' } });
      expect(error.problems).toEqual([
        'idleTimeout must be a number of milliseconds >= 1000, not 10.',
        'cookie.name "my sid" is not a valid cookie name (RFC 6265 token).',
      ]);
      expect(error.message).toBe(
        'SessionModule: 2 problems with the options:\n' +
          '- idleTimeout must be a number of milliseconds >= 1000, not 10.\n' +
          '- cookie.name "my sid" is not a valid cookie name (RFC 6265 token).',
      );
    });

    it('reports store, Redis and MFA problems together', () => {
      const error = failure({
        store: { redis: { cluster: { rootNodes: ['http://x'] }, clientSideCache: {} } },
        mfa: { secretStore, pastSteps: 7 },
        sessionLimitPolicy: 'never' as never,
      });
      expect(error.problems).toHaveLength(4);
      expect(error.message).toMatch(/cluster\.rootNodes entries must be redis:\/\//);
      expect(error.message).toMatch(/clientSideCache works with a single Redis/);
      expect(error.message).toMatch(/mfa\.pastSteps must be 0, 1 or 2/);
      expect(error.message).toMatch(/sessionLimitPolicy must be/);
    });

    it('refuses durations past 2^53 ms, sparse secret lists and store: null (found by the property test)', () => {
      expect(failure({ absoluteTimeout: 2 ** 53 }).message).toMatch(/absoluteTimeout must be a number of milliseconds >= 1000/);
      expect(failure({ secret: [, , ,] as unknown as string[] }).message).toMatch(/secret is missing/);
      expect(failure({ store: null as never }).message).toMatch(/store must be/);
    });

    it('one problem reads as before: one line after the prefix', () => {
      expect(failure({ idleTimeout: 10 }).message).toBe('SessionModule: idleTimeout must be a number of milliseconds >= 1000, not 10.');
    });
  });

  describe('defaults', () => {
    it('are strict: __Host-sid, lax, Secure, 30 min idle, 12 h absolute, no MFA, no warnings', () => {
      const { resolved, warnings } = resolve({});
      expect(resolved.cookie).toEqual({ name: '__Host-sid', sameSite: 'lax', secure: true });
      expect(resolved.idleTimeout).toBe(30 * 60 * 1000);
      expect(resolved.absoluteTimeout).toBe(12 * 60 * 60 * 1000);
      expect(resolved.secrets).toEqual([SECRET]);
      expect(resolved.allowInsecureHttp).toBe(false);
      expect(resolved.mfa).toBeUndefined();
      expect(resolved.store).toBeUndefined();
      expect(warnings).toEqual([]);
    });

    it('write lastSeenAt at most every twentieth of the idle window, so the idle timeout is exact to 5 % however short', () => {
      expect(resolve({}).resolved.activityWriteInterval).toBe(90_000);
      expect(resolve({ idleTimeout: 2_000, absoluteTimeout: 5_000 }).resolved.activityWriteInterval).toBe(100);
    });

    it('fill the MFA options: issuer, window, attempt budget, backoff, step-up age, a derived key (with a warning)', () => {
      const { resolved, warnings } = resolve({ mfa: { secretStore } });
      expect(resolved.mfa).toEqual({
        secretStore,
        issuer: 'nest-secure-session',
        pastSteps: 1,
        maxAttempts: 5,
        lockoutDuration: 30_000,
        maxLockoutDuration: 900_000,
        stepUpMaxAge: 300_000,
        pendingEnrollmentMaxAge: 600_000,
        endOtherSessionsOnChange: true,
        encryptionKeys: [{ id: 'derived', key: expect.any(Buffer) }],
        stateStore: undefined,
      });
      expect(resolved.mfa?.encryptionKeys[0]?.key).toHaveLength(32);
      expect(resolved.onEvent).toBeUndefined();
      expect(warnings).toEqual([expect.stringMatching(/mfa\.encryptionKeys is not set/)]);
    });

    it('MFA changes end the other sessions unless turned off (with a warning); without a session index they cannot', () => {
      const keys = [{ id: 'k1', key: Buffer.alloc(32, 1) }];
      const off = resolve({ mfa: { secretStore, encryptionKeys: keys, endOtherSessionsOnChange: false } });
      expect(off.resolved.mfa?.endOtherSessionsOnChange).toBe(false);
      expect(off.warnings).toEqual([expect.stringMatching(/endOtherSessionsOnChange is false/)]);
      const noIndex = resolve({ sessionIndex: false, mfa: { secretStore, encryptionKeys: keys } });
      expect(noIndex.resolved.mfa?.endOtherSessionsOnChange).toBe(false);
      expect(failure({ sessionIndex: false, mfa: { secretStore, encryptionKeys: keys, endOtherSessionsOnChange: true } }).message).toMatch(
        /endOtherSessionsOnChange needs the session index/,
      );
      expect(failure({ mfa: { secretStore, endOtherSessionsOnChange: 'yes' as unknown as boolean } }).message).toMatch(/true or false/);
    });

    it('a pending enrolment lives 10 minutes; longer warns, under a second is refused', () => {
      const keys = [{ id: 'k1', key: Buffer.alloc(32, 1) }];
      const longer = resolve({ mfa: { secretStore, encryptionKeys: keys, pendingEnrollmentMaxAge: 3_600_000 } });
      expect(longer.resolved.mfa?.pendingEnrollmentMaxAge).toBe(3_600_000);
      expect(longer.warnings).toEqual([expect.stringMatching(/pendingEnrollmentMaxAge.*forgotten enrolment/)]);
      expect(failure({ mfa: { secretStore, pendingEnrollmentMaxAge: 10 } }).message).toMatch(/pendingEnrollmentMaxAge/);
    });

    it('follow NODE_ENV=production when production is not given', () => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        expect(() => resolveSessionOptions({ secret: 'short' }, { warn: () => undefined })).toThrow(
          /at least 32 bytes/,
        );
      } finally {
        process.env.NODE_ENV = previous;
      }
    });
  });

  describe('secret', () => {
    it('is required', () => {
      expect(failure({ secret: undefined as unknown as string }).message).toMatch(/secret is missing/);
      expect(failure({ secret: '' }).message).toMatch(/secret is missing/);
      expect(failure({ secret: [] }).message).toMatch(/secret is missing/);
      expect(failure({ secret: [SECRET, ''] }).message).toMatch(/secret is missing/);
    });

    it('refuses missing options altogether', () => {
      expect(() =>
        resolveSessionOptions(undefined as unknown as SessionModuleOptions, { warn: () => undefined }),
      ).toThrow(/options are required/);
    });

    it('shorter than 32 bytes is refused in production and says how to make one', () => {
      const error = failure({ secret: 'b'.repeat(31) }, true);
      expect(error.message).toMatch(/secret must be at least 32 bytes/);
      expect(error.message).toMatch(/randomBytes\(32\)/);
      expect(error.message.startsWith('SessionModule: ')).toBe(true);
      expect(error.name).toBe('SessionOptionsError');
    });

    it('shorter than 32 bytes is accepted outside production with a warning', () => {
      const { resolved, warnings } = resolve({ secret: 'short' });
      expect(resolved.secrets).toEqual(['short']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/at least 32 bytes.*Accepted outside production only/s);
    });

    it('counts bytes, not characters', () => {
      // 16 two-byte characters = 32 bytes.
      expect(resolve({ secret: 'é'.repeat(16) }, true).resolved.secrets).toHaveLength(1);
    });

    it('may be a list: all are kept in order, each is checked', () => {
      const { resolved } = resolve({ secret: [SECRET, 'c'.repeat(40)] }, true);
      expect(resolved.secrets).toEqual([SECRET, 'c'.repeat(40)]);
      expect(failure({ secret: [SECRET, 'short'] }, true).message).toMatch(/1 of 2 shorter/);
    });
  });

  describe('allowInsecureHttp', () => {
    it('is refused in production', () => {
      expect(failure({ allowInsecureHttp: true }, true).message).toMatch(
        /allowInsecureHttp is for development only; remove it in production/,
      );
    });

    it('is accepted in development with a warning, cookie "sid" and Secure only over HTTPS', () => {
      const { resolved, warnings } = resolve({ allowInsecureHttp: true });
      expect(warnings).toEqual([expect.stringMatching(/allowInsecureHttp is on.*Never use this in production/)]);
      expect(resolved.cookie).toEqual({ name: 'sid', sameSite: 'lax', secure: 'auto' });
      expect(resolved.allowInsecureHttp).toBe(true);
    });

    it('cannot be combined with SameSite=None', () => {
      expect(failure({ allowInsecureHttp: true, cookie: { sameSite: 'none' } }).message).toMatch(
        /sameSite 'none' requires Secure.*allowInsecureHttp/,
      );
    });

    it('cannot be combined with a __Host- or __Secure- cookie name, whatever its case', () => {
      for (const name of ['__Host-sid', '__Secure-sid', '__host-sid', '__SECURE-x']) {
        expect(failure({ allowInsecureHttp: true, cookie: { name } }).message).toMatch(
          /__Host-\/__Secure- prefix.*drop the prefix or allowInsecureHttp/,
        );
      }
    });
  });

  describe('cookie', () => {
    it('sameSite strict is accepted silently; none warns about CSRF', () => {
      expect(resolve({ cookie: { sameSite: 'strict' } })).toMatchObject({
        resolved: { cookie: { sameSite: 'strict' } },
        warnings: [],
      });
      const { resolved, warnings } = resolve({ cookie: { sameSite: 'none' } });
      expect(resolved.cookie.sameSite).toBe('none');
      expect(resolved.cookie.secure).toBe(true);
      expect(warnings).toEqual([expect.stringMatching(/sameSite is 'none'.*CSRF/)]);
    });

    it('sameSite must be one of lax, strict, none', () => {
      expect(failure({ cookie: { sameSite: 'Lax' as 'lax' } }).message).toMatch(
        /cookie\.sameSite must be 'lax', 'strict' or 'none', not "Lax"/,
      );
    });

    it('name must be an RFC 6265 token', () => {
      for (const name of ['', 'a b', 'sid;', 'a=b', 'sé', 'a,b', '"sid"']) {
        expect(failure({ cookie: { name } }).message).toMatch(/cookie\.name .* is not a valid cookie name/);
      }
    });

    it('a valid custom name is kept', () => {
      expect(resolve({ cookie: { name: '__Host-app' } }).resolved.cookie.name).toBe('__Host-app');
    });
  });

  describe('timeouts', () => {
    it('are milliseconds >= 1000', () => {
      for (const bad of [999, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(failure({ idleTimeout: bad }).message).toMatch(/idleTimeout must be a number of milliseconds >= 1000/);
        expect(failure({ absoluteTimeout: bad }).message).toMatch(
          /absoluteTimeout must be a number of milliseconds >= 1000/,
        );
      }
      expect(failure({ idleTimeout: '60000' as unknown as number }).message).toMatch(/idleTimeout must be a number/);
    });

    it('accept the minimum and round down fractions', () => {
      const { resolved } = resolve({ idleTimeout: 1_000, absoluteTimeout: 1_500.9 });
      expect(resolved.idleTimeout).toBe(1_000);
      expect(resolved.absoluteTimeout).toBe(1_500);
    });

    it('idle must not exceed absolute', () => {
      expect(failure({ idleTimeout: 10_000, absoluteTimeout: 5_000 }).message).toMatch(
        /idleTimeout \(10000 ms\) must not exceed absoluteTimeout \(5000 ms\)/,
      );
      // Against the default absolute timeout too.
      expect(failure({ idleTimeout: 13 * 60 * 60 * 1000 }).message).toMatch(/must not exceed absoluteTimeout/);
      expect(resolve({ idleTimeout: 5_000, absoluteTimeout: 5_000 }).resolved.idleTimeout).toBe(5_000);
    });
  });

  describe('mfa', () => {
    it('secretStore must implement find, save and remove', () => {
      const incomplete = [
        undefined,
        {},
        { find: secretStore.find },
        { find: secretStore.find, save: secretStore.save },
        { find: 'x', save: secretStore.save, remove: secretStore.remove },
      ];
      for (const store of incomplete) {
        expect(failure({ mfa: { secretStore: store as unknown as MfaSecretStore } }).message).toMatch(
          /mfa\.secretStore must implement MfaSecretStore \(find, save, remove\)/,
        );
      }
    });

    it('pastSteps is 0, 1 or 2', () => {
      for (const pastSteps of [0, 1, 2]) {
        expect(resolve({ mfa: { secretStore, pastSteps } }).resolved.mfa?.pastSteps).toBe(pastSteps);
      }
      for (const pastSteps of [-1, 3, 1.5]) {
        expect(failure({ mfa: { secretStore, pastSteps } }).message).toMatch(/mfa\.pastSteps must be 0, 1 or 2/);
      }
    });

    it('keeps a custom issuer', () => {
      expect(resolve({ mfa: { secretStore, issuer: 'Acme' } }).resolved.mfa?.issuer).toBe('Acme');
    });

    const KEY = { id: 'k1', key: Buffer.alloc(32, 7) };

    it('encryptionKeys: 32-byte keys as Buffer, hex or base64(url), unique ids; no derived-key warning', () => {
      const keys = [
        KEY,
        { id: 'k2', key: 'ab'.repeat(32) },
        { id: 'k_3', key: Buffer.alloc(32, 9).toString('base64') },
        { id: 'k-4', key: Buffer.alloc(32, 5).toString('base64url') },
      ];
      const { resolved, warnings } = resolve({ mfa: { secretStore, encryptionKeys: keys } });
      expect(resolved.mfa?.encryptionKeys.map((k) => [k.id, k.key.length])).toEqual([
        ['k1', 32],
        ['k2', 32],
        ['k_3', 32],
        ['k-4', 32],
      ]);
      expect(resolved.mfa?.encryptionKeys[1]?.key).toEqual(Buffer.alloc(32, 0xab));
      expect(warnings).toEqual([]);
    });

    it('encryptionKeys: wrong length, bad id, duplicate id or empty list fail with a generator hint', () => {
      const cases: Array<[unknown, RegExp]> = [
        [[], /non-empty list/],
        [[{ id: 'k1', key: Buffer.alloc(16) }], /\("k1"\)\.key must be exactly 32 bytes.*randomBytes\(32\)/],
        [[{ id: 'k1', key: 'too-short' }], /must be exactly 32 bytes/],
        [[{ id: 'k1', key: 'ab'.repeat(33) }], /must be exactly 32 bytes/],
        [[{ id: 'has.dot', key: KEY.key }], /\.id must be 1-32 characters/],
        [[{ id: '', key: KEY.key }], /\.id must be 1-32 characters/],
        [[KEY, { ...KEY }], /id "k1" twice/],
      ];
      for (const [encryptionKeys, message] of cases) {
        expect(failure({ mfa: { secretStore, encryptionKeys: encryptionKeys as never } }).message).toMatch(message);
      }
    });

    it('encryptionKeys are required in production', () => {
      expect(failure({ secret: 'p'.repeat(32), mfa: { secretStore } }, true).message).toMatch(
        /mfa\.encryptionKeys is required in production/,
      );
      expect(resolve({ mfa: { secretStore, encryptionKeys: [KEY] } }, true).resolved.mfa?.encryptionKeys[0]?.id).toBe('k1');
    });

    it('maxAttempts is a whole number from 1 to 100; above 5 it warns', () => {
      expect(resolve({ mfa: { secretStore, encryptionKeys: [KEY], maxAttempts: 3 } }).warnings).toEqual([]);
      const raised = resolve({ mfa: { secretStore, encryptionKeys: [KEY], maxAttempts: 100 } });
      expect(raised.resolved.mfa?.maxAttempts).toBe(100);
      expect(raised.warnings).toEqual([expect.stringMatching(/mfa\.maxAttempts is 100/)]);
      for (const maxAttempts of [0, 101, 2.5, Number.NaN]) {
        expect(failure({ mfa: { secretStore, maxAttempts } }).message).toMatch(/mfa\.maxAttempts must be a whole number from 1 to 100/);
      }
    });

    it('lockout durations are >= 1000 ms, max not below base; shorter than the defaults warns', () => {
      expect(failure({ mfa: { secretStore, lockoutDuration: 999 } }).message).toMatch(/mfa\.lockoutDuration must be .* >= 1000/);
      expect(failure({ mfa: { secretStore, lockoutDuration: 60_000, maxLockoutDuration: 30_000 } }).message).toMatch(
        /mfa\.maxLockoutDuration \(30000 ms\) must not be shorter than mfa\.lockoutDuration/,
      );
      const short = resolve({ mfa: { secretStore, encryptionKeys: [KEY], lockoutDuration: 1_000, maxLockoutDuration: 4_000 } });
      expect(short.resolved.mfa).toMatchObject({ lockoutDuration: 1_000, maxLockoutDuration: 4_000 });
      expect(short.warnings).toEqual([expect.stringMatching(/below its default/)]);
    });

    it('stepUpMaxAge is >= 1000 ms; longer than 5 minutes warns', () => {
      expect(failure({ mfa: { secretStore, stepUpMaxAge: 10 } }).message).toMatch(/mfa\.stepUpMaxAge must be/);
      const long = resolve({ mfa: { secretStore, encryptionKeys: [KEY], stepUpMaxAge: 3_600_000 } });
      expect(long.warnings).toEqual([expect.stringMatching(/mfa\.stepUpMaxAge is 3600000 ms/)]);
    });

    it('stateStore, when given, must implement MfaStateStore', () => {
      expect(failure({ mfa: { secretStore, stateStore: { beginAttempt: () => undefined } as never } }).message).toMatch(
        /mfa\.stateStore must implement MfaStateStore \(beginAttempt, clearAttempts, consumeTimeStep, acquireLock, releaseLock\)/,
      );
    });
  });

  it('onEvent must be a function', () => {
    const onEvent = () => undefined;
    expect(resolve({ onEvent }).resolved.onEvent).toBe(onEvent);
    expect(failure({ onEvent: 'log' as never }).message).toMatch(/onEvent must be a function/);
  });

  describe('store', () => {
    const instance = {
      get: async () => null,
      set: async () => true,
      destroy: async () => undefined,
      close: async () => undefined,
    };

    it('valid shapes pass through untouched', () => {
      for (const store of [
        { redis: { url: 'redis://127.0.0.1:6379', prefix: 'p:' } },
        { redis: { cluster: { rootNodes: ['redis://10.0.0.1:7000'] } } },
        { redis: { sentinel: { sentinels: [{ host: '10.0.0.1', port: 26379 }], name: 'mymaster' } } },
        { memory: {} },
        { memory: { maxSessions: 5 } },
        instance,
        // A store whose fields look like option shapes is still a store.
        { ...instance, redis: { url: 'x' }, memory: {} },
      ]) {
        expect(resolve({ store, sessionIndex: false }).resolved.store).toBe(store);
      }
      expect(resolve({}).resolved.store).toBeUndefined();
    });

    it('memory.maxSessions must be a positive integer', () => {
      expect(failure({ store: { memory: { maxSessions: 0 } } }).message).toMatch(
        /store\.memory\.maxSessions must be a positive integer, not 0/,
      );
    });

    it('redis needs exactly one of url, cluster, sentinel or client', () => {
      expect(failure({ store: { redis: {} } }).message).toMatch(
        /store\.redis needs exactly one of `url`.*`cluster`.*`sentinel`.*or a node-redis `client` \(got none\)/,
      );
      const both = { redis: { url: 'redis://127.0.0.1:6379', cluster: { rootNodes: ['redis://10.0.0.1:7000'] } } };
      expect(failure({ store: both }).message).toMatch(/\(got url, cluster\)/);
      expect(failure({ store: { redis: { url: '' } } }).message).toMatch(/store\.redis\.url must be a redis:\/\/ URL/);
    });

    it('anything else is refused with the accepted shapes named', () => {
      for (const store of [{}, { get: instance.get }, 'redis://x', { mem: {} }]) {
        expect(failure({ store: store as never }).message).toMatch(
          /store must be \{ memory: .*\{ redis: \{ url \| cluster \| sentinel \| client \} \}.*a SessionStore instance \(get, set, destroy, close\)/,
        );
      }
    });
  });
});

describe('lifetime options', () => {
  it('defaults to 30 min idle, 12 h absolute, 15 min rotation, 10 s grace, 1 s store timeout', () => {
    const { resolved, warnings } = resolve({});
    expect(resolved).toMatchObject({
      idleTimeout: 30 * 60_000,
      absoluteTimeout: 12 * 3_600_000,
      rotateInterval: 15 * 60_000,
      rotateGracePeriod: 10_000,
      storeTimeout: 1_000,
      binding: { userAgent: 'strict', ip: 'warn', ipMatch: 'prefix' },
      activityWriteInterval: 90_000,
    });
    expect(warnings).toEqual([]);
  });

  it('writes activity at a twentieth of the idle timeout, however short', () => {
    expect(resolve({ idleTimeout: 1_000 }).resolved.activityWriteInterval).toBe(50);
  });

  it('bounds the rotation grace period to 0..30 s', () => {
    expect(resolve({ rotateGracePeriod: 0 }).resolved.rotateGracePeriod).toBe(0);
    expect(resolve({ rotateGracePeriod: 30_000 }).resolved.rotateGracePeriod).toBe(30_000);
    expect(() => resolve({ rotateGracePeriod: 30_001 })).toThrow(SessionOptionsError);
    expect(() => resolve({ rotateGracePeriod: -1 })).toThrow(/rotateGracePeriod/);
  });

  it('refuses a rotateInterval under a second and a store timeout out of 10 ms..30 s', () => {
    expect(() => resolve({ rotateInterval: 999 })).toThrow(/rotateInterval/);
    expect(() => resolve({ storeTimeout: 5 })).toThrow(/storeTimeout/);
    expect(() => resolve({ storeTimeout: 60_000 })).toThrow(/storeTimeout/);
    expect(() => resolve({ storeTimeout: Number.NaN })).toThrow(/storeTimeout/);
  });

  it('refuses unknown binding policies', () => {
    expect(() => resolve({ binding: { userAgent: 'loose' as never } })).toThrow(/binding.userAgent/);
    expect(() => resolve({ binding: { ip: 'maybe' as never } })).toThrow(/binding.ip/);
    expect(() => resolve({ binding: { ipMatch: '/16' as never } })).toThrow(/binding.ipMatch/);
  });

  it('warns when the binding is loosened, not when it is tightened', () => {
    expect(resolve({ binding: { userAgent: 'warn' } }).warnings).toEqual([expect.stringContaining('binding.userAgent')]);
    expect(resolve({ binding: { userAgent: 'off' } }).warnings).toEqual([expect.stringContaining('accepted')]);
    expect(resolve({ binding: { ip: 'off' } }).warnings).toEqual([expect.stringContaining('binding.ip')]);
    expect(resolve({ binding: { ip: 'strict', ipMatch: 'exact' } }).warnings).toEqual([]);
  });

  it('hashes storage keys with the oldest secret unless idHashSecret is set', () => {
    const newer = 'b'.repeat(32);
    expect(resolve({ secret: [newer, SECRET] }).resolved.idHashSecret).toBe(SECRET);
    expect(resolve({ secret: [newer], idHashSecret: SECRET }).resolved.idHashSecret).toBe(SECRET);
  });

  it('holds idHashSecret to the secret length rule', () => {
    expect(() => resolve({ idHashSecret: 'short' }, true)).toThrow(/idHashSecret must be at least 32 bytes/);
    expect(resolve({ idHashSecret: 'short' }).warnings).toEqual([expect.stringContaining('idHashSecret')]);
    expect(() => resolve({ idHashSecret: '' })).toThrow(/idHashSecret/);
  });
});
