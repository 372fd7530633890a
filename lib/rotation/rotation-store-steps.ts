import type { SessionStore, StoredSession } from '../store/session-store.interface.js';
import { forwardKey, liveForward, storedForward, toForwardRecord } from './rotation-forward.js';

/**
 * Shortest life of a rotation claim or forward record: with a short (or no) grace period it
 * still stops parallel rotations and lets a logout with the old ID find the new session.
 */
const MIN_FORWARD_MS = 5_000;

/**
 * The store side of a rotation, over storage keys (never session IDs). SessionRepository calls
 * these and bounds them by `storeTimeout`; rotation-due.ts decides when a rotation happens.
 */

/**
 * Claims the rotation of `key` for one request: the first caller gets true, parallel requests
 * carrying the same ID get false and go on with the old ID (grace).
 */
export function claimRotation(store: SessionStore, key: string, graceMs: number): Promise<boolean> {
  const claim = toForwardRecord({ until: Date.now() + graceMs });
  return store.set(forwardKey(key), claim, Math.max(graceMs, MIN_FORWARD_MS), 'create');
}

/**
 * Ends the previous key of a rotation once the new session is saved: a forward to the new key
 * is left for `graceMs`, then the old record is deleted. A stale write to the old key after
 * this fails its update and follows the forward instead of re-creating it.
 *
 * Returns false, and removes the new session, when the old one was ended meanwhile by a
 * parallel request (logout, revoke): a rotation never outlives the session it rotated. The
 * steps are ordered against {@link removeFollowingForward}, which deletes the old key before it
 * reads the forward: whichever interleaving, one of the two sees the other.
 */
export async function retireRotatedKey(
  store: SessionStore,
  oldKey: string,
  newKey: string,
  graceMs: number,
  record: StoredSession,
): Promise<boolean> {
  const key = forwardKey(oldKey);
  const now = Date.now();
  const ttl = Math.max(graceMs, MIN_FORWARD_MS);
  const forward = toForwardRecord({ until: now + graceMs, to: newKey, issuedAt: now });
  if (!(await store.set(key, forward, ttl, 'update'))) await store.set(key, forward, ttl, 'create');
  // Rewriting the old key succeeds only if it still exists; the content is this same session,
  // so a parallel read of the old key in between still sees it.
  const alive = await store.set(oldKey, record, ttl, 'update');
  if (!alive) {
    await Promise.all([store.destroy(newKey), store.destroy(key)]);
    return false;
  }
  await store.destroy(oldKey);
  return true;
}

/** The record `key` was rotated into, while its grace period lasts: `[newKey, record]`. */
export async function readThroughForward(store: SessionStore, key: string): Promise<[string, StoredSession] | undefined> {
  const forward = liveForward(await store.get(forwardKey(key)), Date.now());
  if (!forward?.to) return undefined;
  const target = await store.get(forward.to);
  return target ? [forward.to, target] : undefined;
}

/**
 * A write to a key that is gone: after a logout, revoke, expiry or regeneration it is dropped
 * (no resurrection); after a rotation with grace it goes to the new key, keeping the new ID's
 * issue time. Returns the key written, or undefined.
 */
export async function writeThroughForward(
  store: SessionStore,
  key: string,
  record: StoredSession,
  ttlMs: number,
): Promise<string | undefined> {
  const forward = liveForward(await store.get(forwardKey(key)), Date.now());
  if (!forward?.to) return undefined;
  const meta = record['meta'];
  const redirected =
    forward.issuedAt !== undefined && meta && typeof meta === 'object' && !Array.isArray(meta)
      ? { ...record, meta: { ...meta, idIssuedAt: forward.issuedAt } }
      : record;
  return (await store.set(forward.to, redirected, ttlMs, 'update')) ? forward.to : undefined;
}

/**
 * Deletes `key` and, when it was rotated moments ago, the session it was rotated into: a
 * logout with the old ID ends the new session too. The old key goes first, the forward is
 * read after: see {@link retireRotatedKey} for why this order.
 */
export async function removeFollowingForward(store: SessionStore, key: string): Promise<void> {
  await store.destroy(key);
  const forward = storedForward(await store.get(forwardKey(key)));
  if (!forward) return;
  await Promise.all([store.destroy(forwardKey(key)), ...(forward.to ? [store.destroy(forward.to)] : [])]);
}
