import { keySegment } from '../util/key-segment.js';
import { RedisScript, type RedisScriptClient } from '../store/redis-script.js';
import type { ActivityLimits, LoginHistory, LoginSighting, SecurityActivityEntry, SecurityActivityStore } from './security-activity.store.js';

/** What the activity store needs of node-redis: a plain, Cluster or Sentinel client all provide it. */
export interface RedisActivityClient extends RedisScriptClient {
  lRange(key: string, start: number, stop: number): Promise<unknown>;
}

// KEYS: history hash, log list. ARGV: now, log ttl, max entries, this login's JSON, device ('' = none),
// entry JSON, history ttl, max devices.
const RECORD_LOGIN = `
local previous = redis.call('HGET', KEYS[1], 'last') or ''
local seen = ''
if ARGV[5] ~= '' then seen = redis.call('HGET', KEYS[1], 'dev:' .. ARGV[5]) or '' end
redis.call('HSET', KEYS[1], 'last', ARGV[4])
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'dev:' .. ARGV[5], ARGV[1])
  if redis.call('HLEN', KEYS[1]) > tonumber(ARGV[8]) + 1 then
    local fields = redis.call('HGETALL', KEYS[1])
    local oldest, oldestAt = nil, nil
    for i = 1, #fields, 2 do
      if string.sub(fields[i], 1, 4) == 'dev:' and (oldestAt == nil or tonumber(fields[i + 1]) < oldestAt) then
        oldest, oldestAt = fields[i], tonumber(fields[i + 1])
      end
    end
    if oldest then redis.call('HDEL', KEYS[1], oldest) end
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('LPUSH', KEYS[2], ARGV[6])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {previous, seen}
`;

// KEYS: history hash. ARGV: previous login JSON ('' = none), device ('' = none), its last use ('' = never).
const RESTORE_LOGIN = `
if ARGV[1] == '' then redis.call('HDEL', KEYS[1], 'last') else redis.call('HSET', KEYS[1], 'last', ARGV[1]) end
if ARGV[2] ~= '' then
  if ARGV[3] == '' then redis.call('HDEL', KEYS[1], 'dev:' .. ARGV[2]) else redis.call('HSET', KEYS[1], 'dev:' .. ARGV[2], ARGV[3]) end
end
return 1
`;

// KEYS: log list. ARGV: entry JSON, max entries, log ttl.
const APPEND = `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

const RECORD = new RedisScript(RECORD_LOGIN);
const APPEND_ENTRY = new RedisScript(APPEND);
const RESTORE = new RedisScript(RESTORE_LOGIN);
const MAX_DEVICES = 64;

/**
 * The activity log in Redis, on the session store's client and prefix.
 *
 * Keys (one user, `<id>` = keySegment(userId)), both under the user's hash tag `{u:<id>}` like
 * the session index, so on Redis Cluster they share a slot and a login is one atomic script:
 * - `<prefix>security:{u:<id>}:log`      LIST  newest entry first, trimmed to `maxEntries`, TTL `ttl`
 * - `<prefix>security:{u:<id>}:history`  HASH  `last` = previous login JSON, `dev:<family>` = last use
 */
export class RedisSecurityActivityStore implements SecurityActivityStore {
  constructor(
    readonly client: RedisActivityClient,
    readonly prefix = 'sess:',
  ) {}

  keys(userId: string): { history: string; log: string } {
    const base = `${this.prefix}security:{u:${keySegment(userId)}}`;
    return { history: `${base}:history`, log: `${base}:log` };
  }

  async recordLogin(userId: string, login: LoginSighting, device: string | undefined, entry: SecurityActivityEntry, limits: ActivityLimits): Promise<LoginHistory> {
    const { history, log } = this.keys(userId);
    const reply = await this.run(RECORD, [history, log], [
      String(limits.now),
      String(limits.ttl),
      String(limits.maxEntries),
      JSON.stringify(login),
      device ?? '',
      JSON.stringify(entry),
      String(limits.historyTtl),
      String(MAX_DEVICES),
    ]);
    const [previous, seen] = Array.isArray(reply) ? reply.map(String) : ['', ''];
    return {
      previous: previous ? parseSighting(previous) : undefined,
      deviceLastSeen: seen && Number.isFinite(Number(seen)) ? Number(seen) : undefined,
    };
  }

  async restoreLogin(userId: string, device: string | undefined, history: LoginHistory): Promise<void> {
    await this.run(RESTORE, [this.keys(userId).history], [
      history.previous ? JSON.stringify(history.previous) : '',
      device ?? '',
      history.deviceLastSeen === undefined ? '' : String(history.deviceLastSeen),
    ]);
  }

  async append(userId: string, entry: SecurityActivityEntry, limits: ActivityLimits): Promise<void> {
    await this.run(APPEND_ENTRY, [this.keys(userId).log], [JSON.stringify(entry), String(limits.maxEntries), String(limits.ttl)]);
  }

  async list(userId: string, limit: number): Promise<SecurityActivityEntry[]> {
    const reply = await this.client.lRange(this.keys(userId).log, 0, limit - 1);
    if (!Array.isArray(reply)) return [];
    return reply.flatMap((json) => {
      try {
        return [JSON.parse(String(json)) as SecurityActivityEntry];
      } catch {
        return [];
      }
    });
  }

  /** The store borrows the session store's client: the session store closes it if it opened it. */
  async close(): Promise<void> {}

  private run(script: RedisScript, keys: string[], args: string[]): Promise<unknown> {
    return script.run(this.client, keys, args);
  }
}

function parseSighting(json: string): LoginSighting | undefined {
  try {
    const value = JSON.parse(json) as LoginSighting;
    return typeof value?.at === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}
