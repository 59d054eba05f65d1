-- Extend. KEYS[1] lock; ARGV[1] owner token, ARGV[2] new lease in ms from now.
-- Prolongs only the caller's own hold. Returns {1} or {0} (not the holder).
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return {redis.call('PEXPIRE', KEYS[1], ARGV[2])}
end
return {0}
