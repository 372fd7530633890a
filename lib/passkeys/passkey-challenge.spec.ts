import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import type { SessionService } from '../session.service.js';
import { PasskeyChallenges } from './passkey-challenge.js';

const TTL = 300_000;

/** A request with a plain session object and a SessionService whose save only counts. */
function setUp() {
  let now = 1_000_000;
  let saves = 0;
  const sessions = { save: async () => void saves++ } as unknown as SessionService;
  const req = { session: {} } as unknown as Request;
  const challenges = new PasskeyChallenges(sessions, () => now, TTL);
  return { req, challenges, advance: (ms: number) => (now += ms), saves: () => saves };
}

describe('PasskeyChallenges', () => {
  it('gives the challenge back once, for its purpose and user, and saves the session each time', async () => {
    const { req, challenges, saves } = setUp();
    await challenges.hold(req, 'c1', 'step_up', 'u1');
    expect(await challenges.take(req, 'step_up', 'u1')).toBe('c1');
    expect(await challenges.take(req, 'step_up', 'u1')).toBeUndefined();
    expect(saves()).toBe(2);
  });

  it.each([
    ['another purpose', 'second_factor', 'u1'],
    ['another user', 'step_up', 'u2'],
    ['no user (passwordless) for a user challenge', 'login', undefined],
  ] as const)('refuses %s and drops the challenge all the same', async (_label, purpose, userId) => {
    const { req, challenges } = setUp();
    await challenges.hold(req, 'c1', 'step_up', 'u1');
    expect(await challenges.take(req, purpose, userId)).toBeUndefined();
    expect(await challenges.take(req, 'step_up', 'u1')).toBeUndefined();
  });

  it('accepts a challenge at its TTL and refuses it a millisecond later', async () => {
    const a = setUp();
    await a.challenges.hold(a.req, 'c1', 'login');
    a.advance(TTL);
    expect(await a.challenges.take(a.req, 'login')).toBe('c1');
    const b = setUp();
    await b.challenges.hold(b.req, 'c1', 'login');
    b.advance(TTL + 1);
    expect(await b.challenges.take(b.req, 'login')).toBeUndefined();
  });

  it('refuses a challenge from the future (a clock that went back)', async () => {
    const { req, challenges, advance } = setUp();
    await challenges.hold(req, 'c1', 'login');
    advance(-1);
    expect(await challenges.take(req, 'login')).toBeUndefined();
  });

  it('a new challenge replaces the one waiting', async () => {
    const { req, challenges } = setUp();
    await challenges.hold(req, 'c1', 'login');
    await challenges.hold(req, 'c2', 'login');
    expect(await challenges.take(req, 'login')).toBe('c2');
  });
});
