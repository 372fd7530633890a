import { describe, expect, it } from 'vitest';
import { impossibleTravel, locationJump, minimumTravelKm, newDevice } from './anomaly-rules.js';

const LONDON = { country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931, accuracyRadiusKm: 10 };
const BOXFORD = { country: 'GB', city: 'Boxford', lat: 51.75, lon: -1.25, accuracyRadiusKm: 100 };
const CHANGCHUN = { country: 'CN', city: 'Changchun', lat: 43.88, lon: 125.3228, accuracyRadiusKm: 100 };
const COUNTRY_ONLY_FAR = { country: 'BT', lat: 27.5, lon: 90.5, accuracyRadiusKm: 534 };
const options = {
  locationJump: { action: 'report' as const, maxDistanceKm: 1000 },
  impossibleTravel: { action: 'step-up' as const, maxSpeedKmh: 1000 },
  newDevice: { action: 'end' as const, window: 30 * 86_400_000 },
};
const HOUR = 3_600_000;

describe('anomaly rules', () => {
  it('subtracts both accuracy radii; overlapping circles are the same place', () => {
    expect(minimumTravelKm(LONDON, BOXFORD)).toEqual({ distanceKm: expect.closeTo(84, 0), travelledKm: 0 });
    expect(minimumTravelKm(LONDON, undefined)).toBeUndefined();
    expect(minimumTravelKm(LONDON, { country: 'GB' })).toBeUndefined();
  });

  it('location jump: beyond maxDistanceKm after the radii, with the rule\'s action', () => {
    expect(locationJump(LONDON, BOXFORD, 'session', options)).toBeUndefined();
    expect(locationJump(LONDON, CHANGCHUN, 'session', options)).toMatchObject({ type: 'anomaly.location_jump', action: 'report', code: 'substantial_travel_in_session' });
    expect(locationJump(LONDON, CHANGCHUN, 'login', options)?.code).toBe('substantial_travel_from_last_login');
    expect(locationJump(undefined, CHANGCHUN, 'login', options)).toBeUndefined();
    // A country centre 534 km off still leaves thousands of km: a jump.
    expect(locationJump(LONDON, COUNTRY_ONLY_FAR, 'session', options)).toBeDefined();
  });

  it('impossible travel: the needed speed against maxSpeedKmh', () => {
    expect(impossibleTravel({ at: 0, location: LONDON }, { at: HOUR, location: CHANGCHUN }, options)).toMatchObject({ action: 'step-up', elapsedMs: HOUR });
    expect(impossibleTravel({ at: 0, location: LONDON }, { at: 10 * HOUR, location: CHANGCHUN }, options)).toBeUndefined();
    expect(impossibleTravel({ at: 0, location: LONDON }, { at: 0, location: BOXFORD }, options)).toBeUndefined();
    expect(impossibleTravel({ at: 5, location: LONDON }, { at: 5, location: CHANGCHUN }, options)?.speedKmh).toBeGreaterThan(1e9);
    expect(impossibleTravel(undefined, { at: 0, location: CHANGCHUN }, options)).toBeUndefined();
  });

  it('new device: not on a first login, not within the window', () => {
    const now = 100 * 86_400_000;
    expect(newDevice('Firefox on Linux', undefined, false, now, options)).toBeUndefined();
    expect(newDevice(undefined, undefined, true, now, options)).toBeUndefined();
    expect(newDevice('Firefox on Linux', now - 86_400_000, true, now, options)).toBeUndefined();
    expect(newDevice('Firefox on Linux', now - 31 * 86_400_000, true, now, options)).toMatchObject({ action: 'end', code: 'no_match' });
    expect(newDevice('Firefox on Linux', undefined, true, now, options)).toMatchObject({ device: 'Firefox on Linux' });
  });
});
