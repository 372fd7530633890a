import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp } from '../../apps/test-app/index.js';
import { sessionIdOf } from '../../support/session-cookie.js';
import { STORES } from '../../support/stores.js';

describe.each(STORES)('session IDs are hashed at rest on $name', (under) => {
  let running: RunningBasicApp;
  const values: string[] = [];

  beforeAll(async () => {
    running = await startBasicApp(under);
    for (const user of ['rest-a', 'rest-b', 'rest-c']) {
      const browser = await running.loggedIn(user);
      await browser.post('/cart', { item: 'book' });
      values.push(browser.cookie(COOKIE)!);
    }
    const anonymous = running.browser();
    await anonymous.post('/cart', { item: 'pen' });
    values.push(anonymous.cookie(COOKIE)!);
  });
  afterAll(() => running.close());

  it('records are found under the hashed ID, never under the raw ID', async () => {
    for (const value of values) {
      expect(await running.hasRecord(value)).toBe(true);
      expect(await running.store.get(sessionIdOf(value))).toBeNull();
    }
  });

  it('a record holds neither the raw ID nor the cookie value', async () => {
    for (const value of values) {
      const text = JSON.stringify(await running.store.get(running.storageKey(value)));
      expect(text).not.toContain(sessionIdOf(value));
      expect(text).not.toContain(decodeURIComponent(value).slice(2));
      expect(text).not.toContain('cookie');
    }
  });

  it.runIf(under.name === 'redis')('no Redis key or value contains a raw session ID', async () => {
    const redis = running.redis!;
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${running.prefix}*`, COUNT: 500 })) keys.push(...batch);
    // Session records, and the session index of each logged-in user (three keys per user).
    const indexKeys = keys.filter((key) => key.startsWith(`${running.prefix}devices:`));
    const recordKeys = keys.filter((key) => !indexKeys.includes(key));
    expect(recordKeys).toHaveLength(values.length);
    expect(indexKeys).toHaveLength(3 * 3);
    const ids = values.map(sessionIdOf);
    for (const key of keys) {
      const type = await redis.type(key);
      const stored =
        type === 'hash' ? (await redis.hVals(key)).join() : type === 'zset' ? (await redis.zRange(key, 0, -1)).join() : (await redis.get(key))!;
      for (const id of ids) {
        expect(key).not.toContain(id);
        expect(stored).not.toContain(id);
      }
    }
    expect(recordKeys.sort()).toEqual(values.map((value) => running.prefix + running.storageKey(value)).sort());
  });
});
