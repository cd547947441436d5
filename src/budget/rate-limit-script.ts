/**
 * The provider rate limiter's Lua scripts (queue-and-durability.md §5.2, layer 2): one script per
 * operation, each atomic, so every worker process of the fleet shares one set of buckets per model
 * class. Time comes from Redis `TIME`, so worker clocks do not matter.
 *
 * KEYS[1] the model class's hash:
 *   rc ic oc   capacities (requests, uncached input tokens, output tokens per minute)
 *   rl il ol   levels; refill continuously at capacity/minute up to capacity, may be negative (debt)
 *   t          ms timestamp the levels are as of
 *   until      ms timestamp before which nobody may call (a 429's retry-after)
 * ARGV[1..3] default capacities (used while the hash does not exist), ARGV[4] key ttl (ms), then
 * the operation's own arguments.
 *
 * A new bucket starts full, as the provider's do: a fleet that starts cold may use a whole
 * minute's allowance at once, exactly what the provider would admit.
 */

/** Loads the hash, refills the levels to now, and defines `save()`. Shared by every script. */
const PRELUDE = `
local key = KEYS[1]
local ttl = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local v = redis.call('HMGET', key, 'rc', 'ic', 'oc', 'rl', 'il', 'ol', 't', 'until')
local cap = { tonumber(v[1]) or tonumber(ARGV[1]), tonumber(v[2]) or tonumber(ARGV[2]), tonumber(v[3]) or tonumber(ARGV[3]) }
local lvl = { tonumber(v[4]) or cap[1], tonumber(v[5]) or cap[2], tonumber(v[6]) or cap[3] }
local last = tonumber(v[7]) or now
local untilMs = tonumber(v[8]) or 0
-- A failover to a replica whose clock lags must not refill the same interval twice.
if now > last then
  for i = 1, 3 do
    if lvl[i] < cap[i] then lvl[i] = math.min(cap[i], lvl[i] + cap[i] * (now - last) / 60000) end
  end
else
  now = last
end
local function save()
  redis.call('HSET', key, 'rc', cap[1], 'ic', cap[2], 'oc', cap[3], 'rl', lvl[1], 'il', lvl[2], 'ol', lvl[3], 't', now, 'until', untilMs)
  redis.call('PEXPIRE', key, ttl + math.max(0, math.ceil(untilMs - now)))
end
`;

/**
 * ARGV[5] input tokens, ARGV[6] output tokens to take with one request, ARGV[7] reserve (ms of
 * refill every bucket keeps in hand; see `RateLimiterOptions.reserveMs`).
 * Reply {1, 0, 0} taken, or {0, waitMs, reason} with nothing taken; reason 0 backoff, 1 requests,
 * 2 input tokens, 3 output tokens. The wait is for the bucket furthest behind. A demand larger
 * than a whole bucket is admitted from a full bucket (leaving it in debt), as the provider does;
 * otherwise it could never run.
 */
export const ACQUIRE_LUA = `${PRELUDE}
if untilMs > now then return {0, math.ceil(untilMs - now), 0} end
local need = { 1, tonumber(ARGV[5]), tonumber(ARGV[6]) }
local reserveMs = tonumber(ARGV[7])
local wait, which = 0, 0
for i = 1, 3 do
  local n = math.min(need[i] + cap[i] * reserveMs / 60000, cap[i])
  if lvl[i] < n then
    local w = (n - lvl[i]) / cap[i] * 60000
    if w > wait then wait, which = w, i end
  end
end
-- A refused caller changes nothing, so nothing is written: refusals are the common case under load.
if which > 0 then return {0, math.max(1, math.ceil(wait)), which} end
for i = 1, 3 do lvl[i] = lvl[i] - need[i] end
save()
return {1, 0, 0}
`;

/**
 * ARGV[5] input correction (actual − estimate), ARGV[6] output correction. A negative correction
 * is a refund, never above capacity; a positive one may leave the bucket in debt. Reply {1}.
 */
export const SETTLE_LUA = `${PRELUDE}
lvl[2] = math.min(cap[2], lvl[2] - tonumber(ARGV[5]))
lvl[3] = math.min(cap[3], lvl[3] - tonumber(ARGV[6]))
save()
return {1}
`;

/**
 * ARGV[5..7] new capacities, ARGV[8..10] what the response said remains; '' when unknown.
 * A changed capacity means this bucket was wrong (configured defaults before the first response,
 * or a new usage tier): a raised one keeps what was used (the level rises with it), a lowered one
 * caps the level, and either way the level drops to the server's remaining if that is lower.
 * Unchanged capacities leave the level alone: remaining is as old as the response, so syncing to
 * it on every call would keep the fleet below the limit. Reply {1}.
 */
/** ARGV[11] '1': also lower every level to the server's remaining (see `RateLimiter.sync`). */
export const OBSERVE_LUA = `${PRELUDE}
local sync = ARGV[11] == '1'
for i = 1, 3 do
  local c = tonumber(ARGV[4 + i])
  local r = tonumber(ARGV[7 + i])
  if c and c > 0 and c ~= cap[i] then
    if c > cap[i] then lvl[i] = lvl[i] + (c - cap[i]) else lvl[i] = math.min(lvl[i], c) end
    cap[i] = c
    if r then lvl[i] = math.min(lvl[i], r) end
  elseif sync and r then
    -- The fleet took calls without this bucket (ample headroom): the server's word replaces it.
    lvl[i] = math.min(lvl[i], r)
  end
end
save()
return {1}
`;

/** ARGV[5] ms from now during which every acquire is refused (extends, never shortens). Reply {1}. */
export const BACKOFF_LUA = `${PRELUDE}
untilMs = math.max(untilMs, now + tonumber(ARGV[5]))
save()
return {1}
`;

/**
 * Read-only: the refilled state without writing it.
 * Reply {rc, ic, oc, rl, il, ol, backoffMs} as strings (levels are fractional).
 */
export const STATE_LUA = `${PRELUDE}
return { tostring(cap[1]), tostring(cap[2]), tostring(cap[3]), tostring(lvl[1]), tostring(lvl[2]), tostring(lvl[3]), tostring(math.max(0, math.ceil(untilMs - now))) }
`;
