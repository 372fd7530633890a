import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, DATA_APP_ROUTES, type RunningApp, startApp, TEST_SECRET } from '../../apps/test-app/index.js';
import { PROTOTYPE_KEYS } from '../../support/json-arbitraries.js';
import { STORES } from '../../support/stores.js';

describe.each(STORES)('session data keys __proto__, constructor and prototype are plain data ($name)', (store) => {
  let running: RunningApp;
  beforeEach(async () => {
    running = await startApp(store, [TEST_SECRET], (options) => createTestApp({ session: { store: options }, routes: DATA_APP_ROUTES }));
  });
  afterEach(() => running.close());

  it('are stored through SessionService.set and read back by the next request as own keys, inheriting nothing', async () => {
    const browser = running.browser();
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    // Built from JSON text, as the body parser builds an attacker's body: `__proto__` is an own key.
    const bodies = ['{"key":"__proto__","value":{"admin":true}}', '{"key":"constructor","value":{"prototype":{"admin":true}}}', '{"key":"prototype","value":"p"}'];
    for (const body of bodies) expect((await browser.post('/data/entry', JSON.parse(body) as object)).status).toBe(204);
    const read = (await browser.get('/data')).body as { keys: string[]; plainPrototype: boolean; inherited: unknown; data: Record<string, unknown>; stored: unknown[] };
    expect(read.keys).toEqual([...PROTOTYPE_KEYS]);
    expect(read.plainPrototype).toBe(true);
    expect(read.inherited).toBeNull();
    expect(read.stored).toEqual([{ admin: true }, { prototype: { admin: true } }, 'p']);
    expect((await browser.get('/whoami')).body.user).toBe('alice');
  });

  it('are changed and removed like any key: a removed __proto__ key is saved as removed', async () => {
    const browser = running.browser();
    expect((await browser.post('/data/entry', JSON.parse('{"key":"__proto__","value":0}') as object)).status).toBe(204);
    expect((await browser.get('/data')).body.keys).toEqual(['__proto__']);
    expect((await browser.post('/data/entry', { key: '__proto__', value: 1 })).status).toBe(204);
    expect((await browser.get('/data')).body.stored).toEqual([1]);
    expect((await browser.post('/data/unset', { key: '__proto__' })).status).toBe(204);
    expect((await browser.get('/data')).body.keys).toEqual([]);
  });
});
