import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { requireRedisServers, waitFor } from '../support/redis-processes.js';

const FIXTURE = fileURLToPath(new URL('../support/redis-server-owner.fixture.ts', import.meta.url));

/** True while `pid` is a live process (a zombie waiting to be reaped counts as gone). */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

describe.runIf(requireRedisServers('redis process groups'))('redis-server processes the tests start', () => {
  let owner: ChildProcess | undefined;
  let serverPid: number | undefined;
  afterEach(() => {
    // Only what this test started: its own child, and the server that child reported.
    if (owner?.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
    if (serverPid !== undefined && isRunning(serverPid)) process.kill(serverPid, 'SIGKILL');
    owner = undefined;
    serverPid = undefined;
  });

  it('die with a test worker that is SIGKILLed (no exit hook runs), leaving no redis-server behind', async () => {
    owner = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', FIXTURE], { stdio: ['ignore', 'pipe', 'inherit'] });
    const child = owner;
    serverPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n')) resolve((JSON.parse(line!) as { pid: number }).pid);
      });
      child.once('exit', (code) => reject(new Error(`the fixture exited (${String(code)}) before starting redis-server`)));
    });
    expect(isRunning(serverPid)).toBe(true);
    child.kill('SIGKILL');
    const pid = serverPid;
    await waitFor(async () => !isRunning(pid), 10_000, () => `redis-server ${pid} still runs after its owner was SIGKILLed`);
    expect(isRunning(pid)).toBe(false);
  }, 30_000);
});
