import type { OptionProblems } from '../options/option-problems.js';
import type { OptionWarnings } from '../options/resolved-session-options.js';
import { SESSION_DEFAULTS } from '../options/session-defaults.js';
import type { AnomalyAction, MonitoringOptions } from '../options/session-module-options.interface.js';
import { optionValueText } from '../util/option-value-text.js';
import type { GeoResolver } from './geo-location.js';
import type { RiskAssessor } from './risk-assessment.js';
import type { SecurityActivityStore } from './security-activity.store.js';

/** `monitoring` after validation and defaulting. */
export interface ResolvedMonitoringOptions {
  geo: GeoResolver | undefined;
  locationJump: { action: AnomalyAction; maxDistanceKm: number };
  impossibleTravel: { action: AnomalyAction; maxSpeedKmh: number };
  newDevice: { action: AnomalyAction; window: number };
  activityLog: { maxEntries: number; ttl: number; fullIp: boolean };
  assessRisk: RiskAssessor | undefined;
  activityStore: SecurityActivityStore | undefined;
}

const ACTIONS: readonly AnomalyAction[] = ['report', 'step-up', 'end'];
const STORE_METHODS = ['recordLogin', 'restoreLogin', 'append', 'list', 'close'] as const;
const DAY = 24 * 60 * 60_000;

export function resolveMonitoringOptions(
  options: MonitoringOptions | undefined,
  customStore: boolean,
  warnings: OptionWarnings,
  problems: OptionProblems,
): ResolvedMonitoringOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    problems.add(`monitoring must be an object ({ geo, locationJump, ... }), not ${optionValueText(options)}.`);
    return undefined;
  }
  const defaults = SESSION_DEFAULTS.monitoring;
  const geo = options.geo;
  if (geo !== undefined && (typeof geo !== 'object' || geo === null || typeof geo.lookup !== 'function')) {
    problems.add('monitoring.geo must implement GeoResolver (lookup(ip)), e.g. new MaxMindGeoResolver({ path }).');
  }
  const action = (name: 'locationJump' | 'impossibleTravel' | 'newDevice'): AnomalyAction => {
    const value = options[name]?.action ?? defaults[name].action;
    if (ACTIONS.includes(value)) return value;
    problems.add(`monitoring.${name}.action must be 'report', 'step-up' or 'end', not ${optionValueText(value)}.`);
    return defaults[name].action;
  };
  const number = (path: string, value: unknown, fallback: number, min: number, max: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      problems.add(`${path} must be a number from ${min} to ${max}, not ${optionValueText(value)}.`);
      return fallback;
    }
    return value;
  };
  const maxDistanceKm = number('monitoring.locationJump.maxDistanceKm', options.locationJump?.maxDistanceKm, defaults.locationJump.maxDistanceKm, 1, 20_040);
  const maxSpeedKmh = number('monitoring.impossibleTravel.maxSpeedKmh', options.impossibleTravel?.maxSpeedKmh, defaults.impossibleTravel.maxSpeedKmh, 1, 100_000);
  const window = Math.floor(number('monitoring.newDevice.window', options.newDevice?.window, defaults.newDevice.window, 60_000, 365 * DAY));
  const maxEntries = number('monitoring.activityLog.maxEntries', options.activityLog?.maxEntries, defaults.activityLog.maxEntries, 1, 1_000);
  if (!Number.isInteger(maxEntries)) problems.add('monitoring.activityLog.maxEntries must be a whole number.');
  const ttl = Math.floor(number('monitoring.activityLog.ttl', options.activityLog?.ttl, defaults.activityLog.ttl, 60_000, 365 * DAY));
  const fullIp = options.activityLog?.fullIp ?? defaults.activityLog.fullIp;
  if (typeof fullIp !== 'boolean') problems.add(`monitoring.activityLog.fullIp must be true or false, not ${optionValueText(fullIp)}.`);
  else if (fullIp) warnings.warn('monitoring.activityLog.fullIp is on: the security activity log stores whole client IP addresses (personal data).');
  if (options.assessRisk !== undefined && typeof options.assessRisk !== 'function') {
    problems.add('monitoring.assessRisk must be a function (assessment) => action | undefined.');
  }
  const store = options.activityStore as Partial<SecurityActivityStore> | undefined;
  if (store !== undefined && (typeof store !== 'object' || store === null || STORE_METHODS.some((m) => typeof store[m] !== 'function'))) {
    problems.add(`monitoring.activityStore must implement SecurityActivityStore (${STORE_METHODS.join(', ')}).`);
  } else if (store === undefined && customStore) {
    problems.add(
      'monitoring beside a custom store needs monitoring.activityStore (MemorySecurityActivityStore for one process, RedisSecurityActivityStore to share it).',
    );
  }
  return {
    geo: typeof geo?.lookup === 'function' ? geo : undefined,
    locationJump: { action: action('locationJump'), maxDistanceKm },
    impossibleTravel: { action: action('impossibleTravel'), maxSpeedKmh },
    newDevice: { action: action('newDevice'), window },
    activityLog: { maxEntries: Math.floor(maxEntries), ttl, fullIp: fullIp === true },
    assessRisk: typeof options.assessRisk === 'function' ? options.assessRisk : undefined,
    activityStore: options.activityStore,
  };
}
