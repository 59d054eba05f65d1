-- Undo one failed round on one node. KEYS[1] lock; ARGV[1] the round's exact value (owner#round),
-- ARGV[2] the wake-up channel, ARGV[3] '1' to wake waiters (the lock may now be free), '0' not to
-- (a majority holder keeps it: waking would only make waiters spin).
-- Exact match: a later round of the same acquisition, or its extension, is never touched.
-- Returns {1} or {0}.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  if ARGV[3] == '1' then
    redis.call('PUBLISH', ARGV[2], ARGV[1])
  end
  return {1}
end
return {0}
