import type { Request } from 'express';
import session, { type SessionData } from 'express-session';
import { describe, expect, it } from 'vitest';
import { resolveSessionOptions } from '../options/resolve-session-options.js';
import { ExpressStoreAdapter } from './express-store.adapter.js';
import { MemorySessionStore } from '../store/memory-session.store.js';
import { SessionIdHasher } from '../store/session-id-hasher.js';
import { SessionRepository } from '../store/session-repository.js';
import { SessionEngine } from './session-engine.js';
import { sessionCookieOptions } from './cookie-policy.js';

/** express-session's Store and Cookie as its code has them (its typings declare Store abstract and no serialize). */
const ExpressSessionStore = session.Store as unknown as new () => session.Store;
type SerializableCookie = { serialize(name: string, value: string): string };

const options = resolveSessionOptions({ secret: 'a-secret-of-at-least-32-bytes-for-this-test' }, { warn: () => undefined });

function adapter() {
  const repository = new SessionRepository(new MemorySessionStore(), new SessionIdHasher(options.idHashSecret), {
    storeTimeout: options.storeTimeout,
    storeBoundsItself: true,
  });
  const store = new ExpressStoreAdapter(new SessionEngine(options, repository), options);
  return { generate: (req: Request) => void store.buildSession(Object.assign(req, { sessionID: 'an-id' }), {}) };
}

describe('ExpressStoreAdapter sessions', () => {
  it('gives each session a Cookie equal to the one express-session builds from the options', () => {
    const req = {} as Request;
    adapter().generate(req);
    const expected = {} as Request;
    // express-session's own Store#createSession, as it runs for a record without a cookie.
    new ExpressSessionStore().createSession(expected, { cookie: sessionCookieOptions(options) } as unknown as SessionData);
    expect(req.session.cookie).toBeInstanceOf(session.Cookie);
    expect(JSON.stringify(req.session.cookie)).toBe(JSON.stringify(expected.session.cookie));
    const serialize = (cookie: unknown) => (cookie as SerializableCookie).serialize('sid', 'v');
    expect(serialize(req.session.cookie)).toBe(serialize(expected.session.cookie));
    expect(req.session.id).toBe(req.sessionID);
  });

  it('keeps what an app sets on one session’s cookie to that session', () => {
    const store = adapter();
    const [first, second] = [{} as Request, {} as Request];
    store.generate(first);
    store.generate(second);
    first.session.cookie.maxAge = 60_000;
    first.session.cookie.sameSite = 'strict';
    expect(first.session.cookie.maxAge).toBeGreaterThan(59_000);
    expect(second.session.cookie.maxAge).toBeNull();
    expect(second.session.cookie.sameSite).toBe(sessionCookieOptions(options).sameSite);
    const third = {} as Request;
    store.generate(third);
    expect(third.session.cookie.maxAge).toBeNull();
  });
});
