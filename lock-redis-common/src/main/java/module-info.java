/**
 * What the Redis backends share: a small port over Jedis or Lettuce (whichever the application
 * brings), URI settings, key naming with hash tags, and script loading.
 */
module dev.latchkey.redis.common {
    requires transitive dev.latchkey.api;
    requires static redis.clients.jedis;
    requires static lettuce.core;
    exports dev.latchkey.redis.common;
}
