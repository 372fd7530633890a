import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { withTimeout } from '../store/store-timeout.js';
import { placeOf, type Place } from './geo-location.js';
import { SECURITY_ACTIVITY_STORE } from './monitoring.internal-constants.js';
import type { SecurityActivityEntry, SecurityActivityStore } from './security-activity.store.js';
import { SessionMonitor } from './session-monitor.js';

/**
 * What apps read of monitoring: a user's security activity log (for a "Security activity"
 * page, notifications, support) and the place of an IP (for device lists). Needs the
 * `monitoring` option; without it `list` throws.
 */
@Injectable()
export class SecurityActivity {
  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly monitor: SessionMonitor,
    @Optional() @Inject(SECURITY_ACTIVITY_STORE) private readonly store?: SecurityActivityStore,
  ) {}

  /** True when the `monitoring` option is set. */
  get enabled(): boolean {
    return this.store !== undefined;
  }

  /** The user's newest entries first, at most `limit` (and at most `activityLog.maxEntries`). */
  async list(userId: string, limit = 50): Promise<SecurityActivityEntry[]> {
    if (!this.store) throw new Error('SecurityActivity: set the monitoring option of SessionModule to keep an activity log.');
    if (typeof userId !== 'string' || userId.length === 0) throw new TypeError('SecurityActivity.list: userId must be a non-empty string');
    const max = Math.max(1, Math.min(Math.floor(limit) || 1, this.options.monitoring!.activityLog.maxEntries));
    return withTimeout(this.store.list(userId, max, Date.now()), this.options.storeTimeout, 'listActivity');
  }

  /** Where an IP is, as the configured resolver says (null without one, or for private addresses). */
  async locate(ip: string | undefined): Promise<Place | null> {
    return placeOf(await this.monitor.locations.remembered(ip));
  }
}
