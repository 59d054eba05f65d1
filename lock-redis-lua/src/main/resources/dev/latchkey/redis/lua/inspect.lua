-- Inspect. KEYS[1] lock, KEYS[2] fence counter, KEYS[3] fair places (absent unless fair mode is used).
-- Returns {holder token or nil, remaining ms (-2: free), last fencing token or nil, waiters whose place
-- has not run out (server time)}, read atomically.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2]),
        redis.call('ZCOUNT', KEYS[3], '(' .. now, '+inf')}
