-- Forget a lock name (operators, tools that must leave nothing behind). KEYS: K, Q, P (see prelude.lua).
-- ARGV: the lock's channel. Deletes all of them, fencing counter included; if a hold went, the waiters
-- are woken ('released') to queue again. Returns {1} if anything was removed, else {0}.
local now = clock()
local held = holder(KEYS[1], now)
local removed = redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
if held then
  redis.call('PUBLISH', ARGV[1], 'released')
end
return {removed > 0 and 1 or 0}
