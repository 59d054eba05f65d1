-- Acquire. KEYS[1] lock (value: owner token, TTL: the lease), KEYS[2] fence counter (no TTL).
-- ARGV[1] owner token, ARGV[2] lease in ms (relative: the server's clock alone decides expiry).
-- Granted: the lock was free; the fence counter is incremented in the same atomic step.
-- Returns {1, fencing token} or, when held by someone else, {0, remaining ms of that hold (-1: no TTL)}.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('INCR', KEYS[2])}
end
return {0, redis.call('PTTL', KEYS[1])}
