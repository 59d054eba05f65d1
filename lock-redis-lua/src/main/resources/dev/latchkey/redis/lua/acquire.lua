-- Acquire. KEYS: K, Q, P (see prelude.lua). ARGV: token, lease ms, place ms (0: a single attempt that never
-- queues), fair ('1': only the first live waiter may take a free lock; '0': anyone may).
-- Not granted, the caller is queued (or its place refreshed) for place ms.
-- Returns {1, fencing token} granted now; {2, fencing token} already the caller's (a release handed it over);
-- {0, ms until another attempt is worth making (-1: unknown), the last fencing token issued}.
local K, Q, P = KEYS[1], KEYS[2], KEYS[3]
local token, lease, place, fair = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'
local now, micros = clock()
local owner, ends = holder(K, now)
if owner == token then
  -- a write of the caller's own, after the hand-off in the replication stream: a WAIT that follows this
  -- script then confirms that the replicas have the hand-off too (see ReplicatedWrites)
  redis.call('HSET', K, 'o', token)
  return {2, tonumber(redis.call('HGET', K, 'f'))}
end
local first = head(Q, P, now)
if not owner and (not fair or not first or first == token) then
  local fence = grant(K, token, lease, now) -- first: a server out of memory refuses it (only a script's first write may be refused)
  if first then
    redis.call('ZREM', Q, token)
    redis.call('HDEL', P, token)
  end
  return {1, fence}
end
if place > 0 then
  redis.call('ZADD', Q, 'NX', micros, token)
  redis.call('HSET', P, token, (now + place) .. ' ' .. lease)
  for _, key in ipairs({Q, P}) do
    if redis.call('PTTL', key) < place then
      redis.call('PEXPIRE', key, place)
    end
  end
  first = first or token
end
local wait = owner and ends - now or -1
if fair and first and first ~= token then -- the first waiter's turn comes first: worth trying again when its place runs out, if sooner
  local left = tonumber(string.match(redis.call('HGET', P, first), '^(%d+)')) - now
  if wait < 0 or left < wait then
    wait = left
  end
end
return {0, wait, tonumber(redis.call('HGET', K, 'f') or '0')}
