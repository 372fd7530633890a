import { Logger } from '@nestjs/common';
import type { SessionEvent } from '../../lib/index.js';

const logger = new Logger('SecurityAudit');

/** Outcomes worth a look: someone may be guessing. */
const WARNINGS = new Set(['failed', 'replay_refused', 'locked', 'refused_locked']);

/**
 * One readable line per security event: what happened, to which account, from where. Events
 * never carry codes, secrets or session IDs; values that a client can influence (the IP, the
 * User-Agent) are quoted so they cannot forge a log line.
 */
export function describeEvent(event: SessionEvent): string {
  const parts: string[] = [];
  switch (event.type) {
    case 'mfa':
      parts.push(`mfa ${event.outcome}`, `user ${JSON.stringify(event.userId)}`, `purpose ${event.purpose}`);
      if (event.method !== undefined) parts.push(`method ${event.method}`);
      if (event.lockedUntil !== undefined) parts.push(`locked until ${new Date(event.lockedUntil).toISOString()}`);
      if (event.recoveryCodesLeft !== undefined) parts.push(`${event.recoveryCodesLeft} recovery codes left`);
      break;
    case 'session.binding_mismatch':
      parts.push(`${event.attribute} changed (${event.policy})`, `user ${JSON.stringify(event.userId)}`);
      parts.push(`expected ${JSON.stringify(event.expected)}`, `got ${JSON.stringify(event.actual)}`);
      break;
    case 'session.rotated':
      parts.push('session id rotated', `user ${JSON.stringify(event.userId)}`);
      break;
    case 'session.replayed':
      parts.push('ended session cookie replayed (refused)', `user ${JSON.stringify(event.userId)}`, `device ${event.handle}`);
      break;
    case 'session.revoked':
      parts.push(`session revoked (${event.reason})`, `user ${JSON.stringify(event.userId)}`, `device ${event.handle}`);
      break;
    case 'login':
      parts.push(`login (mfa ${event.mfa})`, `user ${JSON.stringify(event.userId)}`, `device ${event.handle}`);
      break;
    case 'login_failed':
      parts.push(`login failed (${event.reason})`);
      if (event.username !== undefined) parts.push(`username ${JSON.stringify(event.username)}`);
      if (event.userId !== undefined) parts.push(`user ${JSON.stringify(event.userId)}`);
      break;
    case 'logout':
      parts.push('logout', `user ${JSON.stringify(event.userId)}`, `device ${event.handle}`);
      break;
    case 'anomaly.location_jump':
    case 'anomaly.impossible_travel':
    case 'anomaly.new_device':
    case 'anomaly.risk':
      parts.push(`${event.type} (${event.code}, ${event.action})`, `user ${JSON.stringify(event.userId)}`);
      if (event.from && event.to) parts.push(`from ${JSON.stringify(event.from)}`, `to ${JSON.stringify(event.to)}`);
      if (event.distanceKm !== undefined) parts.push(`${event.distanceKm} km`);
      if (event.speedKmh !== undefined) parts.push(`${event.speedKmh} km/h`);
      if (event.device !== undefined) parts.push(`device ${JSON.stringify(event.device)}`);
      break;
    case 'session.expired':
      parts.push(`session expired (${event.reason})`, `user ${JSON.stringify(event.userId)}`, `device ${event.handle}`);
      break;
  }
  if (event.ip !== undefined) parts.push(`ip ${JSON.stringify(event.ip)}`);
  return parts.join(', ');
}

/** The sample's `onEvent`: a real app would also notify the user (new device, MFA disabled, ...). */
export function logSecurityEvent(event: SessionEvent): void {
  const suspicious =
    (event.type === 'mfa' && WARNINGS.has(event.outcome)) ||
    event.type === 'session.binding_mismatch' ||
    event.type === 'login_failed' ||
    event.type.startsWith('anomaly.');
  if (suspicious) logger.warn(describeEvent(event));
  else logger.log(describeEvent(event));
}

/** A login throttle that starts refusing: once per window and key, not once per refused attempt. */
export function logThrottleStarted(scope: 'account' | 'ip', subject: string, retryAfterSeconds: number): void {
  logger.warn(
    `login throttled: ${scope} ${JSON.stringify(subject)}, failed passwords refused for ${retryAfterSeconds} s`,
  );
}
