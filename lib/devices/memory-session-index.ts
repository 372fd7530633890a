import type { SessionIndex, SessionIndexEntry, SessionIndexTarget } from './session-index.interface.js';

const SWEEP_INTERVAL_MS = 60_000;

interface Stored {
  json: string;
  expiresAt: number;
}

/** One user's entries by handle, and the last `seq` handed out. */
interface UserEntries {
  entries: Map<string, Stored>;
  seq: number;
}

/**
 * The index for the embedded memory store: one process only, like the store itself. Entries
 * are kept serialised so callers can never mutate what is stored. Each user's expired entries
 * are pruned on every access, and an unref'd sweeper drops those of users nobody asks about.
 */
export class MemorySessionIndex implements SessionIndex {
  private readonly users = new Map<string, UserEntries>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    // Never keep the process alive just to sweep.
    this.sweeper.unref();
  }

  async put(userId: string, entry: SessionIndexEntry, now: number): Promise<number> {
    this.write(userId, entry, now, 'upsert');
    return this.users.get(userId)?.entries.size ?? 0;
  }

  async replace(userId: string, entry: SessionIndexEntry, now: number): Promise<boolean> {
    return this.write(userId, entry, now, 'replace');
  }

  async list(userId: string, now: number): Promise<SessionIndexEntry[]> {
    return [...(this.live(userId, now)?.entries.values() ?? [])].map(parse);
  }

  async get(userId: string, handle: string, now: number): Promise<SessionIndexEntry | null> {
    const stored = this.live(userId, now)?.entries.get(handle);
    return stored === undefined ? null : parse(stored);
  }

  async remove(userId: string, targets: readonly SessionIndexTarget[], now: number): Promise<SessionIndexEntry[]> {
    const entries = this.live(userId, now)?.entries;
    if (!entries) return [];
    const moved: SessionIndexEntry[] = [];
    for (const target of targets) {
      const stored = entries.get(target.handle);
      if (stored === undefined) continue;
      const entry = parse(stored);
      if (entry.storageKey === target.storageKey) entries.delete(target.handle);
      else moved.push(entry);
    }
    if (entries.size === 0) this.users.delete(userId);
    return moved;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.users.clear();
  }

  private write(userId: string, entry: SessionIndexEntry, now: number, mode: 'upsert' | 'replace'): boolean {
    const user = this.live(userId, now);
    const existing = user?.entries.get(entry.handle);
    const expected = entry.previousStorageKey ?? entry.storageKey;
    if (mode === 'replace' && (!existing || parse(existing).storageKey !== expected)) return false;
    if (entry.expiresAt <= now) {
      user?.entries.delete(entry.handle);
      if (user?.entries.size === 0) this.users.delete(userId);
      return mode === 'replace';
    }
    const target = user ?? { entries: new Map<string, Stored>(), seq: 0 };
    const seq = existing ? parse(existing).seq : ++target.seq;
    target.entries.set(entry.handle, { json: JSON.stringify({ ...entry, seq }), expiresAt: entry.expiresAt });
    this.users.set(userId, target);
    return true;
  }

  /** The user's entries with the expired ones pruned; undefined when none is left. */
  private live(userId: string, now: number): UserEntries | undefined {
    const user = this.users.get(userId);
    if (!user) return undefined;
    for (const [handle, stored] of user.entries) {
      if (stored.expiresAt <= now) user.entries.delete(handle);
    }
    if (user.entries.size === 0) {
      this.users.delete(userId);
      return undefined;
    }
    return user;
  }

  private sweep(): void {
    const now = this.clock();
    for (const userId of [...this.users.keys()]) this.live(userId, now);
  }
}

function parse(stored: Stored): SessionIndexEntry {
  return JSON.parse(stored.json) as SessionIndexEntry;
}
