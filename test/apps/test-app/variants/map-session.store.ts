import type { SessionStore, StoredSession, WriteMode } from '../../../../lib/index.js';

/**
 * An app's own SessionStore on a Map, as a user would write one for another backend. It logs
 * every call so a test can see the module drive it.
 */
export class MapSessionStore implements SessionStore {
  readonly records = new Map<string, { json: string; expiresAt: number }>();
  readonly calls: string[] = [];
  closed = false;

  async get(key: string): Promise<StoredSession | null> {
    this.calls.push('get');
    return this.live(key) ? (JSON.parse(this.records.get(key)!.json) as StoredSession) : null;
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    this.calls.push(`set:${mode}`);
    const exists = this.live(key);
    if (mode === 'create' ? exists : !exists) return false;
    this.records.set(key, { json: JSON.stringify(record), expiresAt: Date.now() + ttlMs });
    return true;
  }

  async destroy(key: string): Promise<void> {
    this.calls.push('destroy');
    this.records.delete(key);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private live(key: string): boolean {
    const entry = this.records.get(key);
    return entry !== undefined && entry.expiresAt > Date.now();
  }
}
