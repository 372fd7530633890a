import { SessionOptionsError } from '../errors/session-options.error.js';
import { SESSION_DEFAULTS } from '../options/session-defaults.js';
import {
  clientSideCacheClientOptions,
  clientSideCacheProblems,
  InvalidationBarrier,
  type RedisClientSideCacheOptions,
} from './redis-client-side-cache.js';
import { SharedCommandTimeout } from './shared-command-timeout.js';
import { withTimeout } from './store-timeout.js';
import { optionValueText } from '../util/option-value-text.js';
import {
  createClient,
  createCluster,
  createSentinel,
  type RedisClientType,
  type RedisClusterOptions,
  type RedisClusterType,
  type RedisSentinelOptions,
  type RedisSentinelType,
} from 'redis';

/** Any node-redis client the Redis store runs on: a plain client, a Cluster or a Sentinel client. */
export type RedisStoreClient = RedisClientType | RedisClusterType | RedisSentinelType;

/** What kind of deployment a {@link RedisStoreClient} talks to. */
export type RedisTopology = 'standalone' | 'cluster' | 'sentinel';

export interface RedisClusterStoreOptions {
  /**
   * Seed nodes, `redis://[user:password@]host:port` (or `rediss://`); list three or more so
   * start-up survives one being down. The client discovers the rest. Credentials and TLS of
   * the first URL apply to every discovered node too.
   */
  rootNodes: string[];
  /**
   * node-redis options for every node connection (credentials, TLS, ...), over the module's
   * fail-fast settings.
   */
  defaults?: RedisClusterOptions['defaults'];
}

export interface RedisSentinelStoreOptions {
  /** Sentinel addresses; list three or more so start-up survives one being down. */
  sentinels: Array<{ host: string; port: number }>;
  /** The monitored master's name, as in `sentinel monitor <name> ...`. */
  name: string;
  /** node-redis options for the master connection (e.g. `{ password }`), over the module's fail-fast settings. */
  nodeClientOptions?: RedisSentinelOptions['nodeClientOptions'];
  /** node-redis options for the connections to the sentinels themselves (e.g. `{ password }`). */
  sentinelClientOptions?: RedisSentinelOptions['sentinelClientOptions'];
}

/** Where the Redis store connects: exactly one of `client`, `url`, `cluster`, `sentinel`. */
export interface RedisConnectionOptions {
  /**
   * A node-redis client the app owns: `createClient()`, `createCluster()` or `createSentinel()`,
   * connected or not (the store connects it if needed). The store never closes it.
   */
  client?: RedisStoreClient;
  /** A Redis URL; the store opens the client and closes it on shutdown. */
  url?: string;
  /** A Redis Cluster; the store opens a cluster client and closes it on shutdown. */
  cluster?: RedisClusterStoreOptions;
  /** A master behind Redis Sentinel; the store opens a sentinel client and closes it on shutdown. */
  sentinel?: RedisSentinelStoreOptions;
  /**
   * Cache session records in this process (RESP3 client-side caching with server-assisted
   * invalidation): hot reads cost no round trip; a logout or revocation on any instance still
   * reaches every instance's next request. With `url` only: an app-supplied plain `client`
   * created with `RESP: 3` and `clientSideCache` is used as it is; Cluster and Sentinel are
   * refused. Off unless given; `{}` turns it on with the defaults. Needs Redis >= 6.
   * @default undefined (off)
   */
  clientSideCache?: RedisClientSideCacheOptions;
}

/**
 * Fail-fast settings of the clients the store opens: connect and reconnect fast, queue nothing
 * while offline. Each command is bounded by the module's `storeTimeout` (see RedisConnection).
 */
const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 1_000;
/**
 * node-redis re-reads a cluster's slot map only on MOVED/ASK, or once a node has been
 * reconnecting this long (its default is 5 s): after a master dies, this is what finds the
 * promoted replica.
 */
const CLUSTER_TOPOLOGY_REFRESH_MS = 1_000;

const reconnectStrategy = (retries: number): number => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS);

type ClusterSocketOptions = NonNullable<NonNullable<RedisClusterOptions['defaults']>['socket']>;

/**
 * The Redis connection behind the store: builds the client the options name (or adopts the
 * app's), knows whether the store owns it, and bounds every operation.
 */
export class RedisConnection {
  readonly client: RedisStoreClient;
  readonly topology: RedisTopology;
  /** True when the store built the client: it opens, reopens and closes it. */
  readonly owned: boolean;
  /** The bound of every operation: the module's `storeTimeout`. */
  readonly timeoutMs: number;
  /**
   * Present when the client caches records (client-side caching): reads wait for invalidations
   * already received, deletes for every other cache to have been told.
   */
  readonly cache: InvalidationBarrier | undefined;
  /** Drops the store's own commands queued past the timeout, on a client the store built. */
  private readonly commandTimeout: SharedCommandTimeout<RedisStoreClient> | undefined;
  /**
   * What reads are issued on: the client without any per-command timeout or abort signal (each
   * costs an abort listener per command). A read node-redis still runs after the caller gave up
   * changes nothing, so it need not be dropped; the caller is answered at the bound all the same.
   */
  private readonly reader: RedisStoreClient;
  private opening: Promise<void> | undefined;
  private closed = false;

  /** `timeoutMs` bounds each operation; the module passes its `storeTimeout`. */
  constructor(options: RedisConnectionOptions, timeoutMs: number = SESSION_DEFAULTS.storeTimeout) {
    // SessionModule reports these with every other option problem before it gets here; this
    // covers a RedisSessionStore an app builds itself.
    const problems = redisConnectionProblems(options);
    if (problems.length > 0) throw new SessionOptionsError(problems);
    this.timeoutMs = timeoutMs;
    this.owned = options.client === undefined;
    this.client = options.client ?? buildClient(options, timeoutMs);
    // An app's client runs with the command options the app gave it.
    this.commandTimeout = this.owned ? new SharedCommandTimeout(this.client, timeoutMs) : undefined;
    this.reader = this.owned
      ? ((this.client as unknown as { withCommandOptions(options: object): unknown }).withCommandOptions({
          timeout: undefined,
        }) as RedisStoreClient)
      : this.client;
    this.topology = redisTopology(this.client);
    this.cache = this.topology === 'standalone' ? InvalidationBarrier.for(this.client as RedisClientType) : undefined;
    // node-redis emits 'error' on every failed reconnect; without a listener Node would crash.
    // An app-supplied client is the app's to listen to.
    if (this.owned) this.client.on('error', () => undefined);
  }

  /**
   * Opens a client that is not open. An app's client is connected here if it came unconnected
   * (and never reopened or closed afterwards: it is the app's). An owned Cluster or Sentinel
   * client whose first connect failed stays closed (unlike a plain client, it does not retry):
   * this opens it again.
   */
  open(): Promise<void> {
    if (!this.owned) return this.client.isOpen ? Promise.resolve() : this.client.connect().then(() => undefined);
    if (this.closed || (this.client.isOpen && !this.opening)) return Promise.resolve();
    this.opening ??= this.connectOnce().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /**
   * Runs one store operation, rejecting with SessionStoreTimeoutError after `timeoutMs`
   * whatever the client does; an owned client that is closed (a failed first connect) is
   * reopened in the background for the next one. `operation` gets the client to issue its
   * commands on (see SharedCommandTimeout).
   */
  run<T>(operation: (client: RedisStoreClient) => Promise<T>, name = 'operation'): Promise<T> {
    return this.bounded(operation, this.commandClient(), name);
  }

  /**
   * The client to issue a command on now: on a client the store built, one whose commands share
   * an abort signal (see SharedCommandTimeout); an app's client as it is.
   */
  commandClient(): RedisStoreClient {
    return this.commandTimeout?.clientNow() ?? this.client;
  }

  /** {@link run} for an operation that only reads: its commands are never dropped (see `reader`). */
  runRead<T>(operation: (client: RedisStoreClient) => Promise<T>): Promise<T> {
    return this.bounded(operation, this.reader, 'read');
  }

  private bounded<T>(operation: (client: RedisStoreClient) => Promise<T>, client: RedisStoreClient, name: string): Promise<T> {
    if (this.owned && !this.client.isOpen) this.open().catch(() => undefined);
    let running: Promise<T>;
    try {
      running = operation(client);
    } catch (err) {
      // A closed cluster client throws synchronously; make that a rejection like any other failure.
      running = Promise.reject(err);
    }
    return withTimeout(running, this.timeoutMs, name);
  }

  private async connectOnce(): Promise<void> {
    await this.client.connect();
    // A cluster client that connected while the cluster was still forming keeps the partial
    // slot map it saw, and nothing makes it look again: start over on the next operation.
    if (this.topology === 'cluster' && !coversAllSlots(this.client as RedisClusterType)) {
      await this.client.destroy();
      throw new Error('RedisSessionStore: the cluster does not serve every slot yet');
    }
  }

  /** Closes an owned client: gracefully when it is up, at once when it is not (nothing to drain). */
  async close(): Promise<void> {
    // A request still running during shutdown must not open the client again.
    this.closed = true;
    if (!this.owned || !this.client.isOpen) return;
    if (this.client.isReady) await this.client.close();
    else await this.client.destroy();
  }
}

/** Tells a Cluster client from a Sentinel client from a plain one, by the API each has. */
export function redisTopology(client: RedisStoreClient): RedisTopology {
  // The test connect-redis itself uses for clusters.
  if ('masters' in client && typeof client.nodeClient === 'function') return 'cluster';
  if (typeof (client as { getMasterNode?: unknown }).getMasterNode === 'function') return 'sentinel';
  return 'standalone';
}

/** Whether a value has the API of a node-redis client, Cluster or Sentinel client. */
function isRedisClient(value: unknown): value is RedisStoreClient {
  const candidate = value as Record<string, unknown> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate['get'] === 'function' && typeof candidate['connect'] === 'function';
}

const CONNECTION_KINDS = ['url', 'client', 'cluster', 'sentinel'] as const;

/**
 * Every problem with `store.redis` (empty when it is usable): SessionModule's option resolver
 * reports them with the rest, RedisConnection refuses options that have any.
 */
export function redisConnectionProblems(options: object): string[] {
  const given = options as Partial<Record<keyof RedisConnectionOptions, unknown>>;
  const kinds = CONNECTION_KINDS.filter((name) => given[name] !== undefined);
  if (kinds.length !== 1) {
    return [
      `store.redis needs exactly one of \`url\` (redis://host:port), \`cluster\` ({ rootNodes }), \`sentinel\` ({ sentinels, name }) or a node-redis \`client\` (got ${kinds.length ? kinds.join(', ') : 'none'}).`,
    ];
  }
  const kind = kinds[0]!;
  const problems = connectionKindProblems(kind, given[kind]);
  if (given.clientSideCache !== undefined) problems.push(...clientSideCacheUseProblems(kind, given.clientSideCache));
  return problems;
}

function connectionKindProblems(kind: (typeof CONNECTION_KINDS)[number], value: unknown): string[] {
  switch (kind) {
    case 'url':
      return typeof value === 'string' && value.length > 0 ? [] : ['store.redis.url must be a redis:// URL.'];
    case 'client':
      return clientProblems(value);
    case 'cluster':
      return clusterProblems(value as Partial<RedisClusterStoreOptions>);
    case 'sentinel':
      return sentinelProblems(value as Partial<RedisSentinelStoreOptions>);
  }
}

function clientProblems(client: unknown): string[] {
  if (!isRedisClient(client)) {
    return ['store.redis.client must be a node-redis client (createClient, createCluster or createSentinel).'];
  }
  const topology = redisTopology(client);
  if (topology !== 'standalone' && (client as { clientSideCache?: unknown }).clientSideCache) {
    return [`client-side caching is supported on a single Redis only; create the ${topology} client without clientSideCache.`];
  }
  return [];
}

function clusterProblems(cluster: Partial<RedisClusterStoreOptions>): string[] {
  const rootNodes: unknown[] = Array.isArray(cluster?.rootNodes) ? cluster.rootNodes : [];
  if (rootNodes.length === 0) {
    return ['store.redis.cluster.rootNodes must list at least one redis:// URL (three or more advised).'];
  }
  return rootNodes
    .filter((url) => parseRedisUrl(url) === undefined)
    .map((url) => `store.redis.cluster.rootNodes entries must be redis:// or rediss:// URLs, not ${optionValueText(url)}.`);
}

function sentinelProblems(sentinel: Partial<RedisSentinelStoreOptions>): string[] {
  const problems: string[] = [];
  const sentinels: Array<Partial<{ host: unknown; port: unknown }> | null> = Array.isArray(sentinel?.sentinels) ? sentinel.sentinels : [];
  if (sentinels.length === 0 || sentinels.some((s) => typeof s?.host !== 'string' || !Number.isInteger(s.port))) {
    problems.push('store.redis.sentinel.sentinels must list { host, port } of at least one sentinel (three or more advised).');
  }
  if (typeof sentinel?.name !== 'string' || sentinel.name.length === 0) {
    problems.push("store.redis.sentinel.name must be the monitored master's name.");
  }
  return problems;
}

/** Client-side caching only on the plain client the store builds from `url`. */
function clientSideCacheUseProblems(kind: (typeof CONNECTION_KINDS)[number], cache: unknown): string[] {
  if (kind === 'url') return clientSideCacheProblems(cache);
  if (kind === 'client') {
    return [
      'store.redis.clientSideCache applies to the client the store creates from `url`; create your client with createClient({ RESP: 3, clientSideCache: { maxEntries, ttl } }) instead.',
    ];
  }
  return [
    `store.redis.clientSideCache works with a single Redis (\`url\`) only, not with ${kind === 'cluster' ? 'Redis Cluster' : 'Redis Sentinel'}: remove it from store.redis.`,
  ];
}

const CLUSTER_SLOTS = 16_384;

function coversAllSlots(cluster: RedisClusterType): boolean {
  const slots = cluster.slots;
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) if (!slots[slot]) return false;
  return true;
}

function buildClient(options: RedisConnectionOptions, timeoutMs: number): RedisStoreClient {
  // node-redis drops a command still in its write queue after this, rather than run it late.
  // The module's own commands (sessions and their companions) get the same, cheaper, from
  // SharedCommandTimeout; this serves whatever else uses the client (an app through SESSION_REDIS).
  const commandOptions = { timeout: timeoutMs };
  if (options.cluster) return buildCluster(options.cluster, commandOptions);
  if (options.sentinel) return buildSentinel(options.sentinel, commandOptions);
  return createClient({
    url: options.url,
    ...(options.clientSideCache ? clientSideCacheClientOptions(options.clientSideCache) : {}),
    // Fail fast instead of queueing commands while Redis is away: callers answer 503.
    disableOfflineQueue: true,
    commandOptions,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy },
  }) as RedisClientType;
}

function buildCluster(options: RedisClusterStoreOptions, commandOptions: { timeout: number }): RedisClusterType {
  const urls = options.rootNodes.map((url) => new URL(url));
  // node-redis connects to discovered nodes with `defaults` only, never with a root node's
  // URL: carry its credentials and TLS over, or every node but the seeds would refuse us.
  const first = urls.find((url) => url.username || url.password) ?? urls[0]!;
  const tls = urls.some((url) => url.protocol === 'rediss:');
  const { socket: userSocket, ...userDefaults } = options.defaults ?? {};
  return createCluster({
    rootNodes: options.rootNodes.map((url) => ({ url })),
    defaults: {
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      disableOfflineQueue: true,
      ...userDefaults,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectStrategy,
        ...(tls ? { tls: true } : {}),
        ...userSocket,
      } as ClusterSocketOptions,
    },
    commandOptions,
    topologyRefreshOnReconnectionAttemptStrategy: CLUSTER_TOPOLOGY_REFRESH_MS,
  }) as unknown as RedisClusterType;
}

function buildSentinel(options: RedisSentinelStoreOptions, commandOptions: { timeout: number }): RedisSentinelType {
  const { socket: nodeSocket, ...nodeOptions } = options.nodeClientOptions ?? {};
  const { socket: sentinelSocket, ...sentinelOptions } = options.sentinelClientOptions ?? {};
  return createSentinel({
    name: options.name,
    sentinelRootNodes: options.sentinels.map(({ host, port }) => ({ host, port })),
    nodeClientOptions: {
      disableOfflineQueue: true,
      ...nodeOptions,
      socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy, ...nodeSocket } as ClusterSocketOptions,
    },
    sentinelClientOptions: {
      ...sentinelOptions,
      socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy, ...sentinelSocket } as ClusterSocketOptions,
    },
    commandOptions,
  }) as unknown as RedisSentinelType;
}

/** The URL of a redis:// or rediss:// address; undefined for anything else. */
function parseRedisUrl(url: unknown): URL | undefined {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : undefined;
    return parsed?.protocol === 'redis:' || parsed?.protocol === 'rediss:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
