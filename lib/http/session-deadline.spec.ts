import type { SessionData } from 'express-session';
import { describe, expect, it } from 'vitest';
import { expiryReason, isExpired, sessionDeadline } from './session-deadline.js';

const timeouts = { idleTimeout: 30 * 60_000, absoluteTimeout: 12 * 60 * 60_000 };
const NOW = 1_700_000_000_000;

function authenticated(authenticatedAt: number, lastSeenAt: number, createdAt = authenticatedAt): Partial<SessionData> {
  return {
    auth: { user: { id: 'u1' }, authenticatedAt, mfa: 'none' },
    meta: { createdAt, lastSeenAt, handle: 'h' },
  };
}

describe('sessionDeadline', () => {
  it('is the idle deadline while the absolute one is further away', () => {
    const sess = authenticated(NOW - 60_000, NOW - 1_000);
    expect(sessionDeadline(sess, timeouts, NOW)).toBe(NOW - 1_000 + timeouts.idleTimeout);
  });

  it('is the absolute deadline once it comes first, however recent the activity', () => {
    const loggedIn = NOW - timeouts.absoluteTimeout + 5_000;
    const sess = authenticated(loggedIn, NOW);
    expect(sessionDeadline(sess, timeouts, NOW)).toBe(loggedIn + timeouts.absoluteTimeout);
  });

  it('counts the absolute timeout from the password step, not from when the session was created', () => {
    const createdAt = NOW - timeouts.absoluteTimeout - 60_000;
    const sess = authenticated(NOW - 60_000, NOW, createdAt);
    expect(sessionDeadline(sess, timeouts, NOW)).toBe(NOW + timeouts.idleTimeout);
  });

  it('counts an anonymous session from its creation', () => {
    const createdAt = NOW - timeouts.absoluteTimeout + 1_000;
    const sess: Partial<SessionData> = { meta: { createdAt, lastSeenAt: NOW, handle: 'h' } };
    expect(sessionDeadline(sess, timeouts, NOW)).toBe(createdAt + timeouts.absoluteTimeout);
  });

  it('treats a session without book-keeping as starting now', () => {
    expect(sessionDeadline({}, timeouts, NOW)).toBe(NOW + timeouts.idleTimeout);
  });
});

describe('isExpired', () => {
  it('is true at the deadline and after, false just before', () => {
    const sess = authenticated(NOW, NOW);
    const deadline = NOW + timeouts.idleTimeout;
    expect(isExpired(sess, timeouts, deadline - 1)).toBe(false);
    expect(isExpired(sess, timeouts, deadline)).toBe(true);
    expect(isExpired(sess, timeouts, deadline + 1)).toBe(true);
  });

  it('is true past the absolute deadline even with activity a moment ago', () => {
    const sess = authenticated(NOW - timeouts.absoluteTimeout, NOW - 1);
    expect(isExpired(sess, timeouts, NOW)).toBe(true);
  });
});

describe('expiryReason', () => {
  it('is undefined while the session lives, idle once the idle deadline passes', () => {
    const sess = authenticated(NOW, NOW);
    expect(expiryReason(sess, timeouts, NOW + timeouts.idleTimeout - 1)).toBeUndefined();
    expect(expiryReason(sess, timeouts, NOW + timeouts.idleTimeout)).toBe('idle');
  });

  it('is absolute past the absolute deadline, even when the session is idle too', () => {
    expect(expiryReason(authenticated(NOW - timeouts.absoluteTimeout, NOW - 1), timeouts, NOW)).toBe('absolute');
    expect(expiryReason(authenticated(NOW - timeouts.absoluteTimeout, NOW - timeouts.idleTimeout), timeouts, NOW)).toBe('absolute');
  });
});
