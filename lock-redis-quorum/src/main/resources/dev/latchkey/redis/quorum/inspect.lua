-- Inspect one node. KEYS[1] lock, KEYS[2] fence. Returns {holder value or nil, remaining ms (-2: free), fence or nil}.
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2])}
