import { describe, expect, it } from 'vitest';
import { SessionOptionsError } from '../errors/session-options.error.js';
import { resolveSessionOptions } from '../options/resolve-session-options.js';
import type { SessionModuleOptions } from '../options/session-module-options.interface.js';
import { MemorySecurityActivityStore } from './memory-security-activity.store.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes-long';

function resolve(monitoring: unknown, extra: Partial<SessionModuleOptions> = {}) {
  const warnings: string[] = [];
  const options = resolveSessionOptions({ secret: SECRET, monitoring, ...extra } as SessionModuleOptions, { warn: (w) => warnings.push(w) });
  return { monitoring: options.monitoring, warnings };
}

function problems(monitoring: unknown, extra: Partial<SessionModuleOptions> = {}): string[] {
  try {
    resolve(monitoring, extra);
  } catch (err) {
    if (err instanceof SessionOptionsError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('monitoring options', () => {
  it('are off unless given', () => {
    expect(resolve(undefined).monitoring).toBeUndefined();
  });

  it('`{}` takes the documented defaults', () => {
    expect(resolve({}).monitoring).toEqual({
      geo: undefined,
      locationJump: { action: 'report', maxDistanceKm: 1000 },
      impossibleTravel: { action: 'report', maxSpeedKmh: 1000 },
      newDevice: { action: 'report', window: 30 * 24 * 3_600_000 },
      activityLog: { maxEntries: 50, ttl: 30 * 24 * 3_600_000, fullIp: false },
      assessRisk: undefined,
      activityStore: undefined,
    });
  });

  it('full IPs are allowed with a warning', () => {
    const { monitoring, warnings } = resolve({ activityLog: { fullIp: true } });
    expect(monitoring?.activityLog.fullIp).toBe(true);
    expect(warnings.join('\n')).toMatch(/fullIp/);
  });

  it('collects every malformed value into one error', () => {
    const found = problems({
      geo: { lookup: 'nope' },
      locationJump: { action: 'block', maxDistanceKm: -1 },
      impossibleTravel: { action: '__proto__', maxSpeedKmh: Number.NaN },
      newDevice: { window: 5 },
      activityLog: { maxEntries: 1.5, ttl: '30d', fullIp: 'yes' },
      assessRisk: 42,
      activityStore: { list: () => [] },
    });
    for (const name of [
      'monitoring.geo',
      'monitoring.locationJump.action',
      'monitoring.locationJump.maxDistanceKm',
      'monitoring.impossibleTravel.action',
      'monitoring.impossibleTravel.maxSpeedKmh',
      'monitoring.newDevice.window',
      'monitoring.activityLog.maxEntries',
      'monitoring.activityLog.ttl',
      'monitoring.activityLog.fullIp',
      'monitoring.assessRisk',
      'monitoring.activityStore',
    ]) {
      expect(found.some((problem) => problem.startsWith(name)), name).toBe(true);
    }
  });

  it('refuses a non-object', () => {
    expect(problems('on')[0]).toMatch(/^monitoring must be an object/);
    expect(problems(null)[0]).toMatch(/^monitoring must be an object/);
  });

  it('beside a custom store needs an activity store', () => {
    const store = { get: async () => null, set: async () => undefined, destroy: async () => undefined, close: async () => undefined };
    const extra = { store, sessionIndex: false as const } as unknown as Partial<SessionModuleOptions>;
    expect(problems({}, extra).some((p) => p.includes('monitoring.activityStore'))).toBe(true);
    expect(problems({ activityStore: new MemorySecurityActivityStore() }, extra)).toEqual([]);
  });
});
