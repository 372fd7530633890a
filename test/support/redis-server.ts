import { freePort } from './free-port.js';
import { RedisProcess, makeTempDir } from './redis-processes.js';

export interface RedisServerOptions {
  /** Append-only file fsynced on every write: the data survives a SIGKILL and restart. */
  appendOnly?: boolean;
}

/**
 * A redis-server of the test's own, on a free port, for outage tests and clean command
 * counts. Stopped, resumed, killed and restarted by PID only (through RedisProcess);
 * `shutdown()` in afterAll always removes it (and RedisProcess's exit hooks do if afterAll
 * never runs).
 */
export class RedisServerProcess {
  private process: RedisProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: { path: string; remove(): void },
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(await freePort(), makeTempDir('redis'), options);
    try {
      await server.spawn();
    } catch (err) {
      server.dir.remove();
      throw err;
    }
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.alive ? this.process.pid : undefined;
  }

  /** SIGSTOP: the process keeps its data and its sockets, and answers nothing (a hung Redis). */
  pause(): void {
    this.running().signal('SIGSTOP');
  }

  resume(): void {
    this.running().signal('SIGCONT');
  }

  /** SIGKILL, as a crash: without appendOnly everything it held is gone. */
  async kill(): Promise<void> {
    await this.process?.kill();
    this.process = undefined;
  }

  /** Starts a new process on the same port and data directory. */
  async restart(): Promise<void> {
    await this.kill();
    await this.spawn();
  }

  async shutdown(): Promise<void> {
    await this.kill();
    this.dir.remove();
  }

  private running(): RedisProcess {
    if (!this.process?.alive) throw new Error('redis-server is not running');
    return this.process;
  }

  private async spawn(): Promise<void> {
    const logFile = `${this.dir.path}/redis.log`;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir.path];
    args.push('--daemonize', 'no', '--logfile', logFile);
    args.push(...(this.options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
    this.process = await RedisProcess.start(this.port, args, logFile);
  }
}
