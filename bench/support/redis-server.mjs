import { spawn } from 'node:child_process';
import net from 'node:net';
import { createClient } from 'redis';

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of the bench's own, on a free port, without persistence, so that no other
 * traffic (tests, other benches) lands in its command statistics. Stopped by PID.
 */
export async function startRedisServer() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('error', (err) => {
    console.error(`could not start redis-server (${err.message}); install it (apt-get install redis-server)`);
    process.exit(1);
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  for (let attempt = 0; ; attempt++) {
    try {
      await client.connect();
      break;
    } catch (err) {
      if (attempt > 50) throw new Error(`redis-server on port ${port} did not answer: ${err.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    client,
    pid: child.pid,
    async stop() {
      if (client.isOpen) await client.close().catch(() => undefined);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Commands the bench itself sends between windows; never counted as the app's. */
const ADMIN_COMMANDS = new Set(['info', 'memory', 'scan', 'strlen', 'flushall', 'ping', 'hello', 'client', 'config', 'dbsize']);

/** Calls per command since the server started (INFO commandstats), admin commands left out. */
export async function commandCalls(client) {
  const text = await client.info('commandstats');
  const calls = {};
  for (const line of text.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match && !ADMIN_COMMANDS.has(match[1].split('|')[0])) calls[match[1]] = Number(match[2]);
  }
  return calls;
}

export function diffCalls(before, after) {
  const delta = {};
  for (const [name, value] of Object.entries(after)) {
    const d = value - (before[name] ?? 0);
    if (d > 0) delta[name] = d;
  }
  return delta;
}
