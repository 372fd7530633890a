import { withTimeout } from '../store/store-timeout.js';
import type { SessionIndex, SessionIndexEntry, SessionIndexTarget } from './session-index.interface.js';

/**
 * Bounds every call of an index by `storeTimeout`, like the session store's: a hung Redis
 * costs a device call or an ID change at most that long, then answers 503.
 */
export class TimeBoundSessionIndex implements SessionIndex {
  constructor(
    private readonly index: SessionIndex,
    private readonly ms: number,
  ) {}

  put(userId: string, entry: SessionIndexEntry, now: number): Promise<number> {
    return withTimeout(this.index.put(userId, entry, now), this.ms, 'index write');
  }

  replace(userId: string, entry: SessionIndexEntry, now: number): Promise<boolean> {
    return withTimeout(this.index.replace(userId, entry, now), this.ms, 'index write');
  }

  list(userId: string, now: number): Promise<SessionIndexEntry[]> {
    return withTimeout(this.index.list(userId, now), this.ms, 'index read');
  }

  get(userId: string, handle: string, now: number): Promise<SessionIndexEntry | null> {
    return withTimeout(this.index.get(userId, handle, now), this.ms, 'index read');
  }

  remove(userId: string, targets: readonly SessionIndexTarget[], now: number): Promise<SessionIndexEntry[]> {
    return withTimeout(this.index.remove(userId, targets, now), this.ms, 'index write');
  }

  close(): Promise<void> {
    return this.index.close();
  }
}
