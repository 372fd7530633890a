import type { SessionStore, StoredSession, WriteMode } from '../store/session-store.interface.js';

/** Entries kept at most: beyond it an ending session fails closed (503) instead of evicting a denial. */
const MAX_ENTRIES = 1_000_000;

/**
 * The deny list of sealed-cookie sessions in this process's memory: entries with a TTL, never
 * evicted early (an evicted denial would let a logged-out cookie back in). Read by the
 * module's clock (Date.now), so a test clock drives it. One instance only.
 */
export class MemoryDenyListStore implements SessionStore {
  private readonly entries = new Map<string, { record: StoredSession; until: number }>();
  private nextSweep = 0;

  async get(key: string): Promise<StoredSession | null> {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.until > Date.now()) return entry.record;
    this.entries.delete(key);
    return null;
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    const now = Date.now();
    this.sweep(now);
    const present = (this.entries.get(key)?.until ?? 0) > now;
    if (present !== (mode === 'update')) return false;
    if (!present && this.entries.size >= MAX_ENTRIES) throw new Error(`the sealed-cookie deny list is full (${MAX_ENTRIES} entries)`);
    this.entries.set(key, { record, until: now + ttlMs });
    return true;
  }

  async destroy(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Drops expired entries, at most once a minute (a full pass; cheap next to a request). */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + 60_000;
    for (const [key, entry] of this.entries) if (entry.until <= now) this.entries.delete(key);
  }
}
