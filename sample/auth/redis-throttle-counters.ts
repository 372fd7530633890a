import type { ThrottleAdmission, ThrottleCounters } from './throttle-counters.js';

/**
 * KEYS[1] failure count (expires with its window), KEYS[2] ZSET of admitted attempts (member =
 * lease, score = when it frees itself). ARGV: limit, lease, now (ms), lease length (ms).
 * Returns {1, failures} admitted, {0, ms left} throttled, {2, 0} busy.
 */
const ADMIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
local limit = tonumber(ARGV[1])
if failures >= limit then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then return {0, 1000} end
  return {0, ttl}
end
if failures + redis.call('ZCARD', KEYS[2]) >= limit then return {2, 0} end
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]) + tonumber(ARGV[4]), ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, failures}
`;

/**
 * KEYS as for ADMIT. ARGV: lease, failed (1/0), window (ms). Frees the slot; a failure is
 * counted, and the first failure of a window sets when it ends. Returns the failures now.
 */
const SETTLE = `
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] == '1' then
  local failures = redis.call('INCR', KEYS[1])
  if failures == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
  return failures
end
return tonumber(redis.call('GET', KEYS[1]) or '0')
`;

/** What the counters need of node-redis: a plain, Cluster or Sentinel client all provide it. */
export interface RedisThrottleClient {
  eval(script: string, options: { keys: string[]; arguments?: string[] }): Promise<unknown>;
}

/**
 * Counters in Redis, shared by every app instance, on the session store's own client and key
 * prefix. Each counter's two keys share its hash tag (`{a:...}`, `{ip:...}`), so each script
 * runs on one Redis Cluster node. Leases are timed by the app instances' clocks; skew between
 * instances only moves when a crashed attempt's slot frees itself.
 */
export class RedisThrottleCounters implements ThrottleCounters {
  constructor(
    private readonly client: RedisThrottleClient,
    private readonly prefix: string,
  ) {}

  async admit(key: string, lease: string, limit: number, leaseMs: number): Promise<ThrottleAdmission> {
    const [outcome, value] = (await this.client.eval(ADMIT, {
      keys: this.keys(key),
      arguments: [String(limit), lease, String(Date.now()), String(leaseMs)],
    })) as [number, number];
    if (Number(outcome) === 1) return { outcome: 'admitted', failures: Number(value) };
    if (Number(outcome) === 0) return { outcome: 'throttled', retryAfterMs: Number(value) };
    return { outcome: 'busy' };
  }

  async settle(key: string, lease: string, failed: boolean, windowMs: number): Promise<number> {
    return Number(
      await this.client.eval(SETTLE, { keys: this.keys(key), arguments: [lease, failed ? '1' : '0', String(windowMs)] }),
    );
  }

  private keys(key: string): [string, string] {
    return [`${this.prefix}${key}:failures`, `${this.prefix}${key}:in-flight`];
  }
}
