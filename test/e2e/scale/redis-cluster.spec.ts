import type { INestApplication } from '@nestjs/common';
import { createCluster, type RedisClusterType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisClusterHarness } from '../../support/redis-cluster.js';
import { requireRedisServers } from '../../support/redis-processes.js';
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

describe.runIf(requireRedisServers('the Redis Cluster suite'))('Scale-out on Redis Cluster (3 masters, 3 replicas)', () => {
  let cluster: RedisClusterHarness;
  /** The session records under `prefix`, with the master each lives on. */
  const sessionKeysOn = async (prefix: string) => {
    const found = await cluster.findKeys(`${prefix}*`);
    const records = sessionRecordKeys(prefix, found.map(({ key }) => key));
    return found.filter(({ key }) => records.includes(key));
  };
  const keysUnder = (prefix: string) => async () => (await sessionKeysOn(prefix)).map(({ key }) => key);

  beforeAll(async () => {
    cluster = await RedisClusterHarness.start();
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  describe('store: { redis: { cluster: { rootNodes } } }', () => {
    const prefix = uniquePrefix('cluster');
    let app: INestApplication;

    beforeAll(async () => {
      app = await createScaleApp({ redis: { cluster: { rootNodes: cluster.rootNodes }, prefix } });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('T06 login -> guarded read -> write -> logout works, with no CROSSSLOT error', async () => {
      await loginReadWriteLogout(app, keysUnder(prefix));
    });

    it('T03/T09 MFA login rotates the ID twice (destroy + create on different slots)', async () => {
      await mfaLogin(app);
    });

    it('spreads sessions over the masters: every key is served where CLUSTER KEYSLOT says', async () => {
      await Promise.all(Array.from({ length: 12 }, (_, i) => loginAs(app, `user-${i}`)));
      const keys = await sessionKeysOn(prefix);
      expect(keys).toHaveLength(12);
      for (const { key, port } of keys) expect(await cluster.masterOf(key)).toBe(port);
      expect(new Set(keys.map(({ port }) => port)).size).toBeGreaterThan(1);
    });

    it('no node counted a CROSSSLOT error during any of it', async () => {
      expect(await cluster.crossSlotErrors()).toBe(0);
    });
  });

  describe('every feature on the cluster', () => {
    describeFeaturesOn(
      () => ({
        name: 'redis-cluster',
        options: (prefix) => ({ redis: { cluster: { rootNodes: cluster.rootNodes }, prefix } }),
      }),
      () => ({ cluster: { rootNodes: cluster.rootNodes } }),
    );

    it('no node, master or replica, counted a CROSSSLOT error', async () => {
      const byNode = await cluster.crossSlotErrorsByNode();
      expect(Object.keys(byNode)).toHaveLength(6);
      expect(byNode).toEqual(Object.fromEntries(Object.keys(byNode).map((port) => [port, 0])));
    });
  });

  describe('store: { redis: { client } } with an app-supplied cluster client', () => {
    const prefix = uniquePrefix('cluster-client');
    let client: RedisClusterType;
    let app: INestApplication | undefined;

    beforeAll(async () => {
      client = createCluster({ rootNodes: cluster.rootNodes.map((url) => ({ url })) }) as unknown as RedisClusterType;
      client.on('error', () => undefined);
      await client.connect();
      app = await createScaleApp({ redis: { client, prefix } });
    });
    afterAll(async () => {
      await app?.close();
      if (client?.isOpen) await client.close();
    });

    it('T06 works on it, and closing the app leaves the client open (the app owns it)', async () => {
      await loginReadWriteLogout(app!, keysUnder(prefix));
      await app!.close();
      app = undefined;
      expect(client.isOpen).toBe(true);
      expect(await client.set(`${prefix}still-open`, '1', { expiration: { type: 'PX', value: 1_000 } })).toBe('OK');
    });
  });

  describe('two app instances on one cluster', () => {
    const prefix = uniquePrefix('cluster-two');
    let first: INestApplication;
    let second: INestApplication;

    beforeAll(async () => {
      const store = { redis: { cluster: { rootNodes: cluster.rootNodes }, prefix } };
      [first, second] = await Promise.all([createScaleApp(store), createScaleApp(store)]);
    });
    afterAll(async () => {
      await Promise.all([first?.close(), second?.close()]);
    });

    it('T06/T17 log in on one, use it on the other; log out on one, refused on the other at once', async () => {
      await twoInstances(first, second);
    });
  });

  // Last: it leaves one shard without a replica.
  describe('failover: the master holding a session dies', () => {
    const prefix = uniquePrefix('cluster-failover');
    let app: INestApplication;

    beforeAll(async () => {
      app = await createScaleApp({ redis: { cluster: { rootNodes: cluster.rootNodes }, prefix } });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('fails closed (503) while the replica is promoted, then the user is still logged in', async () => {
      const alice = await loginAs(app, 'alice');
      const [stored] = await sessionKeysOn(prefix);
      const port = await cluster.masterOf(stored!.key);
      expect(port).toBe(stored!.port);
      // Log bob in on another shard: his requests must never turn into alice's (or fail oddly).
      let bob = await loginAs(app, 'bob');
      for (let i = 0; i < 20; i++) {
        const bobKey = (await sessionKeysOn(prefix)).find(({ key }) => key !== stored!.key)!;
        if (bobKey.port !== port) break;
        await bob.post('/logout');
        bob = await loginAs(app, 'bob');
      }
      // The session write must be on the replica before the master dies, or it is lost with it.
      await cluster.replicated(stored!.key);

      const report = await probeFailover({
        app,
        browsers: { alice, bob },
        user: 'alice',
        kill: () => cluster.server(port).kill(),
        recoverWithinMs: RECOVER_WITHIN_MS,
      });
      console.info(
        `[cluster failover] recovered after ${report.recoveredAfterMs} ms; alice's outcomes ${JSON.stringify(report.outcomes)}; slowest request ${report.slowestMs} ms`,
      );
      expectFailedClosed(report, RECOVER_WITHIN_MS);

      // Promoted: the session lives on, and can still be ended.
      expect((await alice.get('/me')).body).toMatchObject({ userId: 'alice' });
      expect((await alice.post('/logout')).status).toBe(204);
      expect((await alice.get('/me')).status).toBe(401);
      expect(await cluster.crossSlotErrors()).toBe(0);
    }, 40_000);
  });
});
