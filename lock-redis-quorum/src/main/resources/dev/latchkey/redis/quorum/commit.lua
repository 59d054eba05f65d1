-- Commit a fencing token on one node. KEYS[1] lock, KEYS[2] fence; ARGV[1] the winning round's value,
-- ARGV[2] the token (the highest fence the round read, plus one).
-- Raises the fence to the token, never lowers it (sent to every node: a higher fence anywhere is
-- harmless). Counts towards the grant only where the round still holds the lock: then the token is
-- recorded before that node can let anyone else in, which is what the fencing argument needs.
-- Returns {1} if this node holds the round's value, else {0}.
local t = tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[2]) or '0') < t then
  redis.call('SET', KEYS[2], ARGV[2])
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return {1}
end
return {0}
