import { Controller, HttpCode, Post, Req, type INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySessionIndex, SessionModule, SessionService, type StoredSession, type WriteMode } from '../../../lib/index.js';
import { BASIC_ROUTES, createTestApp, MapSessionStore, TEST_SECRET } from '../../apps/test-app/index.js';
import { BrowserClient, setCookies } from '../../support/http-client.js';
import { sessionCookies } from '../../support/session-cookie.js';

/** Routes that use express-session's own Session API, as an app may. */
@Controller('raw')
class RawSessionController {
  constructor(private readonly sessions: SessionService) {}

  /** express-session's `unset: 'destroy'`: setting req.session to null ends the session. */
  @Post('unset')
  @HttpCode(204)
  unset(@Req() req: Request) {
    req.session = null as unknown as Request['session'];
  }

  /** express-session's own Session#destroy, as an app written for express-session calls it. */
  @Post('destroy')
  @HttpCode(204)
  async destroy(@Req() req: Request) {
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
  }

  /** Writes through the module and reports what the store held when the handler returned. */
  @Post('note')
  @HttpCode(204)
  note(@Req() req: Request) {
    this.sessions.set(req, 'note', 'kept');
  }
}

/** A store whose writes can be slowed down or made to fail, to watch when the engine saves. */
class ControlledStore extends MapSessionStore {
  writeDelayMs = 0;
  failWrites = false;

  override async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    if (this.writeDelayMs) await new Promise((resolve) => setTimeout(resolve, this.writeDelayMs));
    if (this.failWrites) {
      this.calls.push(`set:${mode}:failed`);
      throw new Error('store write refused');
    }
    return super.set(key, record, ttlMs, mode);
  }
}

describe('SessionEngine: the request path that loads and saves req.session', () => {
  let app: INestApplication;
  let store: ControlledStore;

  let secondStore: ControlledStore;

  /** The app; with `twice`, a second SessionModule (its own store) imported after the first. */
  async function start({ twice = false } = {}): Promise<BrowserClient> {
    store = new ControlledStore();
    secondStore = new ControlledStore();
    const second = SessionModule.forRoot({ secret: `${TEST_SECRET}-2`, store: secondStore, sessionIndex: new MemorySessionIndex() });
    app = await createTestApp({
      session: SessionModule.forRoot({ secret: TEST_SECRET, store, sessionIndex: new MemorySessionIndex(), isGlobal: true }),
      imports: twice ? [second] : [],
      routes: BASIC_ROUTES,
      controllers: [RawSessionController],
    });
    return new BrowserClient(app);
  }

  afterEach(() => app.close());

  it('a read that changes nothing costs one store read, no write and no cookie', async () => {
    const browser = await start();
    await browser.post('/login', { user: 'alice' });
    const before = store.calls.length;
    const me = await browser.get('/me');
    expect(me.status).toBe(200);
    expect(store.calls.slice(before)).toEqual(['get']);
    expect(setCookies(me)).toEqual([]);
  });

  it('an anonymous request that stores nothing creates nothing and sets no cookie', async () => {
    const browser = await start();
    const res = await browser.get('/cart');
    expect(res.status).toBe(200);
    expect(store.calls).toEqual([]);
    expect(setCookies(res)).toEqual([]);
  });

  it('the session is saved before the response completes, even when the store is slow', async () => {
    const browser = await start();
    store.writeDelayMs = 150;
    const res = await browser.post('/raw/note');
    expect(res.status).toBe(204);
    // Answered: the write has already happened, so the browser's next request sees it.
    expect(store.calls).toEqual(['set:create']);
    expect(sessionCookies(res)).toHaveLength(1);
    expect((await browser.get('/cart')).status).toBe(200);
    expect([...store.records.values()].map((r) => JSON.parse(r.json).data)).toEqual([{ note: 'kept' }]);
  });

  it('a failed end-of-response save sends no cookie for the session that was not stored', async () => {
    const browser = await start();
    store.failWrites = true;
    const res = await browser.post('/raw/note');
    expect(res.status).toBe(204);
    expect(store.calls).toEqual(['set:create:failed']);
    expect(sessionCookies(res)).toEqual([]);
    expect(store.records.size).toBe(0);
  });

  it("req.session = null ends the session in the store (express-session's unset: 'destroy')", async () => {
    const browser = await start();
    await browser.post('/login', { user: 'alice' });
    expect(store.records.size).toBe(1);
    const res = await browser.post('/raw/unset');
    expect(res.status).toBe(204);
    expect(store.records.size).toBe(0);
    expect((await browser.get('/me')).status).toBe(401);
  });

  it("req.session.destroy() (express-session's API) ends the session, the store's record and the cookie", async () => {
    const browser = await start();
    await browser.post('/login', { user: 'alice' });
    const res = await browser.post('/raw/destroy');
    expect(res.status).toBe(204);
    expect(store.records.size).toBe(0);
    expect((await browser.get('/me')).status).toBe(401);
  });

  it('with two SessionModules in one app the first owns every request, and every response ends', async () => {
    const browser = await start({ twice: true });
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    const me = await browser.get('/me');
    expect(me.status).toBe(200);
    expect(setCookies(me)).toEqual([]);
    expect(store.records.size).toBe(1);
    expect(secondStore.calls).toEqual([]);
    expect((await browser.post('/logout')).status).toBeLessThan(300);
    expect((await browser.get('/me')).status).toBe(401);
  });
});
