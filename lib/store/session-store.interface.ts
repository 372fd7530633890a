import type { JsonValue } from '../session.types.js';

/** A session record as stored: plain JSON, never the cookie value. */
export type StoredSession = { [key: string]: JsonValue };

/**
 * `create`: write only if no record has this key (a brand-new session).
 * `update`: write only if the record still exists, so a request that loaded a session before
 * a concurrent logout cannot bring it back when it saves afterwards.
 */
export type WriteMode = 'create' | 'update';

/**
 * The storage contract behind SessionModule. Keys are already hashed session IDs: a store
 * never sees a usable cookie value. Every method is one atomic operation on the backend.
 *
 * What the module relies on: `update` never creates a record (no resurrection after logout,
 * and a stale write after an ID rotation fails instead of forking the session); `create`
 * succeeds for one caller only (one of parallel requests claims a rotation). Besides session
 * keys (22 base64url characters) the module writes `rotated:<key>` records, small and short-lived
 * (at least 5 s, at most the rotation grace period otherwise), through the same methods.
 * The module bounds each call by its `storeTimeout`; a store need not time out on its own.
 *
 * Implement it to plug in another backend; pass the instance as `store`.
 */
export interface SessionStore {
  /** The record under `key`, or null when absent or expired. */
  get(key: string): Promise<StoredSession | null>;
  /**
   * Writes `record` to expire after `ttlMs`, under the condition of `mode`.
   * @returns false when the condition failed and nothing was written.
   */
  set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean>;
  /** Removes the record; no error when it is already gone. */
  destroy(key: string): Promise<void>;
  /** Releases what the store opened itself (never a client the app passed in). */
  close(): Promise<void>;
}
