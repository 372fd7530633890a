import type { LinkedSession, LogoutSubject, OidcLinkStore, OidcSessionLink } from './oidc-link-store.interface.js';
import { OidcLinkKeys } from './oidc-link-keys.js';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** Writes between two sweeps of expired entries: the map never grows past what is live plus this. */
const SWEEP_EVERY = 1_000;

/** The OIDC links of one process, beside the memory session store. */
export class MemoryOidcLinkStore implements OidcLinkStore {
  private readonly entries = new Map<string, Expiring<unknown>>();
  private writes = 0;

  async link(link: OidcSessionLink, now: number): Promise<void> {
    const linked: LinkedSession = { userId: link.userId, handle: link.handle };
    if (link.sid !== undefined) this.addTo(OidcLinkKeys.bySid(link.iss, link.sid), linked, link.expiresAt, now);
    this.addTo(OidcLinkKeys.bySub(link.iss, link.sub), linked, link.expiresAt, now);
    this.put(OidcLinkKeys.byHandle(link.handle), link, link.expiresAt, now);
  }

  async linked(iss: string, subject: LogoutSubject, now: number): Promise<LinkedSession[]> {
    const key = subject.sid !== undefined ? OidcLinkKeys.bySid(iss, subject.sid) : OidcLinkKeys.bySub(iss, subject.sub!);
    const sessions = this.read<Map<string, Expiring<LinkedSession>>>(key, now);
    return sessions ? [...sessions.values()].filter((entry) => entry.expiresAt > now).map((entry) => entry.value) : [];
  }

  async forHandle(handle: string, now: number): Promise<OidcSessionLink | null> {
    return this.read<OidcSessionLink>(OidcLinkKeys.byHandle(handle), now) ?? null;
  }

  async unlink(handle: string): Promise<void> {
    this.entries.delete(OidcLinkKeys.byHandle(handle));
  }

  async markLoggedOut(iss: string, subject: LogoutSubject, at: number, until: number): Promise<void> {
    if (subject.sid !== undefined) this.put(OidcLinkKeys.sidLoggedOut(iss, subject.sid), at, until, at);
    else if (subject.sub !== undefined) {
      const key = OidcLinkKeys.subLoggedOut(iss, subject.sub);
      this.put(key, Math.max(at, this.read<number>(key, at) ?? 0), until, at);
    }
  }

  async isLoggedOut(iss: string, sid: string | undefined, sub: string, issuedAt: number, now: number): Promise<boolean> {
    if (sid !== undefined && this.read(OidcLinkKeys.sidLoggedOut(iss, sid), now) !== undefined) return true;
    const subLogout = this.read<number>(OidcLinkKeys.subLoggedOut(iss, sub), now);
    return subLogout !== undefined && issuedAt <= subLogout;
  }

  async claimJti(iss: string, jti: string, until: number, now: number): Promise<boolean> {
    const key = OidcLinkKeys.jti(iss, jti);
    if (this.read(key, now) !== undefined) return false;
    this.put(key, true, until, now);
    return true;
  }

  async releaseJti(iss: string, jti: string): Promise<void> {
    this.entries.delete(OidcLinkKeys.jti(iss, jti));
  }

  private addTo(key: string, linked: LinkedSession, expiresAt: number, now: number): void {
    const current = this.read<Map<string, Expiring<LinkedSession>>>(key, now) ?? new Map<string, Expiring<LinkedSession>>();
    current.set(linked.handle, { value: linked, expiresAt });
    for (const [handle, entry] of current) if (entry.expiresAt <= now) current.delete(handle);
    const last = Math.max(...[...current.values()].map((entry) => entry.expiresAt));
    this.put(key, current, last, now);
  }

  private read<T>(key: string, now: number): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  private put(key: string, value: unknown, expiresAt: number, now: number): void {
    this.entries.set(key, { value, expiresAt });
    if (++this.writes % SWEEP_EVERY === 0) {
      for (const [name, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(name);
    }
  }
}
