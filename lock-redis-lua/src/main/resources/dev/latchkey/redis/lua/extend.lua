-- Extend. KEYS: K (see prelude.lua). ARGV: token, new lease in ms from now.
-- Prolongs only the caller's own live hold. Returns {1} or {0} (not the holder).
local now = clock()
if holder(KEYS[1], now) == ARGV[1] then
  redis.call('HSET', KEYS[1], 'e', now + tonumber(ARGV[2]))
  return {1}
end
return {0}
