import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionIdHasher } from '../../../lib/store/session-id-hasher.js';
import { createTestApp, LIFETIME_APP_ROUTES, TEST_SECRET } from '../../apps/test-app/index.js';
import { useFakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { RedisServerProcess } from '../../support/redis-server.js';
import { COOKIE, sessionIdOf } from '../../support/session-cookie.js';
import { requireRedisServers } from '../../support/redis-processes.js';

/** Everything a key holds: session records and forwards are strings, the device index a hash and a sorted set. */
async function dump(client: RedisClientType, key: string): Promise<string> {
  const type = await client.type(key);
  if (type === 'string') return (await client.get(key)) ?? '';
  if (type === 'hash') return JSON.stringify(await client.hGetAll(key));
  if (type === 'zset') return (await client.zRange(key, 0, -1)).join('\n');
  throw new Error(`unexpected Redis type ${type} at ${key}`);
}

/**
 * Issue item 5: the store key is an HMAC-SHA-256 of the session ID under a server key, so a
 * dump, a replica or a MONITOR log never shows a usable cookie value. A redis-server of the
 * test's own, so that MONITOR and SCAN see this test's traffic only.
 */
// Its own redis-server, never the shared one: it needs the binary, not Redis on 6379.
describe.runIf(requireRedisServers('hashed session IDs at rest on redis'))('hashed session IDs at rest on redis', () => {
  let server: RedisServerProcess;
  let app: INestApplication;
  let inspector: RedisClientType;
  let monitor: RedisClientType;
  const monitored: string[] = [];
  const prefix = 'sess:';

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    inspector = createClient({ url: server.url }) as RedisClientType;
    monitor = createClient({ url: server.url }) as RedisClientType;
    for (const client of [inspector, monitor]) client.on('error', () => undefined);
    await Promise.all([inspector.connect(), monitor.connect()]);
    await monitor.monitor((line) => monitored.push(line));
    app = await createTestApp({ session: { store: { redis: { url: server.url, prefix } } }, routes: LIFETIME_APP_ROUTES, listen: true });
  });
  afterAll(async () => {
    await app?.close();
    for (const client of [inspector, monitor]) if (client?.isOpen) await client.close();
    await server?.shutdown();
  });

  it('never shows a session ID in any key, value or command, through login, writes, rotation and logout', async () => {
    const clock = useFakeClock();
    const ids = new Set<string>();
    const signatures = new Set<string>();
    const remember = (browser: BrowserClient) => {
      const value = decodeURIComponent(browser.cookie(COOKIE)!);
      ids.add(sessionIdOf(browser.cookie(COOKIE)!));
      signatures.add(value.slice(value.lastIndexOf('.') + 1));
    };
    try {
      const browser = new BrowserClient(app);
      expect((await browser.post('/cart', { item: 'book' })).status).toBe(204);
      remember(browser);
      expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
      remember(browser);
      expect((await browser.post('/data', { note: 'x' })).status).toBe(204);
      clock.advance(15 * 60_000);
      expect((await browser.get('/me')).status).toBe(200);
      remember(browser);
      const other = new BrowserClient(app);
      expect((await other.post('/login', { user: 'bob' })).status).toBe(200);
      remember(other);
      expect((await browser.post('/logout')).status).toBe(204);
      expect(ids.size).toBe(4);

      const stored: string[] = [];
      for await (const keys of inspector.scanIterator({ MATCH: '*', COUNT: 100 })) {
        for (const key of keys) stored.push(key, await dump(inspector, key));
      }
      expect(stored.length).toBeGreaterThan(0);
      // The MONITOR stream is asynchronous: wait until it has shown the last command (the logout's DEL).
      await expect.poll(() => monitored.some((line) => line.includes('"DEL"'))).toBe(true);
      const haystack = [...stored, ...monitored].join('\n');
      for (const id of ids) expect(haystack).not.toContain(id);
      for (const signature of signatures) expect(haystack).not.toContain(signature);

      // One O(1) lookup per cookie: the key is the keyed hash, not a plain SHA-256 anyone could compute.
      const bobId = sessionIdOf(other.cookie(COOKIE)!);
      const key = new SessionIdHasher(TEST_SECRET).storageKey(bobId);
      expect(await inspector.exists(prefix + key)).toBe(1);
      expect(key).not.toBe(createHash('sha256').update(bobId).digest('base64url'));
      expect(new SessionIdHasher('another-server-key-another-server-key').storageKey(bobId)).not.toBe(key);
    } finally {
      clock.restore();
    }
  });
});
