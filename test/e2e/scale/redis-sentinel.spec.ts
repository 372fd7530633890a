import type { INestApplication } from '@nestjs/common';
import { createSentinel, type RedisSentinelType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedisServers, withNode } from '../../support/redis-processes.js';
import { RedisSentinelHarness } from '../../support/redis-sentinel.js';
import { sessionRecordKeys, uniquePrefix } from '../../support/stores.js';
import {
  createScaleApp,
  expectFailedClosed,
  loginAs,
  loginReadWriteLogout,
  mfaLogin,
  probeFailover,
  twoInstances,
} from './scale.scenarios.js';
import { describeFeaturesOn } from './scale-features.scenarios.js';

const RECOVER_WITHIN_MS = 20_000;

describe.runIf(requireRedisServers('the Redis Sentinel suite'))('Scale-out on Redis Sentinel (1 master, 1 replica, 3 sentinels)', () => {
  let set: RedisSentinelHarness;
  const keysUnder = (prefix: string) => async () =>
    withNode(await set.masterPort(), async (client) => {
      const keys: string[] = [];
      for await (const page of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1_000 })) keys.push(...page);
      return sessionRecordKeys(prefix, keys);
    });
  const sentinelStore = (prefix: string) => ({ redis: { sentinel: { sentinels: set.sentinels, name: set.name }, prefix } });

  beforeAll(async () => {
    set = await RedisSentinelHarness.start();
  }, 60_000);

  afterAll(async () => {
    await set?.stop();
  });

  describe('store: { redis: { sentinel: { sentinels, name } } }', () => {
    const prefix = uniquePrefix('sentinel');
    let app: INestApplication;

    beforeAll(async () => {
      app = await createScaleApp(sentinelStore(prefix));
    });
    afterAll(async () => {
      await app?.close();
    });

    it('T06 login -> guarded read -> write -> logout works through the sentinel-named master', async () => {
      await loginReadWriteLogout(app, keysUnder(prefix));
    });

    it('T03/T09 MFA login rotates the ID twice', async () => {
      await mfaLogin(app);
    });
  });

  describe('every feature behind the sentinels', () => {
    describeFeaturesOn(
      () => ({ name: 'redis-sentinel', options: (prefix) => sentinelStore(prefix) }),
      () => ({ sentinel: { sentinels: set.sentinels, name: set.name } }),
    );
  });

  describe('store: { redis: { client } } with an app-supplied sentinel client', () => {
    const prefix = uniquePrefix('sentinel-client');
    let client: RedisSentinelType;
    let app: INestApplication | undefined;

    beforeAll(async () => {
      client = createSentinel({ name: set.name, sentinelRootNodes: set.sentinels }) as unknown as RedisSentinelType;
      client.on('error', () => undefined);
      await client.connect();
      app = await createScaleApp({ redis: { client, prefix } });
    });
    afterAll(async () => {
      await app?.close();
      if (client?.isOpen) await client.close();
    });

    it('T06 works on it (connect-redis reads and deletes through it), and closing the app leaves it open', async () => {
      await loginReadWriteLogout(app!, keysUnder(prefix));
      await app!.close();
      app = undefined;
      expect(client.isOpen).toBe(true);
      expect(await client.set(`${prefix}still-open`, '1', { expiration: { type: 'PX', value: 1_000 } })).toBe('OK');
    });
  });

  describe('two app instances on one Sentinel set', () => {
    const prefix = uniquePrefix('sentinel-two');
    let first: INestApplication;
    let second: INestApplication;

    beforeAll(async () => {
      [first, second] = await Promise.all([createScaleApp(sentinelStore(prefix)), createScaleApp(sentinelStore(prefix))]);
    });
    afterAll(async () => {
      await Promise.all([first?.close(), second?.close()]);
    });

    it('T06/T17 log in on one, use it on the other; log out on one, refused on the other at once', async () => {
      await twoInstances(first, second);
    });
  });

  // Last: it leaves the set without a replica.
  describe('failover: the master dies', () => {
    const prefix = uniquePrefix('sentinel-failover');
    let app: INestApplication;

    beforeAll(async () => {
      app = await createScaleApp(sentinelStore(prefix));
    });
    afterAll(async () => {
      await app?.close();
    });

    it('fails closed (503) while the sentinels promote the replica, then the user is still logged in', async () => {
      const alice = await loginAs(app, 'alice');
      const bob = await loginAs(app, 'bob');
      expect(await keysUnder(prefix)()).toHaveLength(2);
      const master = await set.masterPort();
      // The session writes must be on the replica before the master dies, or they die with it.
      await set.replicated();

      const report = await probeFailover({
        app,
        browsers: { alice, bob },
        user: 'alice',
        kill: () => set.server(master).kill(),
        recoverWithinMs: RECOVER_WITHIN_MS,
      });
      console.info(
        `[sentinel failover] recovered after ${report.recoveredAfterMs} ms; alice's outcomes ${JSON.stringify(report.outcomes)}; slowest request ${report.slowestMs} ms`,
      );
      expectFailedClosed(report, RECOVER_WITHIN_MS);
      expect(await set.masterPort()).not.toBe(master);

      expect((await alice.get('/me')).body).toMatchObject({ userId: 'alice' });
      expect((await alice.post('/logout')).status).toBe(204);
      expect((await alice.get('/me')).status).toBe(401);
      expect((await bob.get('/me')).body).toMatchObject({ userId: 'bob' });
    }, 40_000);
  });
});
