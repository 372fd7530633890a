import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSessionOptions } from './resolve-session-options.js';
import { SessionOptionsError } from '../errors/session-options.error.js';
import type { SessionModuleOptions } from './session-module-options.interface.js';

const RUNS = 10_000;

/** Anything a config file, an env parser or a typo could hand over. */
const odd = fc.oneof(
  fc.anything({
    maxDepth: 2,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
  }),
  fc.constant(Symbol('option')),
  fc.constant(() => undefined),
  fc.constant(Object.create(null) as object),
  fc.constant({ toString: () => { throw new Error('toString'); } }),
  fc.constant({ toJSON: () => { throw new Error('toJSON'); } }),
  fc.constant(Object.assign([] as unknown[], { length: 3 })),
);

/** `valid` most of the time, so resolution gets past the first check to the later ones. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: odd });

const SECRET = 'x'.repeat(32);
const ms = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), fc.double(), fc.constant(1_000));
const fn = async () => null;
const secretStore = { find: fn, save: fn, remove: fn };
const stateStore = { beginAttempt: fn, clearAttempts: fn, consumeTimeStep: fn, acquireLock: fn, releaseLock: fn };
const sessionIndex = { put: fn, replace: fn, list: fn, get: fn, remove: fn, close: fn };
const keyText = fc.constantFrom('a'.repeat(64), 'A'.repeat(43), 'short');

const options = fc.record(
  {
    secret: mostly(fc.oneof(fc.constant(SECRET), fc.array(fc.oneof(fc.constant(SECRET), odd), { maxLength: 3 }), fc.string())),
    production: mostly(fc.boolean()),
    allowInsecureHttp: mostly(fc.boolean()),
    cookie: mostly(fc.record({ name: mostly(fc.constantFrom('sid', '__Host-sid', 'bad name')), sameSite: mostly(fc.constantFrom('lax', 'strict', 'none')) }, { requiredKeys: [] })),
    idleTimeout: mostly(ms),
    absoluteTimeout: mostly(ms),
    rotateInterval: mostly(ms),
    rotateGracePeriod: mostly(ms),
    storeTimeout: mostly(ms),
    binding: mostly(
      fc.record(
        { userAgent: mostly(fc.constantFrom('off', 'warn', 'strict')), ip: mostly(fc.constantFrom('off', 'warn', 'strict')), ipMatch: mostly(fc.constantFrom('prefix', 'exact')) },
        { requiredKeys: [] },
      ),
    ),
    idHashSecret: mostly(fc.constantFrom(SECRET, '', 'short')),
    store: mostly(
      fc.oneof(
        fc.record({ memory: mostly(fc.record({ maxSessions: mostly(fc.integer()) }, { requiredKeys: [] })) }),
        fc.record({ redis: mostly(fc.record({ url: mostly(fc.constant('redis://127.0.0.1:1')), client: odd, cluster: odd, sentinel: odd }, { requiredKeys: [] })) }),
        fc.constant({ get: fn, set: fn, destroy: fn, close: fn }),
      ),
    ),
    mfa: mostly(
      fc.record(
        {
          secretStore: mostly(fc.constant(secretStore)),
          stateStore: mostly(fc.constant(stateStore)),
          issuer: mostly(fc.string()),
          pastSteps: mostly(fc.integer({ min: -1, max: 3 })),
          maxAttempts: mostly(fc.integer({ min: 0, max: 101 })),
          lockoutDuration: mostly(ms),
          maxLockoutDuration: mostly(ms),
          stepUpMaxAge: mostly(ms),
          encryptionKeys: mostly(fc.array(mostly(fc.record({ id: mostly(fc.constantFrom('k1', 'k2', 'bad id')), key: mostly(keyText) })), { maxLength: 3 })),
        },
        { requiredKeys: ['secretStore'] },
      ),
    ),
    onEvent: mostly(fc.constant(() => undefined)),
    maxSessionsPerUser: mostly(fc.integer()),
    sessionLimitPolicy: mostly(fc.constantFrom('evict-oldest', 'reject')),
    sessionIndex: mostly(fc.constantFrom(sessionIndex, false)),
  },
  { requiredKeys: [] },
);

describe('resolveSessionOptions (property-based)', () => {
  it('turns any options into resolved options of the declared types, or throws SessionOptionsError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 9, arbitrary: options }, { weight: 1, arbitrary: odd }), (given) => {
        let resolved;
        try {
          resolved = resolveSessionOptions(given as SessionModuleOptions, { warn: () => undefined });
        } catch (err) {
          if (!(err instanceof SessionOptionsError)) throw err;
          expect(err.message).toMatch(/^SessionModule: /);
          return;
        }
        expect(typeof resolved.production).toBe('boolean');
        expect(typeof resolved.cookie.name).toBe('string');
        expect(['lax', 'strict', 'none']).toContain(resolved.cookie.sameSite);
        expect(resolved.secrets.every((s) => typeof s === 'string' && s.length > 0)).toBe(true);
        for (const value of [resolved.idleTimeout, resolved.absoluteTimeout, resolved.rotateInterval, resolved.rotateGracePeriod, resolved.storeTimeout]) {
          expect(Number.isSafeInteger(value)).toBe(true);
        }
        if (resolved.mfa) {
          expect(typeof resolved.mfa.issuer).toBe('string');
          expect(resolved.mfa.issuer.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
