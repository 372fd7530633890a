import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisClientType } from 'redis';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../../test/support/stores.js';
import { RedisScript } from './redis-script.js';

describe.runIf(redisAvailable)('RedisScript', () => {
  const prefix = uniquePrefix('script');
  let redis: RedisClientType;
  // A script of its own (the prefix is in its text), so no other test has loaded it.
  const script = new RedisScript(`-- ${prefix}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`);

  beforeAll(async () => {
    redis = await connectTestRedis();
  });

  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.close();
  });

  it('runs by its SHA-1 once the server has it, and loads it with EVAL only when the server answers NOSCRIPT', async () => {
    const key = `${prefix}counter`;
    // The commands stay the real client's; the spies only count what the script sends.
    const evalSha = vi.spyOn(redis, 'evalSha');
    const evalSource = vi.spyOn(redis, 'eval');
    expect((await redis.scriptExists(script.sha))[0]).toBe(0);

    expect(await script.run(redis, [key], ['2'])).toBe(2);
    expect([evalSha.mock.calls.length, evalSource.mock.calls.length]).toEqual([1, 1]);
    expect((await redis.scriptExists(script.sha))[0]).toBe(1);

    expect(await script.run(redis, [key], ['3'])).toBe(5);
    expect(await script.run(redis, [key], ['4'])).toBe(9);
    expect([evalSha.mock.calls.length, evalSource.mock.calls.length]).toEqual([3, 1]);
    expect(evalSha.mock.calls.every(([sha]) => sha === script.sha)).toBe(true);
    vi.restoreAllMocks();
  });

  it('passes any other error on, without running the script a second way', async () => {
    await script.run(redis, [`${prefix}loaded`], ['1']); // the server has the script now
    await redis.set(`${prefix}text`, 'not a number');
    const evalSource = vi.spyOn(redis, 'eval');
    await expect(script.run(redis, [`${prefix}text`], ['1'])).rejects.toThrow(/not an integer/);
    expect(evalSource).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });
});
