import { summarizeUserAgent } from '../devices/user-agent.js';
import type { SessionEvent } from '../events/session-event-emitter.js';
import { placeOf, type GeoLocation } from './geo-location.js';
import type { SecurityActivityEntry } from './security-activity.store.js';
import { loggedIp } from './truncate-ip.js';

/**
 * The activity-log entry of a security event, or undefined for events the log leaves out (ID
 * rotations and expiries are routine). What a client sent (IP, User-Agent) is stored only in
 * parsed or truncated form: a network, a browser family, never the raw text.
 */
export function activityEntryFor(event: SessionEvent, location: GeoLocation | undefined, fullIp: boolean): SecurityActivityEntry | undefined {
  const detail = detailOf(event);
  if (detail === undefined) return undefined;
  const type = event.type === 'mfa' ? `mfa.${event.outcome}` : event.type;
  const { browser, os } = summarizeUserAgent('userAgent' in event ? event.userAgent : undefined);
  return {
    type,
    at: event.timestamp,
    ip: loggedIp(event.ip, fullIp),
    location: placeOf(location),
    browser: browser ?? null,
    os: os ?? null,
    ...(Object.keys(detail).length > 0 ? { detail } : {}),
  };
}

function detailOf(event: SessionEvent): SecurityActivityEntry['detail'] | undefined {
  switch (event.type) {
    case 'login_failed':
      return { reason: event.reason };
    case 'logout':
      return {};
    case 'mfa':
      return { purpose: event.purpose, ...(event.method ? { method: event.method } : {}) };
    case 'session.revoked':
      return { reason: event.reason };
    case 'passkey.registered':
    case 'passkey.used':
    case 'passkey.failed':
    case 'passkey.removed':
      return { ...('purpose' in event && event.purpose ? { purpose: event.purpose } : {}), ...('reason' in event && event.reason ? { reason: event.reason } : {}) };
    case 'session.binding_mismatch':
      return { attribute: event.attribute, policy: event.policy };
    case 'anomaly.location_jump':
    case 'anomaly.impossible_travel':
    case 'anomaly.new_device':
    case 'anomaly.risk': {
      const detail: NonNullable<SecurityActivityEntry['detail']> = { action: event.action, code: event.code, scope: event.scope };
      if (event.from) detail['from'] = event.from;
      if (event.to) detail['to'] = event.to;
      if (event.distanceKm !== undefined) detail['distanceKm'] = event.distanceKm;
      if (event.speedKmh !== undefined) detail['speedKmh'] = event.speedKmh;
      if (event.device !== undefined) detail['device'] = event.device;
      return detail;
    }
    default:
      return undefined;
  }
}
