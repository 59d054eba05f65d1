-- Release. KEYS[1] lock; ARGV[1] owner token, ARGV[2] the lock's wake-up channel.
-- Deletes only the caller's own hold, and only then wakes waiters. Returns {1} or {0} (not the holder).
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], 'released')
  return {1}
end
return {0}
