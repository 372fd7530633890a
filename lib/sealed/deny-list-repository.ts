import type { SessionData } from 'express-session';
import type { SessionIdHasher } from '../store/session-id-hasher.js';
import { SessionRepository, type LoadedSession, type StoredVersion } from '../store/session-repository.js';
import type { SessionStore } from '../store/session-store.interface.js';
import { withTimeout } from '../store/store-timeout.js';

/**
 * What a denial outlives its last cookie by: clock skew between instances, and a request
 * that opened the cookie before the denial and seals it again just after.
 */
const SLACK_MS = 60_000;

export interface DenyListRepositoryOptions {
  storeTimeout: number;
  /**
   * How long a denial is kept: idleTimeout. Every cookie of the session was sealed at or
   * before the denial, with a deadline at most its sealing time + idleTimeout (lastSeenAt is
   * never later than the sealing), so none opens after that.
   */
  lifetime: number;
}

/**
 * The repository of sealed-cookie sessions: the record lives in the cookie, so there is
 * nothing to load or save on the server; ending a session puts its ID on the deny list
 * instead, kept as long as any cookie of that session could still be opened.
 *
 * - `remove`: the ID is refused from now on (logout, revocation, a login's previous ID).
 * - `claimRotation`: the ID will be refused once the grace period is over; only the first
 *   parallel request claims it (`create`), as with the server stores.
 * - `retire`: nothing left to do, the claim already scheduled the denial.
 *
 * Entries are keyed by the ID's storage key (an HMAC of it): the list never holds a usable ID.
 */
export class DenyListRepository extends SessionRepository {
  constructor(
    private readonly denied: SessionStore,
    hasher: SessionIdHasher,
    private readonly settings: DenyListRepositoryOptions,
  ) {
    super(denied, hasher, { storeTimeout: settings.storeTimeout, storeBoundsItself: false });
  }

  /** From when `id` is refused (epoch ms), or undefined when it is not on the list. */
  async deniedFrom(id: string): Promise<number | undefined> {
    const entry = await withTimeout(this.denied.get(this.denyKey(id)), this.settings.storeTimeout, 'read');
    const from = entry?.['from'];
    return typeof from === 'number' ? from : entry ? 0 : undefined;
  }

  /** No record on the server: the cookie is the record. */
  override load(_id: string): Promise<LoadedSession | null> {
    return Promise.resolve(null);
  }

  /** The cookie carries the record (sent when the response's head is written). */
  override save(_id: string, _sess: Partial<SessionData>, _deadline: number, _version: StoredVersion): Promise<void> {
    return Promise.resolve();
  }

  override remove(id: string): Promise<void> {
    return withTimeout(this.deny(id, Date.now()), this.settings.storeTimeout, 'write');
  }

  override claimRotation(id: string, graceMs: number): Promise<boolean> {
    const key = this.denyKey(id);
    const claiming = this.denied.set(key, { from: Date.now() + graceMs }, this.ttl(graceMs), 'create');
    return withTimeout(claiming, this.settings.storeTimeout, 'write');
  }

  override retire(_previousId: string, _newId: string, _graceMs: number, _sess: Partial<SessionData>): Promise<boolean> {
    return Promise.resolve(true);
  }

  /** Refused from `from` on; an entry already there (a scheduled rotation) is brought forward. */
  private async deny(id: string, from: number): Promise<void> {
    const key = this.denyKey(id);
    const record = { from };
    if (await this.denied.set(key, record, this.ttl(0), 'create')) return;
    if (!(await this.denied.set(key, record, this.ttl(0), 'update'))) await this.denied.set(key, record, this.ttl(0), 'create');
  }

  private ttl(delay: number): number {
    return this.settings.lifetime + delay + SLACK_MS;
  }

  private denyKey(id: string): string {
    return `denied:${this.storageKey(id)}`;
  }
}
