import type { StoredSession } from '../store/session-store.interface.js';

/**
 * What a rotated-out session key leaves behind, stored under {@link forwardKey}: first a claim
 * (`to` missing) that makes one request the rotating one, then the storage key of the new ID.
 * While `until` (epoch ms) is ahead, a request with the old ID is served the new session's
 * record; after it, the old ID is dead. Holds storage keys only, never a session ID.
 */
export interface RotationForward {
  until: number;
  to?: string;
  /** When the new ID was issued: a stale write redirected to it keeps this `meta.idIssuedAt`. */
  issuedAt?: number;
}

/** Where the forward of a storage key lives: beside session keys, never equal to one. */
export function forwardKey(key: string): string {
  return `rotated:${key}`;
}

/** The forward in `record` if it is still inside its grace period. */
export function liveForward(record: StoredSession | null, now: number): RotationForward | undefined {
  const forward = storedForward(record);
  return forward && forward.until > now ? forward : undefined;
}

/**
 * The forward in `record` whatever its grace period: a logout with the old ID ends the new
 * session as long as the forward is stored, even when the old ID no longer loads it.
 */
export function storedForward(record: StoredSession | null): RotationForward | undefined {
  if (!record || typeof record['until'] !== 'number') return undefined;
  return {
    until: record['until'],
    ...(typeof record['to'] === 'string' ? { to: record['to'] } : {}),
    ...(typeof record['issuedAt'] === 'number' ? { issuedAt: record['issuedAt'] } : {}),
  };
}

export function toForwardRecord(forward: RotationForward): StoredSession {
  return { ...forward };
}
