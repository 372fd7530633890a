import { randomBytes } from 'node:crypto';
import {
  ATTEMPT_MEMORY_MS,
  type AttemptDecision,
  type AttemptPolicy,
  type MfaStateStore,
  type TotpAttempt,
  type TotpAttemptResult,
} from './mfa-state-store.interface.js';
import { MfaStateKeys } from './mfa-state-keys.js';
import { RedisScript, type RedisScriptClient } from '../store/redis-script.js';

/**
 * A Lua function both attempt scripts share: counts one failure in KEYS[1] (the attempts hash);
 * the one that reaches ARGV[2] (maxAttempts) starts a lock of ARGV[3] * 2^(locks) capped at
 * ARGV[4]; the hash outlives the lock by ARGV[5]. Returns the lock's end, or '0'.
 */
const COUNT_FAILURE = `
local function countFailure(now)
  local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
  local untilMs = 0
  if fails >= tonumber(ARGV[2]) then
    local locks = redis.call('HINCRBY', KEYS[1], 'locks', 1)
    local duration = math.min(tonumber(ARGV[3]) * 2 ^ math.min(locks - 1, 40), tonumber(ARGV[4]))
    untilMs = now + duration
    redis.call('HSET', KEYS[1], 'fails', 0, 'lockedUntil', string.format('%.0f', untilMs))
  end
  redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.max(untilMs - now, 0) + tonumber(ARGV[5])))
  return string.format('%.0f', untilMs)
end
`;

/**
 * Counts an attempt unless the account is locked; the attempt that reaches the budget starts
 * a lock of base * 2^(locks) capped at max. Mirrors MemoryMfaStateStore.beginAttempt.
 * KEYS[1] attempts hash. ARGV: now, maxAttempts, base, max, memory. Returns {allowed, lockedUntil}.
 */
const BEGIN_ATTEMPT = new RedisScript(`${COUNT_FAILURE}
local now = tonumber(ARGV[1])
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
if lockedUntil > now then
  return {0, string.format('%.0f', lockedUntil)}
end
return {1, countFailure(now)}
`);

/**
 * One TOTP attempt, whole (see MfaStateStore.attemptTotp; mirrors MemoryMfaStateStore).
 * KEYS[1] attempts hash, KEYS[2] the factor's last consumed step (same hash tag).
 * ARGV: now, maxAttempts, base, max, memory, matched step (-1: none), step ttl.
 * Returns {outcome, lockedUntil}: outcome 'accepted' | 'failed' | 'replayed' | 'locked'.
 */
const ATTEMPT_TOTP = new RedisScript(`${COUNT_FAILURE}
local now = tonumber(ARGV[1])
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
if lockedUntil > now then
  return {'locked', string.format('%.0f', lockedUntil)}
end
local step = tonumber(ARGV[6])
local outcome = 'failed'
if step >= 0 then
  local last = tonumber(redis.call('GET', KEYS[2]) or '-1')
  if last < step then
    redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[7])
    redis.call('DEL', KEYS[1])
    return {'accepted', '0'}
  end
  outcome = 'replayed'
end
return {outcome, countFailure(now)}
`);

/** KEYS[1] last consumed step. ARGV: step, ttl. 1 when consumed now, 0 when at or before the last one. */
const CONSUME_TIME_STEP = new RedisScript(`
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if last >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

/** KEYS[1] mutex. ARGV: token. Deletes only our own lock. */
const RELEASE_LOCK = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** What the MFA state needs of node-redis: a plain, Cluster or Sentinel client all provide it. */
export interface RedisMfaStateClient extends RedisScriptClient {
  del(key: string): Promise<unknown>;
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>;
}

/**
 * The MFA state in Redis, on the session store's own node-redis client and key prefix.
 * Every method is one command or one Lua script on one key, so it is atomic across app
 * instances, and routed to that key's node on Redis Cluster (node-redis routes EVALSHA by its first key).
 * Keys: `<prefix>mfa:{u:<userId>}:attempts|totp:<factor>|lock` (see MfaStateKeys).
 */
export class RedisMfaStateStore implements MfaStateStore {
  constructor(
    private readonly client: RedisMfaStateClient,
    private readonly prefix: string,
  ) {}

  async beginAttempt(userId: string, policy: AttemptPolicy, now: number): Promise<AttemptDecision> {
    const reply = (await BEGIN_ATTEMPT.run(
      this.client,
      [this.key(MfaStateKeys.attempts(userId))],
      [now, policy.maxAttempts, policy.lockoutDuration, policy.maxLockoutDuration, ATTEMPT_MEMORY_MS].map(String),
    )) as [number, string];
    const allowed = Number(reply[0]) === 1;
    const lockedUntil = Number(reply[1]);
    if (!allowed) return { allowed: false, lockedUntil };
    return lockedUntil > 0 ? { allowed: true, lockedUntil } : { allowed: true };
  }

  async attemptTotp({ userId, factorId, matchedStep, policy, now, stepTtlMs }: TotpAttempt): Promise<TotpAttemptResult> {
    const reply = (await ATTEMPT_TOTP.run(
      this.client,
      [this.key(MfaStateKeys.attempts(userId)), this.key(MfaStateKeys.timeStep(userId, factorId))],
      [
        now,
        policy.maxAttempts,
        policy.lockoutDuration,
        policy.maxLockoutDuration,
        ATTEMPT_MEMORY_MS,
        matchedStep ?? -1,
        Math.max(1, Math.ceil(stepTtlMs)),
      ].map(String),
    )) as [string, string];
    const [outcome, until] = [String(reply[0]), Number(reply[1])];
    if (outcome === 'accepted') return { outcome };
    if (outcome === 'locked') return { outcome, lockedUntil: until };
    if (outcome !== 'failed' && outcome !== 'replayed') throw new Error(`unexpected MFA state reply ${outcome}`);
    return until > 0 ? { outcome, lockedUntil: until } : { outcome };
  }

  async clearAttempts(userId: string): Promise<void> {
    await this.client.del(this.key(MfaStateKeys.attempts(userId)));
  }

  async consumeTimeStep(userId: string, factorId: string, timeStep: number, ttlMs: number): Promise<boolean> {
    const reply = await CONSUME_TIME_STEP.run(
      this.client,
      [this.key(MfaStateKeys.timeStep(userId, factorId))],
      [String(timeStep), String(Math.max(1, Math.ceil(ttlMs)))],
    );
    return Number(reply) === 1;
  }

  async acquireLock(userId: string, ttlMs: number): Promise<string | null> {
    const token = randomBytes(16).toString('base64url');
    const reply = await this.client.set(this.key(MfaStateKeys.lock(userId)), token, {
      condition: 'NX',
      expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) },
    });
    return reply === 'OK' ? token : null;
  }

  async releaseLock(userId: string, token: string): Promise<void> {
    await RELEASE_LOCK.run(this.client, [this.key(MfaStateKeys.lock(userId))], [token]);
  }

  private key(name: string): string {
    return this.prefix + name;
  }
}
