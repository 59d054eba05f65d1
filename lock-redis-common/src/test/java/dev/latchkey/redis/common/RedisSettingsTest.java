package dev.latchkey.redis.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Where a URI says the servers are: one host, Sentinels, cluster seeds; and what it says when it cannot tell. */
class RedisSettingsTest {

    private static RedisSettings parse(String uri) {
        return RedisSettings.parse(URI.create(uri), Set.of(), Duration.ofSeconds(30));
    }

    private static String rejected(String uri) {
        return assertThrows(IllegalArgumentException.class, () -> parse(uri)).getMessage();
    }

    @Test
    void oneHost_asBefore() {
        RedisSettings s = parse("redis-lua://user:secret@redis.example:6380/2?timeout=1s");
        assertEquals(List.of(new HostPort("redis.example", 6380)), s.nodes());
        assertEquals("redis.example", s.host());
        assertEquals(6380, s.port());
        assertEquals(2, s.database());
        assertEquals("user", s.user());
        assertEquals("secret", s.password());
        assertNull(s.sentinel());
        assertEquals("redis.example:6380/2", s.address());
        assertEquals(List.of(new HostPort("127.0.0.1", 6379)), parse("redis-lua:///0").nodes());
        assertEquals(List.of(new HostPort("h", 6379)), parse("redis-lua://h").nodes());
        assertEquals(List.of(new HostPort("[::1]", 6379)), parse("redis-lua://[::1]").nodes());
    }

    @Test
    void sentinels_commaSeparated_withTheirDefaultPort_andTheMastersName() {
        RedisSettings s = parse("redis-lua://:pw@s1:26380,s2,10.0.0.3:26381/1?sentinel=mymaster");
        assertEquals(List.of(new HostPort("s1", 26380), new HostPort("s2", 26379), new HostPort("10.0.0.3", 26381)), s.nodes());
        assertEquals("mymaster", s.sentinel());
        assertEquals("pw", s.password());
        assertEquals(1, s.database());
        assertEquals("mymaster/1 via Sentinels s1:26380,s2:26379,10.0.0.3:26381", s.address());
        assertEquals("redis-lua://:***@s1:26380,s2,10.0.0.3:26381/1?sentinel=mymaster", s.redacted());
        String msg = rejected("redis-lua://u:secret@s1,s2?sentinel=m&bogus=1");
        assertTrue(msg.startsWith("unknown option 'bogus' in redis-lua://u:***@s1,s2?sentinel=m&bogus=1"), msg);
        msg = rejected("redis-lua://u:secret@s1,,s2?sentinel=m");
        assertTrue(msg.startsWith("malformed redis uri 'redis-lua://u:***@s1,,s2?sentinel=m'"), msg);
    }

    @Test
    void clusterSeeds_commaSeparated() {
        RedisSettings s = parse("redis-lua://n1:7000,n2:7001?cluster=true");
        assertEquals(List.of(new HostPort("n1", 7000), new HostPort("n2", 7001)), s.nodes());
        assertTrue(s.cluster());
        assertEquals("n1:7000,n2:7001 (cluster)", s.address());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "redis-lua://s1:26379,,s2:26379?sentinel=m | element 2 of the host list: empty (a stray comma?)",
        "redis-lua://s1:26379,s2:26379,?sentinel=m | element 3 of the host list: empty (a stray comma?)",
        "redis-lua://s1:x,s2?sentinel=m            | element 1 of the host list: the port of 's1:x' must be a number from 1 to 65535, was 'x'",
        "redis-lua://s1,s2:70000?sentinel=m        | element 2 of the host list: the port of 's2:70000' must be a number from 1 to 65535, was '70000'",
        "redis-lua://s1,:26379?sentinel=m          | element 2 of the host list: ':26379' has no host",
        "redis-lua://s1,s1:26379?sentinel=m        | the host list names s1:26379 twice",
        "redis-lua://S1,s1:26379?sentinel=m        | the host list names s1:26379 twice",
        "redis-lua://s1,::1:26379?sentinel=m       | element 2 of the host list: '::1:26379' has several ':'; put an IPv6 address in brackets, [::1]:6379",
        "redis-lua://127.0.0.1:notaport            | the port of '127.0.0.1:notaport' must be a number from 1 to 65535, was 'notaport'",
    })
    void aMalformedHostList_isRejected_sayingWhichElementAndWhy(String uri, String problem) {
        String msg = rejected(uri);
        assertTrue(msg.startsWith("malformed redis uri '" + uri + "': " + problem + "; expected redis-lua://host[:port][/db][?options],"
                + " or several hosts host:port,host:port with option 'sentinel=<master name>' (the Sentinels) or 'cluster=true'"), msg);
    }

    @Test
    void badSentinelOptions_areRejectedNamingTheOption() {
        assertEquals("option 'sentinel' must be the master's name as the Sentinels know it, was ''", rejected("redis-lua://s1?sentinel="));
        assertEquals("options 'cluster' and 'sentinel' exclude each other: a Redis Cluster fails over by itself",
                rejected("redis-lua://s1,s2?sentinel=m&cluster=true"));
    }

    @Test
    void severalHosts_withoutSentinelOrCluster_areRejectedWhenOpening() {
        String msg = assertThrows(IllegalArgumentException.class, () -> RedisPorts.open(parse("redis-lua://a:1,b:2"))).getMessage();
        assertEquals("redis-lua://a:1,b:2 names 2 hosts: several hosts are the Sentinels of a master (add option"
                + " 'sentinel=<master name>') or the seed nodes of a Redis Cluster (add 'cluster=true'); for one server, name one host", msg);
    }

    @Test
    void waitAof_isThereFromRedis72() {
        assertFalse(ReplicaWait.hasWaitAof("6.2.6"));
        assertFalse(ReplicaWait.hasWaitAof("7.0.15"));
        assertTrue(ReplicaWait.hasWaitAof("7.2.0"));
        assertTrue(ReplicaWait.hasWaitAof("7.4.1"));
        assertTrue(ReplicaWait.hasWaitAof("8.0.2"));
        assertFalse(ReplicaWait.hasWaitAof(""), "an unknown version is taken for an old one");
        assertEquals("WAIT 1 500", new ReplicaWait(1, 500, false).command());
        assertEquals("WAITAOF 0 2 100", new ReplicaWait(2, 100, true).command());
        assertThrows(IllegalArgumentException.class, () -> new ReplicaWait(1, 0, false), "WAIT 1 0 would wait forever");
    }

    @Test
    void infoFields() {
        String info = "# Server\r\nredis_version:6.2.6\r\nredis_mode:standalone\r\n";
        assertEquals("6.2.6", RedisPorts.infoField(info, "redis_version"));
        assertEquals("", RedisPorts.infoField(info, "nothing"));
    }
}
