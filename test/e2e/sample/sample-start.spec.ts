import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.js';
import { setCookies } from '../../support/http-client.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START_TIMEOUT_MS = 30_000;

/** The environment without any of the sample's variables, plus `env`. */
function sampleEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const name of ['PORT', 'SESSION_STORE', 'REDIS_URL', 'SESSION_SECRET', 'TRUST_PROXY', 'APP_ORIGIN', 'NODE_ENV']) {
    delete clean[name];
  }
  return { ...clean, ...env };
}

/** `npm run sample` in its own process group, so that stopping it stops npm and node, and nothing else. */
function startSample(env: Record<string, string>): { child: ChildProcess; output: () => string; stdout: () => string } {
  const child = spawn('npm', ['run', 'sample'], {
    cwd: ROOT,
    env: sampleEnv(env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stdout: () => stdout, output: () => `${stdout}\n${stderr}` };
}

/** Resolves when `line` appears on stdout; rejects if the process exits or the wait runs out first. */
function waitForLine(child: ChildProcess, stdout: () => string, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${line}" within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const check = () => stdout().split('\n').includes(line) && done();
    const exited = (code: number | null) => done(new Error(`the sample exited (${code}) before "${line}"`));
    function done(error?: Error): void {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.off('exit', exited);
      if (error) reject(error);
      else resolve();
    }
    child.stdout!.on('data', check);
    child.on('exit', exited);
    check();
  });
}

/** Stops exactly the process group the test started; SIGKILL if it does not go within 10 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

describe('sample start-up: npm run sample', () => {
  it('starts with no services, prints the listening line, logs in over plain HTTP with `sid`', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const sample = startSample({ PORT: String(port), SESSION_STORE: 'memory' });
    try {
      await waitForLine(sample.child, sample.stdout, `listening on http://127.0.0.1:${port}`);
      const server = request(`http://127.0.0.1:${port}`);
      const res = await server.post('/api/auth/login').send({ username: 'alice', password: 'alice-password' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: { id: 'user-alice', username: 'alice' }, mfa: 'none' });
      const cookies = setCookies(res);
      expect(cookies.map((cookie) => cookie.name)).toEqual(['sid']);
      expect(cookies[0]!.attributes['secure']).toBeUndefined();
      expect(cookies[0]!.attributes).toMatchObject({ httponly: true, path: '/', samesite: 'Lax' });
      const me = await server.get('/api/me').set('Cookie', `sid=${cookies[0]!.value}`);
      expect(me.status).toBe(200);
      expect(sample.stdout().split('\n').filter((line) => line.startsWith('listening on'))).toHaveLength(1);
      // The development shortcuts are announced; secrets never are.
      expect(sample.output()).toContain('SESSION_SECRET is not set');
      expect(sample.output()).toContain('allowInsecureHttp is on');
      expect(sample.output()).not.toContain(cookies[0]!.value);
    } finally {
      await stop(sample.child);
    }
    expect(sample.child.signalCode ?? sample.child.exitCode).not.toBeNull();
  });

  it('exits with status 1 and a message naming the variable when the configuration is bad', { timeout: 60_000 }, async () => {
    const sample = startSample({ PORT: String(await freePort()), SESSION_STORE: 'mongodb' });
    try {
      const [code] = (await once(sample.child, 'exit')) as [number | null];
      expect(code).toBe(1);
      expect(sample.output()).toContain('sample: SESSION_STORE must be "memory" (default), "redis", "redis-cluster", "redis-sentinel" or "cookie", not "mongodb"');
      expect(sample.output()).not.toMatch(/\n\s+at /);
    } finally {
      await stop(sample.child);
    }
  });
});
