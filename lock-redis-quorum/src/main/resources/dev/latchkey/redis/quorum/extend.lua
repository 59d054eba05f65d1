-- Extend on one node. KEYS[1] lock; ARGV[1] owner, ARGV[2] TTL in ms from now.
-- Prolongs the owner's hold (whichever of its rounds wrote it) and rewrites the value to the bare
-- owner token, so that the undo of an earlier round, which matches owner#round exactly, can no
-- longer delete a hold that this extension counted. Never creates a hold. Returns {1} or {0}.
local v = redis.call('GET', KEYS[1])
if v and (v == ARGV[1] or string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. '#') then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1}
end
return {0}
