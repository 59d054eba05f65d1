-- Local hand-off. KEYS: K, Q, P (see prelude.lua). ARGV: holder's token, the next token (a waiter of the
-- same client), its lease ms, how many local hand-offs in a row came before, the most allowed while another
-- client waits, the lock's channel.
-- In one step the holder's hold ends and the next token's begins, with the next fencing token. Once the
-- streak is spent and a waiter of another client has a live place, the lock goes to that waiter instead
-- (prelude: handoff), so that no client is starved.
-- Returns {1, fencing token} passed; {2} released to the waiting client instead; {0} the caller does not hold it.
local K, Q, P = KEYS[1], KEYS[2], KEYS[3]
local now = clock()
if holder(K, now) ~= ARGV[1] then
  return {0}
end
if tonumber(ARGV[4]) >= tonumber(ARGV[5]) and head(Q, P, now) then
  handoff(K, Q, P, ARGV[6], now)
  return {2}
end
return {1, grant(K, ARGV[2], tonumber(ARGV[3]), now)}
