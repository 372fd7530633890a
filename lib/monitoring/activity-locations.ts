import type { Request } from 'express';
import { BoundedMemo } from '../util/bounded-memo.js';
import type { GeoLocation, GeoResolver } from './geo-location.js';

/**
 * Looks locations up through the app's resolver, and remembers recent answers per IP so the
 * activity log can place an event (which carries an IP, not a request) without a second lookup,
 * and a CDN-header location stays attached to its address.
 */
export class ActivityLocations {
  private readonly memo = new BoundedMemo<string, GeoLocation | null>(10_000);

  constructor(private readonly geo: GeoResolver | undefined) {}

  /** A request's location: CDN headers count only when the TCP peer is a trusted proxy. */
  lookup(ip: string, req?: Request): GeoLocation | undefined | Promise<GeoLocation | undefined> {
    if (!this.geo) return undefined;
    const context = req ? { headers: req.headers, peerTrusted: peerIsTrustedProxy(req) } : undefined;
    let found: GeoLocation | undefined | Promise<GeoLocation | undefined>;
    try {
      found = this.geo.lookup(ip, context);
    } catch {
      return undefined;
    }
    if (found instanceof Promise) return found.then((location) => this.remember(ip, location), () => undefined);
    return this.remember(ip, found);
  }

  /** The location last found for `ip`, or a lookup without request context. */
  remembered(ip: string | undefined): GeoLocation | undefined | Promise<GeoLocation | undefined> {
    if (!this.geo || typeof ip !== 'string') return undefined;
    const hit = this.memo.get(ip);
    if (hit !== undefined) return hit ?? undefined;
    return this.lookup(ip);
  }

  private remember(ip: string, location: GeoLocation | undefined): GeoLocation | undefined {
    const valid = location && typeof location.country === 'string' ? location : undefined;
    if (ip.length <= 64) this.memo.set(ip, valid ?? null);
    return valid;
  }
}

/** Whether Express's `trust proxy` trusts the TCP peer: only then may a proxy's headers speak for the client. */
export function peerIsTrustedProxy(req: Request): boolean {
  const trust: unknown = req.app?.get?.('trust proxy fn');
  const peer = req.socket?.remoteAddress;
  return typeof trust === 'function' && typeof peer === 'string' && (trust as (addr: string, i: number) => boolean)(peer, 0) === true;
}
