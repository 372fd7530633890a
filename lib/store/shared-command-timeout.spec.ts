import { AbortError, createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REDIS_URL } from '../../test/support/redis-url.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../../test/support/stores.js';
import { RedisConnection } from './redis-connection.js';
import { SharedCommandTimeout } from './shared-command-timeout.js';
import { SessionStoreTimeoutError } from './store-timeout.js';

/** The command options node-redis applies to what is issued on `client`. */
const commandOptions = (client: unknown) => (client as { _commandOptions: { timeout?: number; abortSignal?: AbortSignal } })._commandOptions;

/** Polls until `done()` (readiness polling, not a fixed sleep); fails after 10 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !done(); ) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SharedCommandTimeout', () => {
  it('issues the commands of one slice of time on one client, with an abort signal instead of a timeout each', async () => {
    const base = createClient({ commandOptions: { timeout: 100 } });
    const shared = new SharedCommandTimeout(base, 100);
    const first = shared.clientNow();
    expect(shared.clientNow()).toBe(first);
    expect(commandOptions(first).timeout).toBeUndefined();
    expect(commandOptions(first).abortSignal).toBeInstanceOf(AbortSignal);
    // The client itself keeps its per-command timeout, for everything else that uses it.
    expect(commandOptions(base).timeout).toBe(100);

    await new Promise((resolve) => setTimeout(resolve, 15));
    // 15 ms of sleep is more than the 10 ms slice on any machine (a late wake only adds to it).
    const next = shared.clientNow();
    expect(next).not.toBe(first);
    expect(commandOptions(next).abortSignal).not.toBe(commandOptions(first).abortSignal);
  });

  it('aborts a slice one slice after its last command timed out, never before', () => {
    // A fake clock: the moment is exact, whatever the machine's load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const signal = commandOptions(new SharedCommandTimeout(createClient(), 100).clientNow()).abortSignal!;
      // The slice lasts 10 ms: its last command times out at 110 ms at the latest.
      vi.advanceTimersByTime(119);
      expect(signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(signal.aborted).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('works the same on a Cluster client, whose proxies replace the command options', () => {
    const cluster = createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:7000' }], commandOptions: { timeout: 100 } });
    const proxy = new SharedCommandTimeout(cluster as unknown as RedisClusterType, 100).clientNow();
    expect(commandOptions(proxy)).toMatchObject({ timeout: undefined, abortSignal: expect.any(AbortSignal) });
  });
});

/**
 * What the shared signal is for: a command node-redis still holds in its write queue when the
 * store gave up on it (node-redis holds it while the client is paused, as during a cluster
 * slot migration) is dropped, and never runs afterwards.
 */
describe.skipIf(!redisAvailable)('RedisConnection drops its abandoned commands (redis)', () => {
  const TIMEOUT = 300;
  const prefix = uniquePrefix('dropped');
  let connection: RedisConnection;
  let observer: RedisClientType;

  beforeAll(async () => {
    connection = new RedisConnection({ url: REDIS_URL }, TIMEOUT);
    await connection.open();
    observer = await connectTestRedis();
  });
  afterAll(async () => {
    await connection?.close();
    await deleteKeys(observer, prefix);
    await observer?.close();
  });

  it('answers SessionStoreTimeoutError though the client never answers, and drops the queued write, which never runs', async () => {
    const client = connection.client as unknown as { _pause(): void; _unpause(): void };
    let dropped: unknown;
    client._pause();
    try {
      const late = connection.run((commands) => {
        const command = commands.set(`${prefix}late`, '1');
        command.catch((err: unknown) => (dropped = err));
        return command;
      }, 'write');
      // The paused client never answers: only the store's own bound can end this.
      await expect(late).rejects.toBeInstanceOf(SessionStoreTimeoutError);
      // The caller's bound answers first; the command goes a little later (two tenths of the timeout).
      expect(dropped).toBeUndefined();
      await until(() => dropped !== undefined, 'the abandoned command was never dropped');
      expect(dropped).toBeInstanceOf(AbortError);
    } finally {
      client._unpause();
    }
    expect(await connection.run((commands) => commands.set(`${prefix}next`, '1'), 'write')).toBe('OK');
    expect(await observer.exists(`${prefix}next`)).toBe(1);
    expect(await observer.exists(`${prefix}late`)).toBe(0);
  });
});
