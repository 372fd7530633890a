import type { SessionBackend } from '../backend/session-backend.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import type { SecurityActivityStore } from './security-activity.store.js';

/**
 * The activity log: the app's, or the one beside the sessions (like the session index; the
 * resolver requires the app's beside its own store). Undefined when monitoring is off.
 */
export function createSecurityActivityStore(options: ResolvedSessionOptions, backend: SessionBackend): SecurityActivityStore | undefined {
  const monitoring = options.monitoring;
  if (!monitoring) return undefined;
  return monitoring.activityStore ?? backend.securityActivity();
}
