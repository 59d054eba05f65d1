-- Force release (operators). KEYS: K, Q, P (see prelude.lua). ARGV: the lock's channel.
-- Ends any live hold and hands the lock to the first live waiter, or frees it. Returns {1} if there was a hold, else {0}.
local K, Q, P = KEYS[1], KEYS[2], KEYS[3]
local now = clock()
if holder(K, now) then
  handoff(K, Q, P, ARGV[1], now)
  return {1}
end
return {0}
