import {
  RedisProcess,
  freeClusterPorts,
  makeTempDir,
  redisCli,
  settled,
  stopAll,
  waitFor,
  withNode,
} from './redis-processes.js';

/** One line of CLUSTER NODES. */
export interface ClusterNodeInfo {
  port: number;
  master: boolean;
  failed: boolean;
  /** Slot ranges served (masters only). */
  slots: Array<[number, number]>;
}

/**
 * A real Redis Cluster of 3 masters and 3 replicas on free local ports, started by the test
 * and stopped by it: `const cluster = await RedisClusterHarness.start()` in beforeAll,
 * `await cluster.stop()` in afterAll (it stops exactly its six processes, even after a kill).
 */
export class RedisClusterHarness {
  private constructor(
    readonly servers: RedisProcess[],
    private readonly dir: { path: string; remove(): void },
  ) {}

  /** Seed URLs for `{ redis: { cluster: { rootNodes } } }`. */
  get rootNodes(): string[] {
    return this.servers.map((server) => `redis://127.0.0.1:${server.port}`);
  }

  /** Starts the set; a port taken between the check and the bind (another worker) gets a second try. */
  static async start(): Promise<RedisClusterHarness> {
    try {
      return await RedisClusterHarness.startOnce();
    } catch {
      return RedisClusterHarness.startOnce();
    }
  }

  private static async startOnce(): Promise<RedisClusterHarness> {
    const dir = makeTempDir('cluster');
    const ports = await freeClusterPorts(6);
    const started: RedisProcess[] = [];
    try {
      const results = await Promise.allSettled(
        ports.map((port) =>
          RedisProcess.start(
            port,
            [
              '--port', String(port),
              '--bind', '127.0.0.1',
              '--cluster-enabled', 'yes',
              '--cluster-config-file', `${dir.path}/nodes-${port}.conf`,
              // 3 s, not 1: a node starved of CPU for a second on a busy machine must not be failed over.
              '--cluster-node-timeout', '3000',
              '--save', '',
              '--appendonly', 'no',
              '--daemonize', 'no',
              // Replicas sync at once instead of after Redis 7's 5 s diskless-sync delay.
              '--repl-diskless-sync-delay', '0',
              '--dir', dir.path,
              '--logfile', `${dir.path}/redis-${port}.log`,
            ],
            `${dir.path}/redis-${port}.log`,
          ),
        ),
      );
      const servers = settled(results, started);
      await redisCli([
        '--cluster', 'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas', '1',
        '--cluster-yes',
      ]);
      const cluster = new RedisClusterHarness(servers, dir);
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (err) {
      await stopAll(started);
      dir.remove();
      throw err;
    }
  }

  /** Waits until every live node sees the cluster OK and every live replica is in sync. */
  async waitUntilHealthy(timeoutMs = 20_000): Promise<void> {
    let last = '';
    await waitFor(
      async () => {
        const live = this.servers.filter((server) => server.alive);
        const states = await Promise.all(
          live.map((server) =>
            withNode(server.port, async (client) => {
              const info = await client.clusterInfo();
              const replication = await client.info('replication');
              return { port: server.port, info, replication };
            }),
          ),
        );
        last = states.map((s) => `${s.port}: ${/cluster_state:(\w+)/.exec(s.info)?.[1]} ${/role:(\w+)/.exec(s.replication)?.[1]}`).join(', ');
        return states.every(
          ({ info, replication }) =>
            info.includes('cluster_state:ok') &&
            (!replication.includes('role:slave') ||
              (replication.includes('master_link_status:up') && replication.includes('master_sync_in_progress:0'))),
        );
      },
      timeoutMs,
      () => `cluster not healthy: ${last}`,
    );
  }

  /** CLUSTER NODES as seen by a live node. */
  async nodes(): Promise<ClusterNodeInfo[]> {
    const text = await withNode(this.anyLive().port, (client) => client.clusterNodes());
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const [, address, flags, , , , , , ...slots] = line.split(' ');
        const flagList = flags!.split(',');
        return {
          port: Number(/:(\d+)@/.exec(address!)![1]),
          master: flagList.includes('master'),
          failed: flagList.includes('fail') || flagList.includes('fail?'),
          slots: slots
            .filter((slot) => /^\d+(-\d+)?$/.test(slot))
            .map((slot) => {
              const [from, to] = slot.split('-').map(Number);
              return [from!, to ?? from!] as [number, number];
            }),
        };
      });
  }

  /** The port of the master serving `key`'s slot (CLUSTER KEYSLOT + CLUSTER NODES). */
  async masterOf(key: string): Promise<number> {
    const slot = await withNode(this.anyLive().port, (client) => client.clusterKeySlot(key));
    const owner = (await this.nodes()).find(
      (node) => node.master && !node.failed && node.slots.some(([from, to]) => slot >= from && slot <= to),
    );
    if (!owner) throw new Error(`no live master serves slot ${slot}`);
    return owner.port;
  }

  /** Every key matching `pattern`, with the master it lives on (SCAN on each live master). */
  async findKeys(pattern: string): Promise<Array<{ key: string; port: number }>> {
    const masters = (await this.nodes()).filter((node) => node.master && !node.failed && node.slots.length > 0);
    const found: Array<{ key: string; port: number }> = [];
    for (const { port } of masters) {
      await withNode(port, async (client) => {
        for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 1_000 })) {
          for (const key of keys) found.push({ key, port });
        }
      });
    }
    return found;
  }

  /**
   * Returns once `key`'s master has replicated everything it holds for that slot to a replica:
   * a write to the same slot (hash tag = the key) followed by WAIT on the same connection.
   */
  async replicated(key: string): Promise<void> {
    const port = await this.masterOf(key);
    const acked = await withNode(port, async (client) => {
      await client.set(`{${key}}:fence`, '1', { expiration: { type: 'PX', value: 60_000 } });
      return Number(await client.sendCommand(['WAIT', '1', '2000']));
    });
    if (acked !== 1) throw new Error(`WAIT on master ${port} saw ${String(acked)} replicas acknowledge`);
  }

  /**
   * CROSSSLOT errors counted by the live nodes since they started (INFO errorstats, Redis 6.2+):
   * a command that touched keys of several slots at once.
   */
  async crossSlotErrors(): Promise<number> {
    return Object.values(await this.crossSlotErrorsByNode()).reduce((sum, count) => sum + count, 0);
  }

  /** {@link crossSlotErrors} of each live node, masters and replicas, by port. */
  async crossSlotErrorsByNode(): Promise<Record<number, number>> {
    const live = this.servers.filter((server) => server.alive);
    const infos = await Promise.all(live.map((server) => withNode(server.port, (client) => client.info('errorstats'))));
    return Object.fromEntries(
      live.map((server, i) => [server.port, Number(/errorstat_CROSSSLOT:count=(\d+)/.exec(infos[i]!)?.[1] ?? 0)]),
    );
  }

  server(port: number): RedisProcess {
    const server = this.servers.find((candidate) => candidate.port === port);
    if (!server) throw new Error(`port ${port} is not one of this cluster's nodes`);
    return server;
  }

  /** Stops the six processes (SIGTERM, then SIGKILL) and removes the temp dir. */
  async stop(): Promise<void> {
    await stopAll(this.servers);
    this.dir.remove();
  }

  private anyLive(): RedisProcess {
    const live = this.servers.find((server) => server.alive);
    if (!live) throw new Error('no cluster node is alive');
    return live;
  }
}
