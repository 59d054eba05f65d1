-- Fair release. KEYS[1] lock, KEYS[2] queue, KEYS[3] places (see fair-acquire.lua).
-- ARGV[1] owner token, ARGV[2] the lock's wake-up channel.
-- Deletes only the caller's own hold; then publishes the token of the waiter whose turn it is (after
-- dropping waiters whose place ran out), so that exactly that waiter wakes, or 'released' if none waits.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {0}
end
redis.call('DEL', KEYS[1])
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('ZREM', KEYS[2], gone)
  redis.call('ZREM', KEYS[3], gone)
end
redis.call('PUBLISH', ARGV[2], redis.call('ZRANGE', KEYS[2], 0, 0)[1] or 'released')
return {1}
