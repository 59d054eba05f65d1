-- Inspect. KEYS[1] lock, KEYS[2] fence counter, KEYS[3] fair queue (absent unless fair mode is used).
-- Returns {holder token or nil, remaining ms (-2: free), last fencing token or nil, queued waiters},
-- read atomically.
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2]), redis.call('ZCARD', KEYS[3])}
