-- Force release (operators). KEYS[1] lock, KEYS[2] fair queue (absent unless fair mode is used);
-- ARGV[1] the lock's wake-up channel.
-- Removes any hold and wakes the next waiter (in fair mode the queue's head, named by its token).
-- Returns {1} if there was a hold, else {0}.
if redis.call('DEL', KEYS[1]) == 1 then
  redis.call('PUBLISH', ARGV[1], redis.call('ZRANGE', KEYS[2], 0, 0)[1] or 'released')
  return {1}
end
return {0}
