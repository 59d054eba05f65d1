-- Release. KEYS: K, Q, P (see prelude.lua). ARGV: token, the lock's channel.
-- Ends the caller's own hold and hands the lock to the first live waiter (prelude: handoff), or frees it.
-- Returns {1}, or {0} when the caller does not hold it: then nothing changes but that a place the caller
-- left behind (a waiter that gave up and could not leave the queue) is dropped.
local K, Q, P = KEYS[1], KEYS[2], KEYS[3]
local now = clock()
if holder(K, now) ~= ARGV[1] then
  redis.call('ZREM', Q, ARGV[1])
  redis.call('HDEL', P, ARGV[1])
  return {0}
end
handoff(K, Q, P, ARGV[2], now)
return {1}
