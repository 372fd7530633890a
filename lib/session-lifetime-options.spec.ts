import { describe, expect, it } from 'vitest';
import { SessionOptionsError } from './errors/session-options.error.js';
import { resolveSessionOptions } from './options/resolve-session-options.js';
import type { SessionModuleOptions } from './options/session-module-options.interface.js';

const SECRET = 'a'.repeat(32);

function resolve(options: Partial<SessionModuleOptions>, production = false) {
  const warnings: string[] = [];
  const resolved = resolveSessionOptions({ secret: SECRET, production, ...options }, { warn: (m) => warnings.push(m) });
  return { resolved, warnings };
}

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
