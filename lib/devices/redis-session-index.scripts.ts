/**
 * Lua for the Redis session index. Every script touches exactly the three keys of one user
 * (KEYS[1] = ZSET handle -> expiresAt, KEYS[2] = HASH handle -> entry JSON, KEYS[3] = the
 * counter behind `seq`), which share a hash tag, so each runs atomically on one node, on a
 * single Redis or a Cluster alike. ARGV[1] is always `now` (epoch ms, the app's clock, so app
 * and index agree on expiry), ARGV[2] how long the keys outlive their last deadline.
 */

/** Drops expired entries (score <= now) and keeps both keys alive until the last deadline. */
const PRELUDE = `
local zkey, hkey, seqkey, now = KEYS[1], KEYS[2], KEYS[3], ARGV[1]
local function prune()
  local dead = redis.call('ZRANGEBYSCORE', zkey, '-inf', now)
  for i = 1, #dead, 500 do
    redis.call('HDEL', hkey, unpack(dead, i, math.min(i + 499, #dead)))
  end
  if #dead > 0 then redis.call('ZREMRANGEBYSCORE', zkey, '-inf', now) end
  return #dead
end
local function keepalive()
  local last = redis.call('ZRANGE', zkey, -1, -1, 'WITHSCORES')
  if #last == 0 then
    redis.call('DEL', zkey, hkey, seqkey)
    return
  end
  local ttl = math.ceil(tonumber(last[2]) - tonumber(now)) + tonumber(ARGV[2])
  redis.call('PEXPIRE', zkey, ttl)
  redis.call('PEXPIRE', hkey, ttl)
  redis.call('PEXPIRE', seqkey, ttl)
end
`;

/**
 * ARGV: now, slack, mode ('upsert' | 'replace'), handle, expiresAt, json (an object without
 * `seq`), the storage key a replaced entry must still point at. A new entry takes the next
 * `seq`, a replaced one keeps its own; it is written into the JSON. Returns 1 written, 0 not.
 */
export const PUT_SCRIPT = `${PRELUDE}
prune()
local mode, handle, score, json, expected = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local old = redis.call('HGET', hkey, handle)
if mode == 'replace' and (not old or cjson.decode(old).storageKey ~= expected) then
  keepalive()
  return 0
end
if tonumber(score) <= tonumber(now) then
  redis.call('ZREM', zkey, handle)
  redis.call('HDEL', hkey, handle)
  keepalive()
  return mode == 'replace' and 1 or 0
end
local seq = old and cjson.decode(old).seq or redis.call('INCR', seqkey)
redis.call('ZADD', zkey, score, handle)
redis.call('HSET', hkey, handle, '{"seq":' .. string.format('%d', seq) .. ',' .. string.sub(json, 2))
keepalive()
return 1
`;

/** ARGV: now, slack. Returns the live entries' JSON. */
export const LIST_SCRIPT = `${PRELUDE}
if prune() > 0 then keepalive() end
return redis.call('HVALS', hkey)
`;

/**
 * ARGV: now, slack, then pairs of handle and storage key. Removes each entry that still points
 * at its storage key; returns the JSON of those that point elsewhere (rotated meanwhile).
 */
export const REMOVE_SCRIPT = `${PRELUDE}
prune()
local moved = {}
for i = 3, #ARGV, 2 do
  local json = redis.call('HGET', hkey, ARGV[i])
  if json then
    if cjson.decode(json).storageKey == ARGV[i + 1] then
      redis.call('HDEL', hkey, ARGV[i])
      redis.call('ZREM', zkey, ARGV[i])
    else
      moved[#moved + 1] = json
    end
  end
end
keepalive()
return moved
`;
