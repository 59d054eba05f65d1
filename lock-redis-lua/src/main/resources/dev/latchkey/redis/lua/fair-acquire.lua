-- Fair acquire. KEYS[1] lock, KEYS[2] fence counter, KEYS[3] queue (zset: waiter token -> arrival, in
-- server microseconds), KEYS[4] places (zset: waiter token -> deadline of its place, server ms); both
-- expire with the newest place.
-- ARGV[1] owner token, ARGV[2] lease ms, ARGV[3] how long to keep the caller's place in ms (0: a single
-- attempt, never queued), ARGV[4] the lock's wake-up channel. Time comes from the server's clock only (TIME), never from a client.
-- The lock goes only to the head of the queue, or to anyone while the queue is empty; waiters whose
-- place ran out (they gave up or crashed and stopped refreshing it) are dropped first.
-- Returns {1, fencing token} or {0, ms until it is worth trying again (-1: unknown), head token or nil}:
-- the holder's remaining lease, or the remaining place of the waiter ahead if that ends sooner.
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)) do
  redis.call('ZREM', KEYS[3], gone)
  redis.call('ZREM', KEYS[4], gone)
end
local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
while head and not redis.call('ZSCORE', KEYS[4], head) do -- a waiter without a place is gone too
  redis.call('ZREM', KEYS[3], head)
  head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
end
if (head == nil or head == ARGV[1]) and redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if head then
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('ZREM', KEYS[4], ARGV[1])
    local next = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
    if next then
      redis.call('PUBLISH', ARGV[4], next) -- its turn is next: it learns the new holder's lease with one attempt
    end
  end
  return {1, redis.call('INCR', KEYS[2])}
end
if tonumber(ARGV[3]) > 0 then
  redis.call('ZADD', KEYS[3], 'NX', tonumber(t[1]) * 1000000 + tonumber(t[2]), ARGV[1])
  redis.call('ZADD', KEYS[4], now + tonumber(ARGV[3]), ARGV[1])
  -- Both keys outlive the newest place by nothing: when every waiter has stopped refreshing (gave up
  -- without being able to dequeue, or crashed), the queue disappears by itself.
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  redis.call('PEXPIRE', KEYS[4], ARGV[3])
  head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
end
local ttl = redis.call('PTTL', KEYS[1])
if head and head ~= ARGV[1] then
  -- another waiter's turn first: worth trying again when its place runs out, if that comes sooner
  local place = tonumber(redis.call('ZSCORE', KEYS[4], head)) - now
  if ttl < 0 or place < ttl then
    ttl = place
  end
end
return {0, ttl, head or false}
