import { createClient, createCluster, createSentinel, type RedisClientType, type RedisClusterType } from 'redis';
import { describe, expect, it } from 'vitest';
import { REDIS_URL } from '../../test/support/redis-url.js';
import { redisAvailable } from '../../test/support/stores.js';
import { SessionOptionsError } from '../errors/session-options.error.js';
import { RedisConnection, redisTopology } from './redis-connection.js';
import { SessionStoreTimeoutError } from './store-timeout.js';

describe('RedisConnection options', () => {
  it.each([
    [{}, 'got none'],
    [{ url: 'redis://127.0.0.1:6379', cluster: { rootNodes: ['redis://127.0.0.1:7000'] } }, 'got url, cluster'],
  ])('refuses anything but exactly one of client, url, cluster, sentinel: %j', (options, message) => {
    expect(() => new RedisConnection(options)).toThrow(SessionOptionsError);
    expect(() => new RedisConnection(options)).toThrow(message);
  });

  it.each([[[]], [['127.0.0.1:7000']], [['http://127.0.0.1:7000']], [[42]]])(
    'refuses cluster.rootNodes that are not redis:// URLs: %j',
    (rootNodes) => {
      expect(() => new RedisConnection({ cluster: { rootNodes: rootNodes as string[] } })).toThrow(/cluster\.rootNodes/);
    },
  );

  it('refuses a sentinel set without sentinels or without a master name', () => {
    expect(() => new RedisConnection({ sentinel: { sentinels: [], name: 'mymaster' } })).toThrow(/sentinel\.sentinels/);
    expect(() => new RedisConnection({ sentinel: { sentinels: [{ host: '127.0.0.1', port: 26379 }], name: '' } })).toThrow(
      /sentinel\.name/,
    );
  });

  it('refuses a client that is not a node-redis client', () => {
    expect(() => new RedisConnection({ client: {} as unknown as RedisClusterType })).toThrow(/node-redis client/);
  });

  it('carries credentials and TLS of the root URLs to every discovered cluster node', () => {
    const { client, topology, owned } = new RedisConnection({
      cluster: { rootNodes: ['rediss://app:s%40cret@10.0.0.1:7000', 'rediss://10.0.0.2:7000'] },
    });
    expect(topology).toBe('cluster');
    expect(owned).toBe(true);
    const defaults = (client as RedisClusterType)._options.defaults!;
    expect(defaults).toMatchObject({ username: 'app', password: 's@cret', disableOfflineQueue: true });
    expect(defaults.socket).toMatchObject({ tls: true, connectTimeout: 2_000 });
  });

  it('lets the app override the fail-fast node defaults it names', () => {
    const { client } = new RedisConnection({
      cluster: { rootNodes: ['redis://10.0.0.1:7000'], defaults: { password: 'x', socket: { connectTimeout: 5_000 } } },
    });
    const defaults = (client as RedisClusterType)._options.defaults!;
    expect(defaults).toMatchObject({ password: 'x', disableOfflineQueue: true });
    expect(defaults.socket).toMatchObject({ connectTimeout: 5_000 });
  });
});

describe('RedisConnection client-side cache: a single Redis only', () => {
  it('turns on RESP3 caching on the client it builds from url', () => {
    const { client, cache } = new RedisConnection({ url: 'redis://127.0.0.1:1', clientSideCache: {} });
    expect((client as RedisClientType).clientSideCache).toBeDefined();
    expect(cache).toBeDefined();
  });

  it.each([
    ['cluster', { cluster: { rootNodes: ['redis://10.0.0.1:7000'] } }, /not with Redis Cluster/],
    ['sentinel', { sentinel: { sentinels: [{ host: '10.0.0.1', port: 26379 }], name: 'mymaster' } }, /not with Redis Sentinel/],
    ['an app-supplied client', { client: createClient() }, /createClient\(\{ RESP: 3/],
  ])('refuses clientSideCache with %s (SessionOptionsError)', (_kind, options, message) => {
    const make = () => new RedisConnection({ ...options, clientSideCache: { maxEntries: 10 } });
    expect(make).toThrow(SessionOptionsError);
    expect(make).toThrow(message);
  });

  it('refuses an app-supplied Cluster client created with clientSideCache', () => {
    const client = createCluster({
      rootNodes: [{ url: 'redis://10.0.0.1:7000' }],
      RESP: 3,
      clientSideCache: { maxEntries: 10 },
    }) as unknown as RedisClusterType;
    expect(() => new RedisConnection({ client })).toThrow(/client-side caching is supported on a single Redis only/);
  });

  it('has no cache without the option', () => {
    expect(new RedisConnection({ url: 'redis://127.0.0.1:1' }).cache).toBeUndefined();
  });
});

describe('redisTopology', () => {
  it('tells a plain client, a Cluster client and a Sentinel client apart', () => {
    expect(redisTopology(createClient())).toBe('standalone');
    expect(redisTopology(createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:7000' }] }))).toBe('cluster');
    expect(redisTopology(createSentinel({ name: 'mymaster', sentinelRootNodes: [{ host: '127.0.0.1', port: 26379 }] }))).toBe(
      'sentinel',
    );
  });

  it.runIf(redisAvailable)('an app-supplied client is not owned: connected if it came unconnected, never closed', async () => {
    const client = createClient({ url: REDIS_URL }) as RedisClientType;
    client.on('error', () => undefined);
    const connection = new RedisConnection({ client });
    expect(connection.owned).toBe(false);
    expect(connection.topology).toBe('standalone');
    try {
      await connection.open();
      expect(client.isOpen).toBe(true);
      await connection.close();
      expect(client.isOpen).toBe(true);
    } finally {
      if (client.isOpen) await client.close();
    }
  });
});

describe('RedisConnection lifecycle', () => {
  it('an owned client, once closed, is never opened again by a late operation', async () => {
    const connection = new RedisConnection({ url: 'redis://127.0.0.1:1' });
    await connection.close();
    await expect(connection.run((client) => client.get('late'))).rejects.toThrow();
    expect(connection.client.isOpen).toBe(false);
  });
});

describe('RedisConnection timeout: the module\'s storeTimeout', () => {
  it('bounds node-redis commands of the clients it builds by the timeout it is given', () => {
    const plain = new RedisConnection({ url: 'redis://127.0.0.1:1' }, 250);
    expect(plain.timeoutMs).toBe(250);
    expect((plain.client as RedisClientType).options?.commandOptions).toMatchObject({ timeout: 250 });
    const cluster = new RedisConnection({ cluster: { rootNodes: ['redis://10.0.0.1:7000'] } }, 300);
    expect((cluster.client as RedisClusterType)._options.commandOptions).toMatchObject({ timeout: 300 });
  });

  it('defaults to the storeTimeout default (1 s)', () => {
    expect(new RedisConnection({ url: 'redis://127.0.0.1:1' }).timeoutMs).toBe(1_000);
  });

  it('passes the outcome of an operation through when it comes in time', async () => {
    const connection = new RedisConnection({ client: createClient() }, 1_000);
    await expect(connection.run(async () => 'OK')).resolves.toBe('OK');
    await expect(connection.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('rejects with SessionStoreTimeoutError when an operation hangs past the timeout', async () => {
    const connection = new RedisConnection({ client: createClient() }, 20);
    const hanging = connection.run(() => new Promise<string>(() => undefined), 'read');
    await expect(hanging).rejects.toBeInstanceOf(SessionStoreTimeoutError);
    await expect(hanging).rejects.toThrow('session store read did not finish within 20 ms');
  });

  it('swallows the late failure of an abandoned operation (no unhandled rejection)', async () => {
    let fail: (err: Error) => void = () => undefined;
    const connection = new RedisConnection({ client: createClient() }, 10);
    const late = connection.run(() => new Promise<string>((_resolve, reject) => (fail = reject)));
    await expect(late).rejects.toBeInstanceOf(SessionStoreTimeoutError);
    fail(new Error('too late'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
