-- Inspect. KEYS: K, P (see prelude.lua). Returns {holder token or nil, remaining ms (-2: free), last
-- fencing token or nil, waiters whose place has not run out}, read atomically on the server's clock.
local now = clock()
local owner, ends = holder(KEYS[1], now)
local waiting = 0
for _, place in ipairs(redis.call('HVALS', KEYS[2])) do
  if tonumber(string.match(place, '^(%d+)')) > now then
    waiting = waiting + 1
  end
end
return {owner or false, owner and ends - now or -2, redis.call('HGET', KEYS[1], 'f'), waiting}
