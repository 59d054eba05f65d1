-- Shared by every script of this backend (the driver prepends it). One lock name has:
--   K = <prefix>{name}      a hash: o = the holder's token, e = when its hold ends (server ms), f = the last
--                           fencing token. The key has no TTL: f must never restart, so expiry is the field e,
--                           compared with the server's clock (TIME) and never with a client's. A free lock
--                           keeps f alone.
--   Q = <prefix>{name}:q    the waiters, a sorted set: token -> arrival (server µs);
--   P = <prefix>{name}:p    their places, a hash: token -> '<deadline, server ms> <lease ms>'. A waiter
--                           refreshes its place while it waits; one that crashed stops, and its place runs
--                           out. Q and P expire with the longest place, so an abandoned queue leaves nothing.
-- Effects replication: the writes, not this script, go to replicas (TIME is not deterministic).
if redis.replicate_commands then redis.replicate_commands() end

-- The server's time: ms and µs.
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- The live holder's token and the end of its hold (ms), or nil when the lock is free or its hold has run out.
local function holder(K, now)
  local h = redis.call('HMGET', K, 'o', 'e')
  if h[1] and tonumber(h[2]) > now then
    return h[1], tonumber(h[2])
  end
  return nil
end

-- Gives the lock to token for lease ms from now, with the next fencing token, which it returns.
local function grant(K, token, lease, now)
  redis.call('HSET', K, 'o', token, 'e', now + lease)
  return redis.call('HINCRBY', K, 'f', 1)
end

-- The first waiter whose place is live (token, lease); waiters ahead of it whose place ran out are dropped.
local function head(Q, P, now)
  while true do
    local token = redis.call('ZRANGE', Q, 0, 0)[1]
    if not token then
      return nil
    end
    local place = redis.call('HGET', P, token)
    if place then
      local deadline, lease = string.match(place, '^(%d+) (%d+)$')
      if tonumber(deadline) > now then
        return token, tonumber(lease)
      end
      redis.call('HDEL', P, token)
    end
    redis.call('ZREM', Q, token)
  end
end

-- The direct hand-off: the lock, which its holder gives up (or which is free), goes to the first live
-- waiter, granted here with that waiter's own lease and the next fencing token, and the waiter is told
-- on channel C ('g <fencing token> <lease ms> <token>'), so it returns without another round trip (the
-- other waiters learn when the new hold ends at the latest). With nobody waiting, the lock is freed.
-- Returns the token it went to, or nil.
local function handoff(K, Q, P, C, now)
  local token, lease = head(Q, P, now)
  if token then
    local fence = grant(K, token, lease, now)
    redis.call('ZREM', Q, token)
    redis.call('HDEL', P, token)
    redis.call('PUBLISH', C, 'g ' .. fence .. ' ' .. lease .. ' ' .. token)
    return token
  end
  redis.call('HDEL', K, 'o', 'e')
  return nil
end

