import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type RedisClientType } from 'redis';
import { isCi } from './ci.js';

/**
 * redis-server processes the suites start themselves (a lone server for outage tests, Cluster
 * and Sentinel sets), on free local ports, in a temp dir, as child processes: every harness
 * knows its PIDs and stops exactly those, never the shared Redis on 6379 nor anything it did
 * not start. The one implementation behind RedisServerProcess, RedisClusterHarness and
 * RedisSentinelHarness.
 */

/** True when redis-server and redis-cli are on PATH. */
export const redisServersAvailable = ['redis-server', 'redis-cli'].every(
  (binary) => spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0,
);

/**
 * Call at the top of a suite that starts its own servers. Without redis-server: under CI=true
 * (any truthy CI) the suite fails; elsewhere it is skipped with a loud banner. Returns whether to run.
 */
export function requireRedisServers(suite: string): boolean {
  if (redisServersAvailable) return true;
  if (isCi()) throw new Error(`CI is set and redis-server/redis-cli are not installed: ${suite} cannot run`);
  console.warn(`\n${'!'.repeat(78)}\n  redis-server/redis-cli NOT found: ${suite} is SKIPPED.\n  Install them: apt-get install redis-server\n${'!'.repeat(78)}\n`);
  return false;
}

/** One redis-server (or sentinel) process this harness started. */
export class RedisProcess {
  private exited = false;
  private readonly exitedPromise: Promise<void>;

  private constructor(
    readonly port: number,
    readonly child: ChildProcess,
    readonly logFile: string,
    private readonly watchdog: ChildProcess | undefined,
  ) {
    this.exitedPromise = new Promise((resolve) => {
      const gone = () => {
        this.exited = true;
        running.delete(this);
        // Its group is gone: the watchdog (and its `sleep`) must never signal that group ID again.
        if (this.watchdog?.pid !== undefined) {
          try {
            process.kill(-this.watchdog.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
        resolve();
      };
      child.once('exit', gone);
      // A spawn failure (no binary) emits 'error' and no 'exit'.
      child.once('error', gone);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /**
   * Spawns `redis-server <args>` (not daemonized) in a process group of its own, and waits until
   * it answers on `port`. Signals go to that group, so a fork it made (a background save or AOF
   * rewrite) goes with it; a watchdog in a group of its own kills the group if this worker dies
   * without running its exit hooks (SIGKILL, OOM), so no server outlives the test run.
   */
  static async start(port: number, args: string[], logFile: string): Promise<RedisProcess> {
    const child = spawn('redis-server', args, { stdio: 'ignore', detached: true });
    const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid);
    const server = new RedisProcess(port, child, logFile, watchdog);
    running.add(server);
    await server.waitUntilReady();
    return server;
  }

  /** Sends `signal` to this server's process group (SIGSTOP: a hung server; SIGCONT: it answers again). */
  signal(signal: NodeJS.Signals): void {
    if (this.exited) throw new Error(`redis-server on port ${this.port} is not running`);
    this.signalGroup(signal);
  }

  /** SIGKILL: the crash a failover test needs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.exited) {
      // A stopped (SIGSTOP) process dies of SIGKILL too; SIGCONT first keeps its exit prompt.
      this.signalGroup('SIGCONT');
      this.signalGroup('SIGKILL');
    }
    await this.exitedPromise;
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 2_000): Promise<void> {
    if (this.exited) return;
    this.signalGroup('SIGCONT');
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exitedPromise;
    clearTimeout(timer);
  }

  /**
   * Signals the group this harness created (its ID is the server's PID), only while the server
   * has not been seen to exit: never a group, or a PID, that may have been reused since.
   */
  signalGroup(signal: NodeJS.Signals): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch (err) {
      // ESRCH: the group is already gone (its 'exit' event is on its way).
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  /** The last lines of the server's log, for failure messages. */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Ready when the server on the port answers with this process's own PID (not another's that took the port). */
  private async waitUntilReady(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.exited) {
      const info = await withNode(this.port, (client) => client.info('server')).catch(() => '');
      if (info.includes(`process_id:${this.pid}\r`)) return;
      await sleep(50);
    }
    await this.stop();
    throw new Error(`redis-server on port ${this.port} did not start:\n${this.logTail()}`);
  }
}

/** Every process started and not yet exited, so nothing outlives the test worker. */
const running = new Set<RedisProcess>();
const killRunning = () => {
  for (const server of running) server.signalGroup('SIGKILL');
};

/**
 * `sh` polling this worker's PID once a second; when the worker is gone, it SIGKILLs the server's
 * group. Killed as soon as the server exits, so it never outlives the group it watches.
 */
function startWatchdog(serverPid: number): ChildProcess {
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -s KILL -- "-$2" 2>/dev/null';
  const watchdog = spawn('sh', ['-c', script, 'redis-watchdog', String(process.pid), String(serverPid)], { stdio: 'ignore', detached: true });
  // It must not keep the worker alive, nor die with the worker's group.
  watchdog.unref();
  return watchdog;
}
process.once('exit', killRunning);
// Vitest ends its fork workers with SIGTERM, which skips 'exit'. Kill ours, then let the
// signal do what it would have done without this listener.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killRunning();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Stops the given processes (SIGTERM, then SIGKILL); never throws. */
export async function stopAll(servers: Iterable<RedisProcess>): Promise<void> {
  await Promise.all([...servers].map((server) => server.stop().catch(() => undefined)));
}

/**
 * The processes of a parallel start: every one that started is added to `started` (so the
 * caller can stop them), then the first failure, if any, is thrown.
 */
export function settled(results: PromiseSettledResult<RedisProcess>[], started: RedisProcess[]): RedisProcess[] {
  for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<RedisProcess>).value);
}

/** A fresh temp dir for one set of servers; `remove()` deletes it. */
export function makeTempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `nss-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * `count` ports P that are free together with P + 10000 (a cluster node's bus port), picked
 * below the usual ephemeral range (32768+) so outgoing connections do not take them meanwhile.
 */
export async function freeClusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count && attempt < 500; attempt++) {
    const port = 15_000 + Math.floor(Math.random() * 7_000);
    if (ports.includes(port)) continue;
    if ((await canBind(port)) && (await canBind(port + 10_000))) ports.push(port);
  }
  if (ports.length < count) throw new Error(`found only ${ports.length} of ${count} free cluster port pairs`);
  return ports;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Runs `fn` on a short-lived plain connection to one server (admin commands, assertions). */
export async function withNode<T>(port: number, fn: (client: RedisClientType) => Promise<T>): Promise<T> {
  const client = createClient({ socket: { host: '127.0.0.1', port, connectTimeout: 1_000, reconnectStrategy: false } }) as RedisClientType;
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

/** Polls `check` every `intervalMs` until it returns true; throws `describe()` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe: () => string, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
}

/** Runs redis-cli with `args`; resolves with stdout, rejects with stderr on failure. */
export function redisCli(args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`redis-cli ${args.join(' ')} failed (${String(code)}):\n${err || out}`));
    });
  });
}
