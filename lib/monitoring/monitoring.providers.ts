import type { Provider } from '@nestjs/common';
import { RESOLVED_SESSION_OPTIONS, SESSION_BACKEND } from '../session.internal-constants.js';
import { SECURITY_ACTIVITY_STORE } from './monitoring.internal-constants.js';
import { createSecurityActivityStore } from './security-activity-store.factory.js';
import { SecurityActivity } from './security-activity.service.js';
import { SessionMonitor } from './session-monitor.js';

/** Monitoring's providers; each does nothing when the `monitoring` option is absent. */
export const monitoringProviders: Provider[] = [
  { provide: SECURITY_ACTIVITY_STORE, inject: [RESOLVED_SESSION_OPTIONS, SESSION_BACKEND], useFactory: createSecurityActivityStore },
  SessionMonitor,
  SecurityActivity,
];
