import { SessionStoreUnavailableException } from '../errors/session.exceptions.js';
import { withTimeout } from '../store/store-timeout.js';
import type { LinkedSession, LogoutSubject, OidcLinkStore, OidcSessionLink } from './oidc-link-store.interface.js';

/**
 * Bounds every call of the link store by `storeTimeout`, like the session store's, and turns
 * any store failure into 503 `session_store_unavailable`: a hung or failing Redis costs a
 * login, logout or back-channel call at most that long, never a 500 or a hang.
 */
export class TimeBoundOidcLinkStore implements OidcLinkStore {
  constructor(
    private readonly links: OidcLinkStore,
    private readonly ms: number,
  ) {}

  link(link: OidcSessionLink, now: number): Promise<void> {
    return this.bound(this.links.link(link, now), 'oidc link write');
  }

  linked(iss: string, subject: LogoutSubject, now: number): Promise<LinkedSession[]> {
    return this.bound(this.links.linked(iss, subject, now), 'oidc link read');
  }

  forHandle(handle: string, now: number): Promise<OidcSessionLink | null> {
    return this.bound(this.links.forHandle(handle, now), 'oidc link read');
  }

  unlink(handle: string): Promise<void> {
    return this.bound(this.links.unlink(handle), 'oidc link write');
  }

  markLoggedOut(iss: string, subject: LogoutSubject, at: number, until: number): Promise<void> {
    return this.bound(this.links.markLoggedOut(iss, subject, at, until), 'oidc logout mark');
  }

  isLoggedOut(iss: string, sid: string | undefined, sub: string, issuedAt: number, now: number): Promise<boolean> {
    return this.bound(this.links.isLoggedOut(iss, sid, sub, issuedAt, now), 'oidc logout mark read');
  }

  claimJti(iss: string, jti: string, until: number, now: number): Promise<boolean> {
    return this.bound(this.links.claimJti(iss, jti, until, now), 'oidc jti write');
  }

  releaseJti(iss: string, jti: string): Promise<void> {
    return this.bound(this.links.releaseJti(iss, jti), 'oidc jti write');
  }

  private async bound<T>(operation: Promise<T>, name: string): Promise<T> {
    try {
      return await withTimeout(operation, this.ms, name);
    } catch {
      throw new SessionStoreUnavailableException();
    }
  }
}
