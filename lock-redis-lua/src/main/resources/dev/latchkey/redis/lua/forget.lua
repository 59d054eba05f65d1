-- Forget a lock name (operators, tools that must leave nothing behind). KEYS[1] lock, KEYS[2] fence
-- counter, KEYS[3] fair queue, KEYS[4] fair places; ARGV[1] the lock's wake-up channel.
-- Deletes all of them; if a hold went, wakes a waiter. Returns {1} if anything was removed, else {0}.
local held = redis.call('EXISTS', KEYS[1])
local removed = redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
if held == 1 then
  redis.call('PUBLISH', ARGV[1], 'released')
end
if removed > 0 then
  return {1}
end
return {0}
