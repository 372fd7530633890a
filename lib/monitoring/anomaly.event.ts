import type { SessionEventSubject } from '../events/session.event.js';
import type { AnomalyAction } from '../options/session-module-options.interface.js';
import type { Place } from './geo-location.js';

/** The anomaly kinds; `anomaly.risk` is an action the app's own `assessRisk` asked for. */
export type AnomalyType = 'anomaly.location_jump' | 'anomaly.impossible_travel' | 'anomaly.new_device' | 'anomaly.risk';

/**
 * Something unusual about a session or a login (see the `monitoring` option), with the action
 * taken. `code` follows Auth0's assessor vocabulary: `substantial_travel_from_last_login`,
 * `impossible_travel_from_last_login`, `substantial_travel_in_session`, `no_match` (new
 * device), `custom`. Like every event it holds no session ID, cookie or secret.
 */
export interface AnomalyEvent extends SessionEventSubject {
  type: AnomalyType;
  /** Epoch ms. */
  timestamp: number;
  userId: string;
  /** What was done: the strongest of the rule's and `assessRisk`'s actions. */
  action: AnomalyAction;
  /** `session`: between two requests of one session; `login`: between two logins of the user. */
  scope: 'session' | 'login';
  code: string;
  /** Location rules: where the previous request or login was, and where this one is. */
  from?: Place;
  to?: Place;
  /** Great-circle distance between the two points, km (rounded), before subtracting radii. */
  distanceKm?: number;
  /** `city` when both points are city records, else `country` (a coarse point with a large radius). */
  precision?: 'city' | 'country';
  /** impossible_travel: km/h needed (rounded), radii subtracted. */
  speedKmh?: number;
  /** impossible_travel: ms between the two logins. */
  elapsedMs?: number;
  /** new_device: the browser and OS family. */
  device?: string;
}
