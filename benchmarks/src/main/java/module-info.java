/**
 * The JMH suite and its runner ({@code dev.latchkey.bench.BenchmarkRunner}). Open, because JMH's
 * generated code and harness reach the benchmark states by reflection. The lock backends are not
 * required: they are found at run time through {@code Locks.open(uri)}, like JDBC drivers.
 */
open module dev.latchkey.bench {
    requires dev.latchkey.api;
    requires dev.latchkey.redis.testkit;
    requires jmh.core;
    requires redisson;
    requires redis.clients.jedis;
    requires jdk.management;
    requires com.fasterxml.jackson.databind;
    requires HdrHistogram;
}
