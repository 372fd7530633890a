import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { Request } from 'express';
import { deviceFamily, summarizeUserAgent } from '../devices/user-agent.js';
import { describeError } from '../errors/describe-error.js';
import { UnauthenticatedException } from '../errors/session.exceptions.js';
import { SessionEventEmitter, type SessionEvent } from '../events/session-event-emitter.js';
import { SessionIdOperations } from '../http/session-id-operations.js';
import { requestIp } from '../http/request-session-state.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import type { AnomalyAction } from '../options/session-module-options.interface.js';
import { MFA_CLOCK, type MfaClock } from '../session.constants.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import { withTimeout } from '../store/store-timeout.js';
import type { AnomalyEvent } from './anomaly.event.js';
import { impossibleTravel, locationJump, newDevice } from './anomaly-rules.js';
import { hasPoint, placeOf, type GeoLocation } from './geo-location.js';
import { SECURITY_ACTIVITY_STORE } from './monitoring.internal-constants.js';
import type { ResolvedMonitoringOptions } from './resolve-monitoring-options.js';
import { isStronger, strongest, type AnomalyFinding, type RiskAssessment } from './risk-assessment.js';
import { ActivityLocations } from './activity-locations.js';
import { activityEntryFor } from './activity-entry.js';
import type { ActivityLimits, SecurityActivityEntry, SecurityActivityStore } from './security-activity.store.js';
import { compactLocation, type SessionGeoState } from './session-geo-state.js';
import { loggedIp } from './truncate-ip.js';

/**
 * The monitoring side of the request path and of login (internal). On a request it looks up
 * the client's location only when the session's IP changed, and compares it with the last known
 * one (`location_jump`); on a login it records the login in the user's history with one store
 * command and compares it with the previous login (`location_jump`, `impossible_travel`,
 * `new_device`). It also writes every security event of a user into the activity log.
 * Without the `monitoring` option it does nothing at all.
 */
@Injectable()
export class SessionMonitor implements OnApplicationShutdown {
  private readonly logger = new Logger('SessionMonitoring');
  private readonly monitoring: ResolvedMonitoringOptions | undefined;
  readonly locations: ActivityLocations;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly ids: SessionIdOperations,
    private readonly events: SessionEventEmitter,
    @Inject(MFA_CLOCK) private readonly mfaClock: MfaClock,
    @Optional() @Inject(SECURITY_ACTIVITY_STORE) private readonly store?: SecurityActivityStore,
  ) {
    this.monitoring = options.monitoring;
    this.locations = new ActivityLocations(this.monitoring?.geo);
    if (this.monitoring && this.store) this.events.subscribe((event) => this.record(event));
  }

  /**
   * Per request, after the binding checks. Returns a promise only when the session's IP changed
   * and the lookup or the action needs one; a request from the session's last IP costs a string
   * comparison.
   */
  check(req: Request): Promise<void> | undefined {
    const geo = this.monitoring?.geo;
    const meta = req.session?.meta;
    if (!geo || !meta || !req.session.auth) return undefined;
    const ip = requestIp(req) ?? '';
    if (meta.geo?.ip === ip) return undefined;
    const found = this.locations.lookup(ip, req);
    if (found instanceof Promise) return found.then((location) => this.moved(req, ip, location));
    return this.moved(req, ip, found);
  }

  /** After a login (the new session is saved): history, rules, actions. May end the session and throw 401. */
  async afterLogin(req: Request): Promise<void> {
    const monitoring = this.monitoring;
    const session = req.session;
    const auth = session?.auth;
    const meta = session?.meta;
    if (!monitoring || !this.store || !auth || !meta) return;
    const now = Date.now();
    const ip = requestIp(req);
    const location = ip && monitoring.geo ? await this.locations.lookup(ip, req) : undefined;
    if (ip) meta.geo = { ip, at: now, ...(location ? { location: compactLocation(location) } : {}) };
    const summary = summarizeUserAgent(meta.userAgent);
    const device = deviceFamily(summary);
    const entry: SecurityActivityEntry = {
      type: 'login',
      at: now,
      ip: loggedIp(ip, monitoring.activityLog.fullIp),
      location: placeOf(location),
      browser: summary.browser ?? null,
      os: summary.os ?? null,
      detail: { mfa: auth.mfa === 'pending' ? 'required' : 'none' },
    };
    const sighting = { at: now, ...(location && hasPoint(location) ? { location: compactLocation(location) } : {}) };
    let history;
    try {
      history = await withTimeout(
        this.store.recordLogin(auth.user.id, sighting, device, entry, this.limits(now)),
        this.options.storeTimeout,
        'recordLogin',
      );
    } catch (err) {
      // Monitoring is a second line: a failed history write never blocks a login.
      this.logger.error(`could not record a login in the security activity log: ${describeError(err)}`);
      return;
    }
    const findings = [
      locationJump(history.previous?.location, location, 'login', monitoring),
      impossibleTravel(history.previous, { location, at: now }, monitoring),
      newDevice(device, history.deviceLastSeen, history.previous !== undefined, now, monitoring),
    ].filter((finding): finding is AnomalyFinding => finding !== undefined);
    const action = await this.decide(req, 'login', findings, {
      location,
      device,
      previous: history.previous ? { location: history.previous.location, at: history.previous.at } : undefined,
    });
    try {
      await this.apply(req, action, 'login');
    } catch (refused) {
      await withTimeout(this.store.restoreLogin(auth.user.id, device, history), this.options.storeTimeout, 'restoreLogin').catch(
        (err: unknown) => this.logger.error(`could not restore the login history after a refused login: ${describeError(err)}`),
      );
      throw refused;
    }
  }

  onApplicationShutdown(): Promise<void> | void {
    return this.monitoring?.geo?.close?.();
  }

  /** The session's client moved to `ip`: remember it, compare with the last known location. */
  private moved(req: Request, ip: string, location: GeoLocation | undefined): Promise<void> | undefined {
    const meta = req.session.meta!;
    const previous = meta.geo;
    const known = location ? compactLocation(location) : previous?.location;
    const state: SessionGeoState = {
      ip,
      at: Date.now(),
      ...(known ? { location: known } : {}),
      ...(previous?.stepUpSince === undefined ? {} : { stepUpSince: previous.stepUpSince }),
    };
    req.session.meta = { ...meta, geo: state };
    // A session that had no location yet (a login before monitoring, an unknown address) starts here.
    if (!previous) return undefined;
    const finding = locationJump(previous.location, location, 'session', this.monitoring!);
    if (!finding && !this.monitoring!.assessRisk) return undefined;
    return this.decide(req, 'location_change', finding ? [finding] : [], {
      location,
      device: deviceFamily(summarizeUserAgent(meta.userAgent)),
      previous: { location: previous.location, at: previous.at },
    }).then((action) => this.apply(req, action, 'request'));
  }

  /** Emits one event per finding, asks the app's assessor, and returns the action to take. */
  private async decide(
    req: Request,
    kind: RiskAssessment['kind'],
    findings: AnomalyFinding[],
    context: Pick<RiskAssessment, 'location' | 'device' | 'previous'>,
  ): Promise<AnomalyAction | undefined> {
    const auth = req.session.auth!;
    const scope = kind === 'login' ? 'login' : 'session';
    const ruled = strongest(findings.map((finding) => finding.action));
    for (const finding of findings) this.events.emit(this.anomalyEvent(req, scope, finding));
    const assessor = this.monitoring!.assessRisk;
    if (!assessor) return ruled;
    let asked: AnomalyAction | undefined;
    try {
      asked = await assessor({ kind, userId: auth.user.id, ip: requestIp(req), userAgent: req.get('user-agent'), findings, ...context });
    } catch (err) {
      this.logger.error(`monitoring.assessRisk failed; the rules' action stands: ${describeError(err)}`);
      return ruled;
    }
    if (asked !== 'report' && asked !== 'step-up' && asked !== 'end') return ruled;
    if (isStronger(asked, ruled)) {
      this.events.emit(this.anomalyEvent(req, scope, { type: 'anomaly.location_jump', action: asked, code: 'custom' }, 'anomaly.risk'));
      return asked;
    }
    return ruled;
  }

  /**
   * `step-up`: MfaGuard refuses until the session verifies MFA again (a user without MFA cannot:
   * the session ends); `end`: the session ends, and a login is refused.
   */
  private async apply(req: Request, action: AnomalyAction | undefined, when: 'login' | 'request'): Promise<void> {
    if (action === undefined || action === 'report') return;
    if (action === 'step-up' && (await this.canStepUp(req))) {
      const meta = req.session.meta!;
      req.session.meta = { ...meta, geo: { ...(meta.geo ?? { ip: requestIp(req) ?? '', at: Date.now() }), stepUpSince: this.mfaClock() } };
      return;
    }
    await this.ids.terminate(req);
    if (when === 'login') throw new UnauthenticatedException('This sign-in looks unusual and was refused; see your security activity.');
  }

  private async canStepUp(req: Request): Promise<boolean> {
    const auth = req.session.auth!;
    if (auth.mfa !== 'none') return true;
    // Enrolled since this session's login, in another session?
    const secretStore = this.options.mfa?.secretStore;
    if (!secretStore) return false;
    try {
      return (await secretStore.find(auth.user.id)) != null;
    } catch {
      return false;
    }
  }

  private anomalyEvent(req: Request, scope: 'session' | 'login', finding: AnomalyFinding, type: AnomalyEvent['type'] = finding.type): AnomalyEvent {
    const session = req.session;
    const event: AnomalyEvent = {
      type,
      userId: session.auth!.user.id,
      handle: session.meta?.handle,
      ip: requestIp(req),
      userAgent: req.get('user-agent'),
      timestamp: Date.now(),
      action: finding.action,
      scope,
      code: finding.code,
    };
    if (finding.from || finding.to) {
      event.from = placeOf(finding.from) ?? undefined;
      event.to = placeOf(finding.to) ?? undefined;
    }
    if (finding.distanceKm !== undefined) {
      event.distanceKm = Math.round(finding.distanceKm);
      event.precision = finding.from?.city && finding.to?.city ? 'city' : 'country';
    }
    if (finding.speedKmh !== undefined) event.speedKmh = Math.round(finding.speedKmh);
    if (finding.elapsedMs !== undefined) event.elapsedMs = finding.elapsedMs;
    if (finding.device !== undefined) event.device = finding.device;
    return event;
  }

  /** Every event of a user goes into the activity log; the login itself was written with its history. */
  private record(event: SessionEvent): void {
    const monitoring = this.monitoring!;
    const userId = event.userId;
    if (typeof userId !== 'string' || userId.length === 0 || event.type === 'login') return;
    const now = Date.now();
    const write = (location: GeoLocation | undefined) => {
      const entry = activityEntryFor(event, location, monitoring.activityLog.fullIp);
      if (!entry) return;
      withTimeout(this.store!.append(userId, entry, this.limits(now)), this.options.storeTimeout, 'appendActivity').catch((err: unknown) =>
        this.logger.error(`could not write to the security activity log: ${describeError(err)}`),
      );
    };
    const location = this.locations.remembered(event.ip);
    if (location instanceof Promise) void location.then(write, () => write(undefined));
    else write(location);
  }

  limits(now: number): ActivityLimits {
    const { activityLog, newDevice: device } = this.monitoring!;
    return { now, maxEntries: activityLog.maxEntries, ttl: activityLog.ttl, historyTtl: Math.max(activityLog.ttl, device.window) };
  }
}
