import { writeFileSync } from 'node:fs';
import { freePort } from './free-port.js';
import { RedisProcess, makeTempDir, settled, stopAll, waitFor, withNode } from './redis-processes.js';

/**
 * A real Sentinel set on free local ports, started by the test and stopped by it: one master,
 * one replica and three sentinels (quorum 2, down-after 3000 ms: a master starved of CPU for a
 * second on a busy machine is not failed over; a killed one is within seconds).
 * `const set = await RedisSentinelHarness.start()` in beforeAll, `await set.stop()` in afterAll.
 */
export class RedisSentinelHarness {
  readonly name = 'mymaster';

  private constructor(
    readonly dataServers: RedisProcess[],
    readonly sentinelServers: RedisProcess[],
    private readonly dir: { path: string; remove(): void },
  ) {}

  /** Addresses for `{ redis: { sentinel: { sentinels, name } } }`. */
  get sentinels(): Array<{ host: string; port: number }> {
    return this.sentinelServers.map((server) => ({ host: '127.0.0.1', port: server.port }));
  }

  /** Starts the set; a port taken between the check and the bind (another worker) gets a second try. */
  static async start(): Promise<RedisSentinelHarness> {
    try {
      return await RedisSentinelHarness.startOnce();
    } catch {
      return RedisSentinelHarness.startOnce();
    }
  }

  private static async startOnce(): Promise<RedisSentinelHarness> {
    const dir = makeTempDir('sentinel');
    const started: RedisProcess[] = [];
    try {
      const ports = await distinctFreePorts(5);
      const [masterPort, replicaPort, ...sentinelPorts] = ports as [number, number, ...number[]];
      const data = (port: number, extra: string[]) =>
        RedisProcess.start(
          port,
          [
            '--port', String(port),
            '--bind', '127.0.0.1',
            '--save', '',
            '--appendonly', 'no',
            '--daemonize', 'no',
            '--repl-diskless-sync-delay', '0',
            '--dir', dir.path,
            '--logfile', `${dir.path}/redis-${port}.log`,
            ...extra,
          ],
          `${dir.path}/redis-${port}.log`,
        ).then((server) => (started.push(server), server));
      const master = await data(masterPort, []);
      const replica = await data(replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)]);
      const set = new RedisSentinelHarness([master, replica], [], dir);
      await waitFor(
        () => withNode(replicaPort, async (client) => (await client.info('replication')).includes('master_link_status:up')),
        10_000,
        () => 'replica did not sync with the master',
      );
      const results = await Promise.allSettled(
        sentinelPorts.map((port) => {
          const conf = `${dir.path}/sentinel-${port}.conf`;
          // Sentinel rewrites its config file, so each gets its own, in the temp dir.
          writeFileSync(
            conf,
            [
              `port ${port}`,
              'bind 127.0.0.1',
              'daemonize no',
              `dir ${dir.path}`,
              `logfile ${dir.path}/sentinel-${port}.log`,
              `sentinel monitor ${set.name} 127.0.0.1 ${masterPort} 2`,
              `sentinel down-after-milliseconds ${set.name} 3000`,
              `sentinel failover-timeout ${set.name} 2000`,
              `sentinel parallel-syncs ${set.name} 1`,
              '',
            ].join('\n'),
          );
          return RedisProcess.start(port, [conf, '--sentinel'], `${dir.path}/sentinel-${port}.log`);
        }),
      );
      set.sentinelServers.push(...settled(results, started));
      await set.waitUntilHealthy();
      return set;
    } catch (err) {
      await stopAll(started);
      dir.remove();
      throw err;
    }
  }

  /**
   * Waits until every live sentinel knows the master as ok, one replica and the other two
   * sentinels: only then can they agree on a failover.
   */
  async waitUntilHealthy(timeoutMs = 20_000): Promise<void> {
    let last = '';
    await waitFor(
      async () => {
        const infos = await Promise.all(
          this.sentinelServers.filter((s) => s.alive).map((s) => withNode(s.port, (client) => client.info('sentinel'))),
        );
        last = infos.map((info) => /master0:(.*)/.exec(info)?.[1] ?? '?').join(' | ');
        return infos.every((info) => /status=ok/.test(info) && /slaves=1/.test(info) && /sentinels=3/.test(info));
      },
      timeoutMs,
      () => `sentinels not ready: ${last}`,
    );
  }

  /** The port the sentinels currently name as master. */
  async masterPort(): Promise<number> {
    const live = this.sentinelServers.find((s) => s.alive)!;
    const reply = await withNode(live.port, (client) =>
      client.sendCommand(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name]),
    );
    return Number((reply as unknown as string[])[1]);
  }

  /** The data server process on `port`. */
  server(port: number): RedisProcess {
    const server = this.dataServers.find((candidate) => candidate.port === port);
    if (!server) throw new Error(`port ${port} is not one of this set's data servers`);
    return server;
  }

  /** Returns once the master has everything it holds replicated: a write, then WAIT, on one connection. */
  async replicated(): Promise<void> {
    const port = await this.masterPort();
    const acked = await withNode(port, async (client) => {
      await client.set('test:fence', '1', { expiration: { type: 'PX', value: 60_000 } });
      return Number(await client.sendCommand(['WAIT', '1', '2000']));
    });
    if (acked !== 1) throw new Error(`WAIT on master ${port} saw ${String(acked)} replicas acknowledge`);
  }

  /** Stops the five processes (SIGTERM, then SIGKILL) and removes the temp dir. */
  async stop(): Promise<void> {
    await stopAll([...this.sentinelServers, ...this.dataServers]);
    this.dir.remove();
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
