-- Acquire on one node (one round of a quorum acquisition). KEYS[1] lock, KEYS[2] fence (no TTL).
-- ARGV[1] owner (the engine's token), ARGV[2] this round's number, ARGV[3] TTL in ms (relative: this
-- node's clock alone decides when the hold ends here). The value written is owner#round.
-- Taken when free, or when held by an EARLIER round of the same acquisition (whose undo may still be
-- on its way: the new value no longer matches it). Never taken from a later round of the same owner
-- (this request arrived late) nor from the owner's granted, extended hold (value: the bare owner).
-- Reads the fence in the same atomic step.
-- Returns {1, fence} or, when not taken, {0, fence, holder value, remaining ms of that hold}.
local v = redis.call('GET', KEYS[1])
local fence = tonumber(redis.call('GET', KEYS[2]) or '0')
local mine = ARGV[1] .. '#'
local round = tonumber(ARGV[2])
if not v or (string.sub(v, 1, #mine) == mine and (tonumber(string.sub(v, #mine + 1)) or round) < round) then
  redis.call('SET', KEYS[1], mine .. ARGV[2], 'PX', ARGV[3])
  return {1, fence}
end
return {0, fence, v, redis.call('PTTL', KEYS[1])}
