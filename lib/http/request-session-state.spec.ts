import express, { type Request } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { installRequestAccessors, openRequestSession, RequestSessionState, requestIp, sessionStateOf } from './request-session-state.js';

const responder = { beforeHeaders: () => undefined, commit: () => undefined };
const store = { name: 'the store' } as unknown as Request['sessionStore'];

/** An app whose first middleware opens (or not) the request's session state, then reports what req shows. */
function appWith(prepared: boolean, open: boolean) {
  const app = express();
  if (prepared) installRequestAccessors(app.request);
  app.use((req, _res, next) => {
    if (open) openRequestSession(req, new RequestSessionState(req, 'first-id', store, responder));
    next();
  });
  app.get('/', (req, res) => {
    const seen = { id: req.sessionID, store: (req.sessionStore as unknown as { name?: string } | undefined)?.name };
    req.sessionID = 'second-id';
    res.json({
      seen,
      after: req.sessionID,
      state: sessionStateOf(req)?.sessionID ?? null,
      ownProperties: ['sessionID', 'sessionStore'].filter((name) => Object.hasOwn(req, name)),
    });
  });
  return app;
}

describe('request session state', () => {
  for (const prepared of [true, false]) {
    const how = prepared ? 'through accessors on the app’s request prototype' : 'on an app not prepared, as own accessors';

    it(`shows an opened request's ID and store, and keeps a new ID in its state (${how})`, async () => {
      const res = await request(appWith(prepared, true)).get('/');
      expect(res.body).toEqual({
        seen: { id: 'first-id', store: 'the store' },
        after: 'second-id',
        state: 'second-id',
        ownProperties: prepared ? [] : ['sessionID', 'sessionStore'],
      });
    });
  }

  it('leaves a request it did not open as it would be without it: what is assigned stays on the request', async () => {
    const res = await request(appWith(true, false)).get('/');
    expect(res.body).toEqual({ seen: {}, after: 'second-id', state: null, ownProperties: ['sessionID'] });
  });
});

describe('requestIp', () => {
  /** An app behind a trusted proxy that reports req.ip as Express and as requestIp see it, counting Express's reads. */
  function ipApp(open: boolean) {
    const app = express();
    app.set('trust proxy', 'loopback');
    let expressReads = 0;
    const ipGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(app.request), 'ip')!.get!;
    Object.defineProperty(app.request, 'ip', {
      get() {
        expressReads++;
        return ipGetter.call(this);
      },
    });
    app.use((req, _res, next) => {
      if (open) openRequestSession(req, new RequestSessionState(req, undefined, store, responder));
      next();
    });
    app.get('/', (req, res) => {
      expressReads = 0;
      const seen = [requestIp(req), requestIp(req), requestIp(req)];
      res.json({ seen, expressReads });
    });
    return app;
  }

  it('works out the client IP through trust proxy once per request, however often it is asked', async () => {
    const res = await request(ipApp(true)).get('/').set('X-Forwarded-For', '203.0.113.7');
    expect(res.body).toEqual({ seen: ['203.0.113.7', '203.0.113.7', '203.0.113.7'], expressReads: 1 });
  });

  it('asks Express each time on a request whose session the module did not open', async () => {
    const res = await request(ipApp(false)).get('/').set('X-Forwarded-For', '203.0.113.7');
    expect(res.body).toEqual({ seen: ['203.0.113.7', '203.0.113.7', '203.0.113.7'], expressReads: 3 });
  });
});
