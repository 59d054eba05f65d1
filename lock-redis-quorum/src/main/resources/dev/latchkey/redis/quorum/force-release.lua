-- Force release on one node (operators). KEYS[1] lock; ARGV[1] the wake-up channel.
-- Removes any hold and wakes a waiter (the message names the removed value, so that clients hearing
-- it from several nodes wake one waiter once). Returns {1} if there was a hold, else {0}.
local v = redis.call('GET', KEYS[1])
if v then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[1], v)
  return {1}
end
return {0}
