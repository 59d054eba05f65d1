-- A waiter gives up. KEYS: K, Q, P (see prelude.lua). ARGV: its token, the lock's channel.
-- Leaves the queue at once (rather than when its place runs out). If a release handed it the lock
-- meanwhile (the hand-off raced its giving up), or the lock is free with others waiting (a hold ran out),
-- the lock goes on to the next waiter. Returns {1} if it gave back a hand-off, else {0}.
local K, Q, P = KEYS[1], KEYS[2], KEYS[3]
local now = clock()
redis.call('ZREM', Q, ARGV[1])
redis.call('HDEL', P, ARGV[1])
local owner = holder(K, now)
if owner == ARGV[1] or (not owner and head(Q, P, now)) then
  handoff(K, Q, P, ARGV[2], now)
end
return {owner == ARGV[1] and 1 or 0}
