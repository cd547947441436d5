/**
 * The run budget's Lua script (queue-and-durability.md §5.2): one atomic script for every
 * operation on a run's budget, so reserve, settle and reap can never interleave, whichever worker
 * or machine calls them. Time comes from Redis `TIME`, so worker clocks do not matter.
 *
 * KEYS[1] state hash  {limit, spent, reserved, exhausted, owed, exhausted_research}
 * KEYS[2] calls hash  callId → "r|<est>" reserved, "x|<est>" reaped at its estimate, "s|<actual>" settled
 * KEYS[3] leases zset callId → lease expiry (ms)
 * KEYS[4] owed hash   accountId → expected cost of its draft (see `owe`)
 * ARGV[1] op, ARGV[2] key ttl (ms), then the op's own arguments.
 *
 * Replies are arrays: {code, spent, reserved, limit, exhausted}.
 * - reserve(callId, est, leaseMs, stage): 1 granted · 2 already held (lease extended) · 3 already settled
 *   or reaped (this attempt is over) · 0 denied: the call does not fit even once every call in
 *   flight has settled, and the budget is marked exhausted, so every later reservation is denied
 *   too (accounts are served strictly in priority order) · 5 busy: it would fit, but not beside
 *   the calls in flight (wait for them to settle) · -1 no state (Redis lost it: rebuild from the
 *   Postgres ledger, then reserve again).
 *   Stage `research` (the research wave's calls) must also leave room for what is owed to the
 *   drafts of accounts already prioritized: when it cannot, it is denied (6) and the research
 *   wave stops for good (`exhausted_research`), while drafts go on spending what was kept for them.
 * - owe(accountId, units): records the expected cost of an account's draft once (0 if known).
 * - settle(callId, actual): 1 settled · 0 duplicate (no-op) · 4 unknown call (ignored: the state
 *   was rebuilt from the ledger after the reservation, and the ledger already charged it) · -1 no state.
 * - init(limit, spent): 1 created · 0 already there (left alone).
 * - raise(limit): 1 · -1 no state. Clears `exhausted` and what is owed (a resume starts a new pass).
 * - reap(): 1 (charges expired leases at their estimate) · -1 no state.
 */
export const BUDGET_LUA = `
local state, calls, leases, owed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local op = ARGV[1]
local ttl = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local function reply(code)
  local s = redis.call('HMGET', state, 'spent', 'reserved', 'limit', 'exhausted')
  return {code, tonumber(s[1] or '0'), tonumber(s[2] or '0'), tonumber(s[3] or '0'), tonumber(s[4] or '0')}
end

local function touch()
  redis.call('PEXPIRE', state, ttl)
  redis.call('PEXPIRE', calls, ttl)
  redis.call('PEXPIRE', leases, ttl)
  redis.call('PEXPIRE', owed, ttl)
end

-- A lease that expired belongs to a call whose worker died: whether the provider billed it is
-- unknowable, so it is charged at its estimate.
local function reap()
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
  for _, id in ipairs(expired) do
    local v = redis.call('HGET', calls, id)
    if v and string.sub(v, 1, 1) == 'r' then
      local est = tonumber(string.sub(v, 3))
      redis.call('HINCRBY', state, 'reserved', -est)
      redis.call('HINCRBY', state, 'spent', est)
      redis.call('HSET', calls, id, 'x|' .. est)
    end
    redis.call('ZREM', leases, id)
  end
end

if op == 'init' then
  if redis.call('EXISTS', state) == 1 then return reply(0) end
  redis.call('HSET', state, 'limit', ARGV[3], 'spent', ARGV[4], 'reserved', 0, 'exhausted', 0, 'owed', 0, 'exhausted_research', 0)
  touch()
  return reply(1)
end

if redis.call('EXISTS', state) == 0 then return {-1, 0, 0, 0, 0} end

if op == 'reserve' then
  local id, est, lease, stage = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
  reap()
  local v = redis.call('HGET', calls, id)
  if v then
    if string.sub(v, 1, 1) == 'r' then
      redis.call('ZADD', leases, now + lease, id)
      touch()
      return reply(2)
    end
    return reply(3)
  end
  local s = redis.call('HMGET', state, 'spent', 'reserved', 'limit', 'exhausted', 'owed', 'exhausted_research')
  local spent, reserved, limit = tonumber(s[1]), tonumber(s[2]), tonumber(s[3])
  local research = stage == 'research'
  if s[4] == '1' or (research and s[6] == '1') then return reply(0) end
  if spent + est > limit then
    redis.call('HSET', state, 'exhausted', 1, 'exhausted_research', 1)
    touch()
    return reply(0)
  end
  local kept = 0
  if research then kept = tonumber(s[5] or '0') end
  if spent + est + kept > limit then
    redis.call('HSET', state, 'exhausted_research', 1)
    touch()
    return reply(6)
  end
  if spent + reserved + est + kept > limit then return reply(5) end
  redis.call('HINCRBY', state, 'reserved', est)
  redis.call('HSET', calls, id, 'r|' .. est)
  redis.call('ZADD', leases, now + lease, id)
  touch()
  return reply(1)
end

if op == 'owe' then
  if redis.call('HSETNX', owed, ARGV[3], ARGV[4]) == 1 then
    redis.call('HINCRBY', state, 'owed', tonumber(ARGV[4]))
    touch()
    return reply(1)
  end
  return reply(0)
end

if op == 'settle' then
  local id, actual = ARGV[3], tonumber(ARGV[4])
  reap()
  local v = redis.call('HGET', calls, id)
  if not v then return reply(4) end
  local kind, amount = string.sub(v, 1, 1), tonumber(string.sub(v, 3))
  if kind == 's' then return reply(0) end
  if kind == 'r' then
    redis.call('HINCRBY', state, 'reserved', -amount)
    redis.call('HINCRBY', state, 'spent', actual)
    redis.call('ZREM', leases, id)
  else
    -- Reaped at its estimate, then settled after all: the estimate gives way to the truth.
    redis.call('HINCRBY', state, 'spent', actual - amount)
  end
  redis.call('HSET', calls, id, 's|' .. actual)
  touch()
  return reply(1)
end

if op == 'raise' then
  redis.call('HSET', state, 'limit', ARGV[3], 'exhausted', 0, 'owed', 0, 'exhausted_research', 0)
  redis.call('DEL', owed)
  touch()
  return reply(1)
end

if op == 'reap' then
  reap()
  return reply(1)
end

return redis.error_reply('unknown budget op ' .. tostring(op))
`;
