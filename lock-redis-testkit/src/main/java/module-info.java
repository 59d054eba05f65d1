/**
 * Real Redis topologies for tests, from {@code lock-redis-embedded} processes: single servers,
 * independent masters, a master with replicas, Sentinel, a Redis Cluster with replicas; their fault
 * controls; a TCP proxy; and, when {@code LATCHKEY_REDIS_IMAGE} is set, a container instead of a
 * single process. No lock code.
 *
 * <p>Testcontainers is optional: it is needed only with {@code LATCHKEY_REDIS_IMAGE}.
 */
module dev.latchkey.redis.testkit {
    requires transitive dev.latchkey.redis.embedded;
    requires static testcontainers;
    requires static com.github.dockerjava.api;

    exports dev.latchkey.redis.testkit;
}
