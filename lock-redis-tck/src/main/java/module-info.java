/**
 * One conformance-kit harness for every Redis-backed lock ({@link dev.latchkey.redis.tck.RedisTckHarness}),
 * offered to {@code lockctl} and the zero-code suite for URIs whose host is {@code embedded}.
 */
module dev.latchkey.redis.tck {
    requires transitive dev.latchkey.tck;
    requires dev.latchkey.redis.testkit;

    exports dev.latchkey.redis.tck;
    provides dev.latchkey.tck.TckHarnessFactory with dev.latchkey.redis.tck.EmbeddedRedisHarnessFactory;
}
