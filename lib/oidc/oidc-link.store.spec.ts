import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { RedisClusterHarness } from '../../test/support/redis-cluster.js';
import { requireRedisServers } from '../../test/support/redis-processes.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../../test/support/stores.js';
import { MemoryOidcLinkStore } from './memory-oidc-link.store.js';
import type { OidcLinkStore, OidcSessionLink } from './oidc-link-store.interface.js';
import { RedisOidcLinkStore, type RedisOidcLinkClient } from './redis-oidc-link.store.js';

const ISS = 'https://idp.example.com/{realm}';
const link = (handle: string, overrides: Partial<OidcSessionLink> = {}): OidcSessionLink => ({
  iss: ISS,
  sid: 'sid-1',
  sub: 'alice',
  userId: 'u-alice',
  handle,
  idToken: 'header.payload.sig',
  expiresAt: 10_000,
  ...overrides,
});

let redis: RedisClientType | undefined;
const prefix = uniquePrefix('oidc-links');
beforeAll(async () => {
  if (redisAvailable) redis = await connectTestRedis();
});
afterAll(async () => {
  if (redis) {
    await deleteKeys(redis, prefix);
    await redis.quit();
  }
});

const stores: Array<[string, () => OidcLinkStore]> = [
  ['memory', () => new MemoryOidcLinkStore()],
  ...(redisAvailable ? [['redis', () => new RedisOidcLinkStore(redis as unknown as RedisOidcLinkClient, `${prefix}${Math.random()}:`)] as [string, () => OidcLinkStore]] : []),
];

describe.each(stores)('OIDC link store on %s', (_name, make) => linkStoreCases(make));

// Every lookup reads one key of its own hash tag: no CROSSSLOT error on a real Cluster.
describe.runIf(requireRedisServers('the OIDC links on Redis Cluster'))('OIDC link store on Redis Cluster (3 masters, 3 replicas)', () => {
  let cluster: RedisClusterHarness;
  let client: RedisClusterType;
  beforeAll(async () => {
    cluster = await RedisClusterHarness.start();
    client = createCluster({ rootNodes: cluster.rootNodes.map((url) => ({ url })) }) as RedisClusterType;
    client.on('error', () => undefined);
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  });
  linkStoreCases(() => new RedisOidcLinkStore(client as unknown as RedisOidcLinkClient, `cluster${Math.random()}:`));
});

function linkStoreCases(make: () => OidcLinkStore): void {
  it('finds sessions by (iss, sid) and by (iss, sub), and the link by handle, until it expires', async () => {
    const store = make();
    await store.link(link('h1'), 1_000);
    await store.link(link('h2', { sid: 'sid-2' }), 1_000);
    expect(await store.linked(ISS, { sid: 'sid-1' }, 2_000)).toEqual([{ userId: 'u-alice', handle: 'h1' }]);
    expect((await store.linked(ISS, { sub: 'alice' }, 2_000)).map((s) => s.handle).sort()).toEqual(['h1', 'h2']);
    expect(await store.linked('https://other.example.com', { sid: 'sid-1' }, 2_000)).toEqual([]);
    expect((await store.forHandle('h1', 2_000))?.idToken).toBe('header.payload.sig');
    await store.unlink('h1');
    expect(await store.forHandle('h1', 2_000)).toBeNull();
    expect(await store.linked(ISS, { sid: 'sid-2' }, 10_000)).toEqual([]);
  });

  it('a sid logout mark refuses that sid; a sub mark refuses ID tokens issued by then only', async () => {
    const store = make();
    await store.markLoggedOut(ISS, { sid: 'sid-1' }, 1_000, 60_000);
    await store.markLoggedOut(ISS, { sub: 'bob' }, 5_000, 60_000);
    expect(await store.isLoggedOut(ISS, 'sid-1', 'alice', 9_000, 2_000)).toBe(true);
    expect(await store.isLoggedOut(ISS, 'sid-2', 'alice', 9_000, 2_000)).toBe(false);
    expect(await store.isLoggedOut(ISS, 'sid-9', 'bob', 4_000, 6_000)).toBe(true);
    expect(await store.isLoggedOut(ISS, 'sid-9', 'bob', 6_000, 6_000)).toBe(false);
  });

  it('a jti is taken once', async () => {
    const store = make();
    expect(await store.claimJti(ISS, 'j-1', 60_000, 1_000)).toBe(true);
    expect(await store.claimJti(ISS, 'j-1', 60_000, 1_000)).toBe(false);
    expect(await store.claimJti(ISS, 'j-2', 60_000, 1_000)).toBe(true);
  });

  it('odd values (braces, lone surrogates, NUL, __proto__) stay apart and never throw', async () => {
    const store = make();
    for (const sid of ['{x}', '\ud800', 'a\u0000', '__proto__']) {
      await store.link(link(`h-${sid.length}-${sid.charCodeAt(0)}`, { sid }), 1_000);
      expect(await store.linked(ISS, { sid }, 2_000)).toHaveLength(1);
    }
  });
}

describe.runIf(redisAvailable)('OIDC link keys in Redis', () => {
  it('each key is its own hash tag (one slot per lookup on Redis Cluster) and every key expires', async () => {
    const own = `${prefix}keys:`;
    const store = new RedisOidcLinkStore(redis as unknown as RedisOidcLinkClient, own);
    const now = Date.now();
    await store.link(link('h1', { expiresAt: now + 60_000 }), now);
    await store.markLoggedOut(ISS, { sid: 'sid-1' }, now, now + 60_000);
    await store.markLoggedOut(ISS, { sub: 'alice' }, now, now + 60_000);
    await store.claimJti(ISS, 'j', now + 60_000, now);
    const keys = await redis!.keys(`${own}*`);
    expect(keys).toHaveLength(6);
    for (const key of keys) {
      expect(key.slice(own.length)).toMatch(/^oidc:\{[^{}]+\}$/);
      expect(await redis!.pTTL(key)).toBeGreaterThan(0);
    }
  });
});
