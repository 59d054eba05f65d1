-- Release on one node. KEYS[1] lock; ARGV[1] owner, ARGV[2] the lock's wake-up channel.
-- Deletes the owner's hold (whichever of its rounds wrote it, so it also undoes an acquisition the
-- caller never saw confirmed) and only then wakes waiters; the message names the owner, so that a
-- client hearing it from several nodes wakes one waiter once. Returns {1} or {0} (not the holder).
local v = redis.call('GET', KEYS[1])
if v and (v == ARGV[1] or string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. '#') then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[1])
  return {1}
end
return {0}
