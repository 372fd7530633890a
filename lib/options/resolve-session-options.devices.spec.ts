import { describe, expect, it, vi } from 'vitest';
import { resolveSessionOptions } from './resolve-session-options.js';
import { SessionOptionsError } from '../errors/session-options.error.js';
import type { SessionModuleOptions } from './session-module-options.interface.js';
import { MemorySessionIndex } from '../devices/memory-session-index.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes-0123456789';

function resolve(options: Partial<SessionModuleOptions>, warn = vi.fn()) {
  return resolveSessionOptions({ secret: SECRET, ...options }, { warn });
}

describe('device options', () => {
  it('default to at most 100 sessions per user, evicting the oldest', () => {
    const resolved = resolve({});
    expect(resolved.maxSessionsPerUser).toBe(100);
    expect(resolved.sessionLimitPolicy).toBe('evict-oldest');
    expect(resolved.sessionIndex).toBeUndefined();
  });

  it('take a limit, a policy and an index', () => {
    const index = new MemorySessionIndex();
    const resolved = resolve({ maxSessionsPerUser: 3, sessionLimitPolicy: 'reject', sessionIndex: index });
    expect(resolved).toMatchObject({ maxSessionsPerUser: 3, sessionLimitPolicy: 'reject', sessionIndex: index });
    void index.close();
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuse maxSessionsPerUser %s', (max) => {
    expect(() => resolve({ maxSessionsPerUser: max })).toThrow(/maxSessionsPerUser must be a positive integer/);
  });

  it('refuse an unknown policy and an index that is not one', () => {
    expect(() => resolve({ sessionLimitPolicy: 'oldest' as never })).toThrow(SessionOptionsError);
    expect(() => resolve({ sessionLimitPolicy: 'oldest' as never })).toThrow(/'evict-oldest' or 'reject'/);
    expect(() => resolve({ sessionIndex: { put: () => undefined } as never })).toThrow(/sessionIndex must implement SessionIndex/);
  });

  it('warn when the index is switched off', () => {
    const warn = vi.fn();
    expect(resolve({ sessionIndex: false }, warn).sessionIndex).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('sessions cannot be listed or revoked'));
  });
});
