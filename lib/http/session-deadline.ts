import type { SessionData } from 'express-session';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';

type Timeouts = Pick<ResolvedSessionOptions, 'idleTimeout' | 'absoluteTimeout'>;

/** The idle deadline (last activity + idle timeout) and the absolute one (login, or creation for anonymous sessions, + absolute timeout). */
function deadlines(sess: Partial<SessionData>, timeouts: Timeouts, now: number): { idle: number; absolute: number } {
  const lastSeenAt = sess.meta?.lastSeenAt ?? now;
  const startedAt = sess.auth?.authenticatedAt ?? sess.meta?.createdAt ?? now;
  return { idle: lastSeenAt + timeouts.idleTimeout, absolute: startedAt + timeouts.absoluteTimeout };
}

/**
 * When a session dies (epoch ms): the earlier of its idle and absolute deadlines. Store TTLs
 * are set to exactly this, so storage and policy never drift apart.
 */
export function sessionDeadline(sess: Partial<SessionData>, timeouts: Timeouts, now = Date.now()): number {
  const { idle, absolute } = deadlines(sess, timeouts, now);
  return Math.min(idle, absolute);
}

export function isExpired(sess: Partial<SessionData>, timeouts: Timeouts, now = Date.now()): boolean {
  return sessionDeadline(sess, timeouts, now) <= now;
}

/** Which deadline a session has passed (`absolute` when both), or undefined while it lives. */
export function expiryReason(sess: Partial<SessionData>, timeouts: Timeouts, now = Date.now()): 'idle' | 'absolute' | undefined {
  const { idle, absolute } = deadlines(sess, timeouts, now);
  if (absolute <= now) return 'absolute';
  return idle <= now ? 'idle' : undefined;
}
