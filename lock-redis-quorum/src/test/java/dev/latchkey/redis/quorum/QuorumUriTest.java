package dev.latchkey.redis.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Locks;
import dev.latchkey.redis.common.RedisSettings;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The redis-quorum URI: the host list is parsed here, and every bad input fails at once, naming what is wrong. */
class QuorumUriTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration FALLBACK = Duration.ofSeconds(5);

    private static QuorumUri parse(String uri) {
        return QuorumUri.parse(URI.create(uri), LEASE, FALLBACK);
    }

    /** The message of the IllegalArgumentException that opening {@code uri} must throw (before any connection). */
    private static String rejected(String uri) {
        return assertThrows(IllegalArgumentException.class, () -> Locks.open(uri)).getMessage();
    }

    @Test
    void hostList_isSplitIntoOneSettingsPerNode_withSharedOptions() {
        QuorumUri q = parse("redis-quorum://:s3cret@a.example:7001,b.example:7002,10.0.0.3/2?client=lettuce&lease=7s&timeout=1s&prefix=app:&fallback=2s");
        assertEquals(3, q.nodes().size());
        RedisSettings first = q.nodes().get(0);
        assertEquals("a.example", first.host());
        assertEquals(7001, first.port());
        assertEquals(6379, q.nodes().get(2).port(), "the default port");
        for (RedisSettings s : q.nodes()) {
            assertEquals("lettuce", s.client());
            assertEquals(2, s.database());
            assertEquals("s3cret", s.password());
            assertEquals(Duration.ofSeconds(1), s.timeout());
            assertEquals("app:", s.keys().prefix());
            assertFalse(s.redacted().contains("s3cret"), s.redacted());
        }
        assertEquals(Duration.ofSeconds(7), q.lease());
        assertEquals(Duration.ofSeconds(2), q.fallback());
        assertEquals(5, parse("redis-quorum://h1:1,h2:2,h3:3,h4:4,h5:5").nodes().size());
    }

    @Test
    void nodeCount_mustBeOddAndAtLeastThree() {
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3,h4:4").contains("names 4 nodes; use an odd number"));
        assertTrue(rejected("redis-quorum://h1:1").contains("names 1 node; a quorum needs at least 3"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2").contains("names 2 nodes; a quorum needs at least 3"));
    }

    @Test
    void malformedHostLists_areNamed() {
        assertTrue(rejected("redis-quorum://h1:1,,h3:3").contains("element 2 of the host list: empty"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,").contains("element 3 of the host list: empty"));
        assertTrue(rejected("redis-quorum://h1:1,h2:x,h3:3").contains("the port of 'h2:x' must be a number from 1 to 65535"));
        assertTrue(rejected("redis-quorum://h1:1,h2:0,h3:3").contains("was '0'"));
        assertTrue(rejected("redis-quorum://h1:1,h2:70000,h3:3").contains("was '70000'"));
        assertTrue(rejected("redis-quorum://h1:1,h!2:2,h3:3").contains("'!' cannot be part of a host name"));
        assertTrue(rejected("redis-quorum://h1:1,[::1]:2,h3:3").contains("malformed uri"), "java.net.URI refuses brackets here");
        assertTrue(rejected("redis-quorum:h1:1,h2:2,h3:3").contains("expected redis-quorum://host1:port1"));
        assertTrue(rejected("redis-quorum:///?lease=1s").contains("expected redis-quorum://host1:port1"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3#x").contains("expected redis-quorum://host1:port1"));
    }

    @Test
    void duplicateNodes_areRejected() {
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h1:1").contains("the host list names h1:1 twice"));
        assertTrue(rejected("redis-quorum://H1:6379,h2:2,h1").contains("names h1:6379 twice"), "case and default port do not hide a duplicate");
    }

    @Test
    void unknownAndInvalidOptions_areNamed_withoutThePassword() {
        String m = rejected("redis-quorum://:s3cret@h1:1,h2:2,h3:3?fiar=true");
        assertTrue(m.contains("unknown option 'fiar'") && m.contains("fallback"), m);
        assertFalse(m.contains("s3cret"), m);
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3?lease=0s").contains("lease"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3?fallback=0s").contains("fallback"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3?fallback=soon").contains("fallback"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3?client=redisson").contains("client"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3?timeout=0s").contains("timeout"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3?prefix=a{b").contains("prefix"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3?cluster=true").contains("option 'cluster' is not supported"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3?sentinel=m").contains("option 'sentinel' is not supported"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3/x").contains("database number"));
        assertTrue(rejected("redis-quorum://h1:1,h2:2,h3:3?lease=1s&lease=2s").contains("given twice"));
    }

    @Test
    void messages_neverShowThePassword() {
        for (String uri : new String[] {"redis-quorum://u:s3cret@h1:1,h2:2?lease=1s", "redis-quorum://u:s3cret@h1:1,h1:1,h3:3",
                "redis-quorum://u:s3cret@h1:1,h2:2,h3:3?password=s3cret&fiar=1", "redis-quorum://u:s3cret@h1:1,h2:2,h3:3?sentinel=m"}) {
            String m = rejected(uri);
            assertFalse(m.contains("s3cret"), m);
        }
    }

    @Test
    void serviceLoaderFindsTheScheme() {
        assertTrue(Locks.providers().stream().anyMatch(p -> p.scheme().equals("redis-quorum")));
        assertEquals(QuorumLockDriver.CAPABILITIES, Locks.provider("redis-quorum").capabilities());
        assertThrows(IllegalArgumentException.class, () -> new RedisQuorumLockProvider().open(URI.create("redis-lua://127.0.0.1")));
    }
}
