import type { ResolvedMonitoringOptions } from './resolve-monitoring-options.js';
import { hasPoint, type GeoLocation } from './geo-location.js';
import { greatCircleKm } from './great-circle.js';
import type { AnomalyFinding } from './risk-assessment.js';

/** Where and when something happened, as the rules compare it. */
export interface Sighting {
  location?: GeoLocation | undefined;
  at: number;
}

/**
 * Distance between two places once both accuracy radii are subtracted: what the client must at
 * least have travelled. 0 when the circles overlap. Undefined when either place is unknown.
 */
export function minimumTravelKm(a: GeoLocation | undefined, b: GeoLocation | undefined): { distanceKm: number; travelledKm: number } | undefined {
  if (!hasPoint(a) || !hasPoint(b)) return undefined;
  const distanceKm = greatCircleKm(a, b);
  return { distanceKm, travelledKm: Math.max(0, distanceKm - a.accuracyRadiusKm - b.accuracyRadiusKm) };
}

/** `location_jump`: farther apart than `maxDistanceKm`, radii subtracted. */
export function locationJump(
  from: GeoLocation | undefined,
  to: GeoLocation | undefined,
  scope: 'session' | 'login',
  options: Pick<ResolvedMonitoringOptions, 'locationJump'>,
): AnomalyFinding | undefined {
  const travel = minimumTravelKm(from, to);
  if (!travel || travel.travelledKm <= options.locationJump.maxDistanceKm) return undefined;
  return {
    type: 'anomaly.location_jump',
    action: options.locationJump.action,
    code: scope === 'login' ? 'substantial_travel_from_last_login' : 'substantial_travel_in_session',
    from,
    to,
    distanceKm: travel.distanceKm,
  };
}

/**
 * `impossible_travel`: the speed needed between two logins exceeds `maxSpeedKmh`, radii subtracted.
 */
export function impossibleTravel(
  previous: Sighting | undefined,
  current: Sighting,
  options: Pick<ResolvedMonitoringOptions, 'impossibleTravel'>,
): AnomalyFinding | undefined {
  if (!previous) return undefined;
  const travel = minimumTravelKm(previous.location, current.location);
  if (!travel || travel.travelledKm === 0) return undefined;
  const elapsedMs = Math.max(0, current.at - previous.at);
  // Two logins in one millisecond (or a clock that went back) count as one millisecond apart.
  const speedKmh = travel.travelledKm / (Math.max(1, elapsedMs) / 3_600_000);
  if (speedKmh <= options.impossibleTravel.maxSpeedKmh) return undefined;
  return {
    type: 'anomaly.impossible_travel',
    action: options.impossibleTravel.action,
    code: 'impossible_travel_from_last_login',
    from: previous.location,
    to: current.location,
    distanceKm: travel.distanceKm,
    speedKmh,
    elapsedMs,
  };
}

/** `new_device`: a known user logs in from a family not seen within the window (the first login raises nothing). */
export function newDevice(
  device: string | undefined,
  lastSeen: number | undefined,
  hadLoggedInBefore: boolean,
  now: number,
  options: Pick<ResolvedMonitoringOptions, 'newDevice'>,
): AnomalyFinding | undefined {
  if (!device || !hadLoggedInBefore) return undefined;
  if (lastSeen !== undefined && now - lastSeen <= options.newDevice.window) return undefined;
  return { type: 'anomaly.new_device', action: options.newDevice.action, code: 'no_match', device };
}
