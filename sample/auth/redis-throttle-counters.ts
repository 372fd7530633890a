import type { ThrottleCounters, ThrottleHit } from './throttle-counters.js';

/**
 * KEYS[1] counter. ARGV: limit, window (ms). Returns {1, count} when counted, {0, ms left} when
 * refused. INCR and PEXPIRE run together, so a window always ends, whatever crashes in between.
 */
const HIT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    ttl = tonumber(ARGV[2])
  end
  return {0, ttl}
end
count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, count}
`;

/** KEYS[1] counter. One count back, keeping the TTL; never creates the key. */
const REFUND = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
`;

/** What the counters need of node-redis: a plain, Cluster or Sentinel client all provide it. */
export interface RedisThrottleClient {
  eval(script: string, options: { keys: string[]; arguments?: string[] }): Promise<unknown>;
}

/**
 * Counters in Redis, shared by every app instance, on the session store's own client and key
 * prefix. Each key carries a hash tag (`{a:...}`, `{ip:...}`) and each script touches one key,
 * so they also work on Redis Cluster.
 */
export class RedisThrottleCounters implements ThrottleCounters {
  constructor(
    private readonly client: RedisThrottleClient,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowMs: number): Promise<ThrottleHit> {
    const [counted, value] = (await this.client.eval(HIT, {
      keys: [this.prefix + key],
      arguments: [String(limit), String(windowMs)],
    })) as [number, number];
    return Number(counted) === 1
      ? { allowed: true, count: Number(value) }
      : { allowed: false, retryAfterMs: Number(value) };
  }

  async refund(key: string): Promise<void> {
    await this.client.eval(REFUND, { keys: [this.prefix + key] });
  }
}
