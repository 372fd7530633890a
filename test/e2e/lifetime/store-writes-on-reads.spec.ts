import type { INestApplication } from '@nestjs/common';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, LIFETIME_APP_ROUTES } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { RedisServerProcess } from '../../support/redis-server.js';
import { STORE_NAMES, openStore, type StoreHarness } from '../../support/store-harness.js';
import { requireRedisServers } from '../../support/redis-processes.js';

const IDLE = 30 * 60_000;
/** A twentieth of the idle timeout: lastSeenAt is written at most this often. */
const WRITE_INTERVAL = IDLE / 20;
const READS = 25;

/** Issue item 7: a steady-state authenticated read costs one store operation. */
describe.each(STORE_NAMES)('store operations per read on $name', ({ name }) => {
  let harness: StoreHarness;
  let app: INestApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    harness = await openStore(name, 'reads');
    app = await createTestApp({ session: { store: harness.store }, routes: LIFETIME_APP_ROUTES, listen: true });
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });
  beforeEach(() => {
    clock = useFakeClock();
  });
  afterEach(() => clock.restore());

  it('reads a session with one get and writes nothing until a twentieth of the idle window has passed', async () => {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    const before = harness.store.calls.length;
    for (let i = 0; i < READS; i++) {
      clock.advance((WRITE_INTERVAL - 1_000) / READS);
      expect((await browser.get('/me')).status).toBe(200);
    }
    const calls = harness.store.calls.slice(before);
    expect(calls.map((call) => call.op)).toEqual(Array(READS).fill('get'));

    clock.advance(1_000);
    expect((await browser.get('/me')).status).toBe(200);
    const activityRead = harness.store.calls.slice(before + READS);
    expect(activityRead.map((call) => `${call.op}:${call.mode ?? ''}`)).toEqual(['get:', 'set:update']);
  });

  it('gives an idle timeout exact to within a twentieth of it, always on the short side', async () => {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'bob' })).status).toBe(200);
    // Just under the write interval: the request is served but lastSeenAt is not rewritten...
    clock.advance(WRITE_INTERVAL - 1);
    expect((await browser.get('/me')).status).toBe(200);
    // ...so the session dies IDLE after the last *written* activity, 5 % before IDLE after the last request.
    clock.advance(IDLE - WRITE_INTERVAL + 1);
    expect((await browser.get('/me')).status).toBe(401);
  });
});

/** The same on the wire: Redis's own command statistics, on a redis-server of the test's own. */
// Its own redis-server, never the shared one: it needs the binary, not Redis on 6379.
describe.runIf(requireRedisServers('Redis commands per read'))('Redis commands per read', () => {
  let server: RedisServerProcess;
  let app: INestApplication;
  let stats: RedisClientType;

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    stats = createClient({ url: server.url }) as RedisClientType;
    stats.on('error', () => undefined);
    await stats.connect();
    app = await createTestApp({ session: { store: { redis: { url: server.url } } }, routes: LIFETIME_APP_ROUTES, listen: true });
  });
  afterAll(async () => {
    await app?.close();
    if (stats?.isOpen) await stats.close();
    await server?.shutdown();
  });

  /** Calls per command since the server started, without the INFO calls of this test. */
  async function commandCalls(): Promise<Map<string, number>> {
    const calls = new Map<string, number>();
    for (const match of (await stats.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (match[1] !== 'info') calls.set(match[1]!, Number(match[2]));
    }
    return calls;
  }

  function delta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
    const changed: Record<string, number> = {};
    for (const [command, count] of after) {
      const diff = count - (before.get(command) ?? 0);
      if (diff > 0) changed[command] = diff;
    }
    return changed;
  }

  it(`costs ${READS} reads exactly ${READS} GETs and nothing else`, async () => {
    const clock = useFakeClock();
    try {
      const browser = new BrowserClient(app);
      expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
      const before = await commandCalls();
      for (let i = 0; i < READS; i++) expect((await browser.get('/me')).status).toBe(200);
      expect(delta(before, await commandCalls())).toEqual({ get: READS });

      clock.advance(WRITE_INTERVAL);
      const beforeWrite = await commandCalls();
      expect((await browser.get('/me')).status).toBe(200);
      // The activity write: the record (SET), and one script run that moves the session's
      // device-index entry to the new lastSeenAt and deadline (Redis counts the script's own
      // commands too; they touch the index keys only).
      const { get, set, evalsha, ...script } = delta(beforeWrite, await commandCalls());
      expect({ get, set, evalsha }).toEqual({ get: 1, set: 1, evalsha: 1 });
      const indexScriptCommands = ['zrangebyscore', 'zremrangebyscore', 'zrange', 'zadd', 'zrem', 'hget', 'hset', 'hdel']
        .concat(['hvals', 'incr', 'pexpire', 'del']);
      expect(Object.keys(script).filter((command) => !indexScriptCommands.includes(command))).toEqual([]);
    } finally {
      clock.restore();
    }
  });
});
