import type { AnomalyAction } from '../options/session-module-options.interface.js';
import type { GeoLocation } from './geo-location.js';

/** One anomaly the rules found. */
export interface AnomalyFinding {
  type: 'anomaly.location_jump' | 'anomaly.impossible_travel' | 'anomaly.new_device';
  action: AnomalyAction;
  code: string;
  from?: GeoLocation;
  to?: GeoLocation;
  distanceKm?: number;
  speedKmh?: number;
  elapsedMs?: number;
  device?: string;
}

/** What `assessRisk` is given: the context of a login or of a session's new address. */
export interface RiskAssessment {
  kind: 'login' | 'location_change';
  userId: string;
  /** The client IP as the request has it (whole: the hook runs in the app, nothing is stored). */
  ip: string | undefined;
  userAgent: string | undefined;
  location: GeoLocation | undefined;
  /** Where the session's previous request, or the user's previous login, was. */
  previous?: { location: GeoLocation | undefined; at: number };
  /** `Firefox on Android`-style family, when the User-Agent names one. */
  device: string | undefined;
  /** What the module's rules found (their actions already decided). */
  findings: readonly AnomalyFinding[];
}

/** Returns an action to take (`undefined` or `report` = nothing more than the rules'). May be async. */
export type RiskAssessor = (assessment: RiskAssessment) => AnomalyAction | undefined | Promise<AnomalyAction | undefined>;

const STRENGTH: Readonly<Record<AnomalyAction, number>> = { report: 0, 'step-up': 1, end: 2 };

export function strongest(actions: Iterable<AnomalyAction | undefined>): AnomalyAction | undefined {
  let best: AnomalyAction | undefined;
  for (const action of actions) {
    if (action && (best === undefined || STRENGTH[action] > STRENGTH[best])) best = action;
  }
  return best;
}

export function isStronger(a: AnomalyAction | undefined, b: AnomalyAction | undefined): boolean {
  return a !== undefined && (b === undefined || STRENGTH[a] > STRENGTH[b]);
}
