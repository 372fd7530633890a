import type { SessionData } from 'express-session';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';

type Timeouts = Pick<ResolvedSessionOptions, 'idleTimeout' | 'absoluteTimeout'>;

/**
 * When a session dies (epoch ms): the earlier of the idle deadline (last activity + idle
 * timeout) and the absolute one (login, or creation for anonymous sessions, + absolute
 * timeout). Store TTLs are set to exactly this, so storage and policy never drift apart.
 */
export function sessionDeadline(sess: Partial<SessionData>, timeouts: Timeouts, now = Date.now()): number {
  const lastSeenAt = sess.meta?.lastSeenAt ?? now;
  const startedAt = sess.auth?.authenticatedAt ?? sess.meta?.createdAt ?? now;
  return Math.min(lastSeenAt + timeouts.idleTimeout, startedAt + timeouts.absoluteTimeout);
}

export function isExpired(sess: Partial<SessionData>, timeouts: Timeouts, now = Date.now()): boolean {
  return sessionDeadline(sess, timeouts, now) <= now;
}

/** Which deadline a session has passed (`absolute` when both), or undefined while it lives. */
export function expiryReason(sess: Partial<SessionData>, timeouts: Timeouts, now = Date.now()): 'idle' | 'absolute' | undefined {
  if (!isExpired(sess, timeouts, now)) return undefined;
  const startedAt = sess.auth?.authenticatedAt ?? sess.meta?.createdAt ?? now;
  return startedAt + timeouts.absoluteTimeout <= now ? 'absolute' : 'idle';
}

