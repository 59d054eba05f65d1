-- A fair waiter gives up. KEYS[1] lock, KEYS[2] queue, KEYS[3] places; ARGV[1] its token, ARGV[2] channel.
-- Leaves the queue at once (rather than when its place runs out), and if the lock is free, wakes the
-- waiter whose turn it now is. Returns {1} if it was queued, else {0}.
local removed = redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if removed == 1 and redis.call('EXISTS', KEYS[1]) == 0 then
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if head then
    redis.call('PUBLISH', ARGV[2], head)
  end
end
return {removed}
