/**
 * Lua for the Redis session index. Every script touches exactly the three keys of one user
 * (KEYS[1] = ZSET handle -> expiresAt, KEYS[2] = HASH handle -> entry JSON, KEYS[3] = the
 * counter behind `seq`), which share a hash tag, so each runs atomically on one node, on a
 * single Redis or a Cluster alike. ARGV[1] is always `now` (epoch ms, the app's clock, so app
 * and index agree on expiry), ARGV[2] how long the keys outlive their last deadline.
 */

/** Drops expired entries (score <= now) and keeps the keys alive until the last deadline. */
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
local function expireAfter(deadline)
  local ttl = math.ceil(tonumber(deadline) - tonumber(now)) + tonumber(ARGV[2])
  redis.call('PEXPIRE', zkey, ttl)
  redis.call('PEXPIRE', hkey, ttl)
  redis.call('PEXPIRE', seqkey, ttl)
end
local function keepalive()
  local last = redis.call('ZRANGE', zkey, -1, -1, 'WITHSCORES')
  if #last == 0 then
    redis.call('DEL', zkey, hkey, seqkey)
    return
  end
  expireAfter(last[2])
end
`;

/**
 * Writes one entry; one script for both modes, so the login that loads it into the server's
 * script cache loads it for the session's later activity writes too. ARGV: now, slack, mode,
 * handle, expiresAt, json (an object without `seq`), and for `replace` the storage key the
 * entry must still point at. An entry already past `now` is not written and drops the one it
 * would replace.
 * - `upsert` (a login's one round trip): a new handle takes the next `seq`, a known one keeps
 *   its own. Returns how many live entries the user has afterwards: the session limit's count,
 *   so a login within the limit needs no list of its own.
 * - `replace`, a compare-and-set that keeps `seq`: returns 1 written (or dropped, for a
 *   deadline already past), 0 when the entry is gone or points elsewhere.
 */
export const WRITE_SCRIPT = `${PRELUDE}
local pruned = prune()
local mode, handle, score, json = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local seq
if mode == 'replace' then
  local old = redis.call('HGET', hkey, handle)
  local current = old and cjson.decode(old)
  if not current or current.storageKey ~= ARGV[7] then
    if pruned > 0 then keepalive() end
    return 0
  end
  seq = current.seq
end
if tonumber(score) <= tonumber(now) then
  redis.call('ZREM', zkey, handle)
  redis.call('HDEL', hkey, handle)
  keepalive()
  return mode == 'replace' and 1 or redis.call('ZCARD', zkey)
end
-- ZADD answers whether the handle is new: a known one keeps its seq, read only then.
if redis.call('ZADD', zkey, score, handle) == 0 and not seq then
  local old = redis.call('HGET', hkey, handle)
  seq = old and cjson.decode(old).seq
end
seq = seq or redis.call('INCR', seqkey)
redis.call('HSET', hkey, handle, '{"seq":' .. string.format('%d', seq) .. ',' .. string.sub(json, 2))
if mode == 'replace' then
  keepalive()
  return 1
end
local count = redis.call('ZCARD', zkey)
-- The user's only entry holds the last deadline: no need to look it up.
if count == 1 then expireAfter(score) else keepalive() end
return count
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
