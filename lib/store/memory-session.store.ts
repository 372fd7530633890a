import type { SessionStore, StoredSession, WriteMode } from './session-store.interface.js';

export interface MemoryStoreOptions {
  /**
   * At most this many sessions are kept; the oldest written is evicted first.
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
 * The embedded default: one process, bounded, expiring. Records are kept serialised so a
 * caller can never mutate what is stored. Not for several app instances: use Redis there.
 */
export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, Entry>();
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
    return this.entries.size;
  }

  async get(key: string): Promise<StoredSession | null> {
    const entry = this.live(key);
    return entry ? (JSON.parse(entry.json) as StoredSession) : null;
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    const exists = this.live(key) !== undefined;
    if (mode === 'create' ? exists : !exists) return false;
    if (ttlMs <= 0) {
      this.entries.delete(key);
      return true;
    }
    // Delete first so Map order stays "oldest written first" for eviction.
    this.entries.delete(key);
    this.entries.set(key, { json: JSON.stringify(record), expiresAt: this.now() + ttlMs });
    this.evictOverflow();
    return true;
  }

  async destroy(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private evictOverflow(): void {
    while (this.entries.size > this.maxSessions) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}
