import type { SessionStore, StoredSession, WriteMode } from './session-store.interface.js';

export interface MemoryStoreOptions {
  /**
   * At most this many records are kept. When full, the oldest written record without a
   * logged-in user is evicted first; a logged-in session (or the forward of a rotated one) is
   * evicted only to make room for another one, so no flood of anonymous sessions can log
   * anyone out.
   * @default 10_000
   */
  maxSessions?: number;
}

interface Entry {
  json: string;
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Records that keep someone logged in: a session with a user, and the forward a rotated one
 * leaves (a logout with the old ID must still find it).
 */
function keepsLogin(record: StoredSession): boolean {
  const auth = record['auth'];
  return (typeof auth === 'object' && auth !== null && !Array.isArray(auth)) || typeof record['until'] === 'number';
}

/**
 * The embedded default: one process, bounded, expiring. Records are kept serialised so a
 * caller can never mutate what is stored. Not for several app instances: use Redis there.
 */
export class MemorySessionStore implements SessionStore {
  /** Records without a user, oldest written first: evicted first. */
  private readonly anonymous = new Map<string, Entry>();
  /** Records that keep someone logged in, oldest written first. */
  private readonly loggedIn = new Map<string, Entry>();
  private readonly maxSessions: number;
  private readonly sweeper: NodeJS.Timeout;

  // Date.now is read at each call (not captured), so a test's fake clock applies to stored TTLs too.
  constructor(options: MemoryStoreOptions = {}, private readonly now: () => number = () => Date.now()) {
    this.maxSessions = options.maxSessions ?? 10_000;
    if (!Number.isInteger(this.maxSessions) || this.maxSessions < 1) {
      throw new Error(`MemorySessionStore: maxSessions must be a positive integer, not ${String(this.maxSessions)}`);
    }
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    // Never keep the process alive just to sweep.
    this.sweeper.unref();
  }

  get size(): number {
    return this.anonymous.size + this.loggedIn.size;
  }

  async get(key: string): Promise<StoredSession | null> {
    const entry = this.live(key);
    return entry ? (JSON.parse(entry.json) as StoredSession) : null;
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    const exists = this.live(key) !== undefined;
    if (mode === 'create' ? exists : !exists) return false;
    // Delete first so Map order stays "oldest written first" for eviction.
    this.delete(key);
    if (ttlMs <= 0) return true;
    const tier = keepsLogin(record) ? this.loggedIn : this.anonymous;
    tier.set(key, { json: JSON.stringify(record), expiresAt: this.now() + ttlMs });
    this.evictOverflow(tier);
    return true;
  }

  async destroy(key: string): Promise<void> {
    this.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.anonymous.clear();
    this.loggedIn.clear();
  }

  private delete(key: string): void {
    if (!this.anonymous.delete(key)) this.loggedIn.delete(key);
  }

  private live(key: string): Entry | undefined {
    const entry = this.anonymous.get(key) ?? this.loggedIn.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return entry;
  }

  /**
   * Anonymous records go first, oldest first (the one just written too, when it is the only
   * one); a logged-in record is evicted only when another logged-in record was written.
   */
  private evictOverflow(written: Map<string, Entry>): void {
    while (this.size > this.maxSessions) {
      const tier = this.anonymous.size > 0 ? this.anonymous : written;
      tier.delete(tier.keys().next().value as string);
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const tier of [this.anonymous, this.loggedIn]) {
      for (const [key, entry] of tier) {
        if (entry.expiresAt <= now) tier.delete(key);
      }
    }
  }
}
