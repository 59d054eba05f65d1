package dev.latchkey.spi;

import static dev.latchkey.spi.ArgumentsTest.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UriOptionsTest {

    private static UriOptions of(String uri) {
        return UriOptions.of(URI.create(uri));
    }

    @Test
    void unknownOptionIsRejectedListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> of("x://h:1?lease=5s&bogus=1").allowOnly(Set.of("lease", "fair")));
        assertTrue(e.getMessage().contains("unknown option 'bogus'"), e.getMessage());
        assertTrue(e.getMessage().contains("known options: fair, lease"), e.getMessage());
        of("x://h:1?lease=5s&fair=false").allowOnly(Set.of("lease", "fair"));
    }

    @Test
    void badDurationsAreRejectedNamingTheOption() {
        for (String bad : new String[] {"abc", "", "5", "1.5s", "-5s", "5%20parsecs", "PTxyz", "99999999999999999999d", "9999999999999999d"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> of("x://h:1?lease=" + bad).duration("lease", Duration.ZERO), bad);
            assertTrue(e.getMessage().contains("option 'lease'") && e.getMessage().contains("duration"), e.getMessage());
        }
    }

    @Test
    void durationsInEveryUnitAndIso() {
        assertEquals(Duration.ofMillis(500), of("x:?d=500ms").duration("d", null));
        assertEquals(Duration.ofSeconds(30), of("x:?d=30s").duration("d", null));
        assertEquals(Duration.ofSeconds(30), of("x:?d=30S").duration("d", null));
        assertEquals(Duration.ofMinutes(2), of("x:?d=2m").duration("d", null));
        assertEquals(Duration.ofHours(1), of("x:?d=1h").duration("d", null));
        assertEquals(Duration.ofDays(1), of("x:?d=1d").duration("d", null));
        assertEquals(Duration.ofSeconds(30), of("x:?d=PT30S").duration("d", null));
        assertEquals(Duration.ofSeconds(7), of("x:?other=1").duration("d", Duration.ofSeconds(7)));
    }

    @Test
    void optionsOfOpaqueAndHierarchicalUrisAreDecoded() {
        UriOptions opaque = of("inmemory:space?lease=5s&name=a%20b");
        assertEquals("a b", opaque.string("name", null));
        assertEquals(Duration.ofSeconds(5), opaque.duration("lease", null));
        UriOptions hier = of("redis-lua://127.0.0.1:6379/0?lease=1m&&fair");
        assertEquals(Duration.ofMinutes(1), hier.duration("lease", null));
        assertTrue(hier.bool("fair", false), "a bare key means true");
        assertEquals("dflt", of("x://h/").string("name", "dflt"));
    }

    @Test
    void duplicateOptionsAreRejected() {
        assertRejected("option 'lease' given twice", () -> of("x://h?lease=1s&lease=2s"));
    }

    @Test
    void booleansAndIntegersAreCheckedNamingTheOption() {
        assertTrue(of("x:?f=TRUE").bool("f", false));
        assertFalse(of("x:?f=False").bool("f", true));
        assertTrue(of("x:?f").bool("f", false), "a bare key means true");
        for (String other : new String[] {"yes", "no", "1", "0", "on", "maybe", ""}) {
            assertRejected("option 'f' must be true or false, was '" + other + "'", () -> of("x:?f=" + other).bool("f", false));
        }
        assertEquals(3, of("x:?n=3").integer("n", 0, 1, 5));
        assertEquals(9, of("x:?m=3").integer("n", 9, 1, 5));
        assertRejected("option 'n'", () -> of("x:?n=6").integer("n", 0, 1, 5));
        assertRejected("option 'n'", () -> of("x:?n=two").integer("n", 0, 1, 5));
    }

    @Test
    void redactionHidesPasswords() {
        String r = UriOptions.redact(URI.create("redis-lua://user:s3cret@h:1?password=hunter2&lease=1s"));
        assertFalse(r.contains("s3cret") || r.contains("hunter2"), r);
        assertTrue(r.contains("user:***@") && r.contains("password=***") && r.contains("lease=1s"), r);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> of("redis-lua://u:pw@h:1?x=1").allowOnly(Set.of()));
        assertFalse(e.getMessage().contains(":pw@"), e.getMessage());
        assertEquals("redis-quorum://user:***@h1:1,h2:2?password=***&lease=1s",
                UriOptions.redact(URI.create("redis-quorum://user:p@ss@h1:1,h2:2?password=pw2&lease=1s")), "several hosts, an '@' in the password");
        assertEquals("redis-lua://***@h:1/0", UriOptions.redact("redis-lua://s3cret@h:1/0"), "user-info without ':' is taken for a password");
        assertEquals("redis-lua://u:***@h :1", UriOptions.redact("redis-lua://u:s3cret@h :1"), "a text that does not parse");
        assertEquals("inmemory:?password=***", UriOptions.redact("inmemory:?password=x"));
    }
}
