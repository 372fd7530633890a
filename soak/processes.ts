import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/free-port.js';
import type { SoakBreak } from './app/soak-data.controller.js';
import { APP_ORIGIN, type Endpoint } from './http.js';

const APP_ENTRY = fileURLToPath(new URL('./app/main.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** Every app process started and not yet gone: killed on exit, whatever ends the soak. */
const children = new Set<ChildProcess>();
const killChildren = () => {
  for (const child of children) child.kill('SIGKILL');
};
process.once('exit', killChildren);
// A signal skips 'exit': kill ours, then let the signal do what it would have done (as test/support does).
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killChildren();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

export interface AppSettings {
  store: Record<string, string>;
  usersDir: string;
  users: number;
  secret: string;
  mfaKey: string;
  defect: SoakBreak;
}

/** One RSS sample of one app process. */
export interface RssSample {
  instance: string;
  pid: number;
  firstMb: number;
  lastMb: number;
}

/**
 * One app instance (soak/app/main.ts) as a child process on its own port; `restart()` stops it
 * with SIGTERM (the app closes its store connections) and starts a new process on the same port.
 */
export class AppInstance implements Endpoint {
  private child: ChildProcess | undefined;
  readonly rss: RssSample[] = [];

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly settings: AppSettings,
  ) {}

  static async start(name: string, settings: AppSettings): Promise<AppInstance> {
    const app = new AppInstance(name, await freePort(), settings);
    await app.spawn();
    return app;
  }

  /** Samples RSS now: the first sample of a process is its start, the latest its end. */
  sampleRss(): void {
    const child = this.child;
    if (!child?.pid) return;
    const mb = rssMb(child.pid);
    const current = this.rss.find((s) => s.pid === child.pid);
    if (current) current.lastMb = mb;
    else this.rss.push({ instance: this.name, pid: child.pid, firstMb: mb, lastMb: mb });
  }

  async restart(): Promise<void> {
    this.sampleRss();
    await this.stop();
    await this.spawn();
    this.sampleRss();
  }

  async stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  private spawn(): Promise<void> {
    const { store, usersDir, users, secret, mfaKey, defect } = this.settings;
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', APP_ENTRY], {
      env: {
        ...process.env,
        ...store,
        PORT: String(this.port),
        APP_ORIGIN,
        SESSION_SECRET: secret,
        MFA_ENCRYPTION_KEY: mfaKey,
        MFA_MAX_ATTEMPTS: '20',
        SOAK_USERS_DIR: usersDir,
        SOAK_USER_COUNT: String(users),
        SOAK_BREAK: defect,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    children.add(child);
    child.once('exit', () => children.delete(child));
    child.stderr!.on('data', (chunk: Buffer) => countLogLines(chunk.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`${this.name} did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(err);
      };
      child.once('exit', (code) => fail(new Error(`${this.name} exited with ${String(code)} before listening`)));
      let out: string | undefined = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        if (out === undefined) return;
        out += chunk.toString();
        if (out.includes(`listening on http://127.0.0.1:${this.port}`)) {
          clearTimeout(timer);
          out = undefined;
          child.removeAllListeners('exit');
          child.once('exit', () => children.delete(child));
          resolve();
        }
      });
    });
  }
}

/** The apps' warning and error lines (stderr), counted by message without time, PID and colours. */
export const appLog = new Map<string, number>();

function countLogLines(text: string): void {
  for (const raw of text.split('\n')) {
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '').replace(/^\[Nest\] \d+\s+-\s+\S+,? \S+ \S+\s+/, '').trim();
    if (line) appLog.set(line, (appLog.get(line) ?? 0) + 1);
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}
