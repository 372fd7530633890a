import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';

export interface RedisServerOptions {
  /** Append-only file fsynced on every write: the data survives a SIGKILL and restart. */
  appendOnly?: boolean;
}

/**
 * A redis-server of the test's own, on a free port, for outage tests and clean command
 * counts. Stopped, resumed, killed and restarted by PID only; `shutdown()` in afterAll
 * always removes it (and a process exit hook does if afterAll never runs).
 */
export class RedisServerProcess {
  private child: ChildProcess | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {
    process.once('exit', this.killOnExit);
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(await freePort(), mkdtempSync(join(tmpdir(), 'nss-redis-')), options);
    await server.spawn();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGSTOP: the process keeps its data and its sockets, and answers nothing (a hung Redis). */
  pause(): void {
    this.signal('SIGSTOP');
  }

  resume(): void {
    this.signal('SIGCONT');
  }

  /** SIGKILL, as a crash: without appendOnly everything it held is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  /** Starts a new process on the same port and data directory. */
  async restart(): Promise<void> {
    await this.kill();
    await this.spawn();
  }

  async shutdown(): Promise<void> {
    await this.kill();
    process.removeListener('exit', this.killOnExit);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('redis-server is not running');
    process.kill(pid, signal);
  }

  private async spawn(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir, '--logfile', ''];
    args.push(...(this.options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    await this.waitForPing();
  }

  private async waitForPing(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const client = createClient({ url: this.url, socket: { connectTimeout: 500, reconnectStrategy: false } });
      client.on('error', () => undefined);
      try {
        await client.connect();
        if ((await client.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        if (client.isOpen) await client.close();
      }
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
