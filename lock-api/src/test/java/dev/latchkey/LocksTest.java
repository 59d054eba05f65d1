package dev.latchkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.spi.LockProvider;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Locks with the test-only provider {@code fake-test} registered in src/test/resources. */
class LocksTest {

    @Test
    void openFindsATestProviderThroughServiceLoader() throws Exception {
        try (LockClient client = Locks.open("fake-test:?lease=2s")) {
            assertEquals("fake", client.describe());
            assertTrue(client.capabilities().contains(Capability.LEASE_EXPIRY), "closure of LEASE_RENEWAL");
            try (Lease lease = client.lock("a").acquire()) {
                // default lease from the URI option
                assertTrue(lease.remaining().compareTo(Duration.ofSeconds(2)) <= 0, lease.remaining().toString());
                assertTrue(lease.remaining().compareTo(Duration.ofMillis(1900)) >= 0, lease.remaining().toString());
            }
        }
        assertEquals("fake-test", Locks.provider("FAKE-TEST").scheme());
    }

    @Test
    void providersListsTheRegisteredOnesWithCapabilities() {
        List<LockProvider> all = Locks.providers();
        LockProvider fake = all.stream().filter(p -> p.scheme().equals("fake-test")).findFirst().orElseThrow();
        assertEquals(EnumSet.of(Capability.MUTUAL_EXCLUSION, Capability.LEASE_RENEWAL), fake.capabilities());
        assertThrows(UnsupportedOperationException.class, () -> all.add(fake));
    }

    @Test
    void unknownSchemeFailsListingTheSchemesFound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Locks.open("nope://h:1"));
        assertTrue(e.getMessage().contains("scheme 'nope'"), e.getMessage());
        assertTrue(e.getMessage().contains("schemes found: ") && e.getMessage().contains("fake-test"), e.getMessage());
    }

    @Test
    void unknownOptionFailsListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Locks.open("fake-test:?leese=1s"));
        assertTrue(e.getMessage().contains("unknown option 'leese'") && e.getMessage().contains("known options: lease"), e.getMessage());
    }

    @Test
    void badUrisFailNamingTheUri() {
        for (String bad : new String[] {null, "", "   ", "no-scheme-here", ":x", "1abc:", "fake-test://h:1/a b", "fake-test:a b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Locks.open(bad), String.valueOf(bad));
            assertTrue(e.getMessage().contains("uri"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Locks.parse("fake-test://h:1/a b"));
        assertTrue(e.getMessage().startsWith("malformed uri"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Locks.parse("fake-test://u:s3cret@h:1/a b"));
        assertEquals("malformed uri 'fake-test://u:***@h:1/a b': Illegal character in path at index 26", e.getMessage());
        assertNull(e.getCause(), "the cause's message would quote the password");
        assertThrows(NullPointerException.class, () -> Locks.open((URI) null));
        assertThrows(IllegalArgumentException.class, () -> Locks.open(URI.create("relative/path")));
    }

    @Test
    void parseAcceptsTheBareSchemeForm() {
        URI bare = Locks.parse(" inmemory: ");
        assertEquals("inmemory", bare.getScheme());
        assertEquals(URI.create("inmemory:x?lease=1s"), Locks.parse("inmemory:x?lease=1s"));
        assertEquals("lease=1s", Locks.parse("inmemory:?lease=1s").getSchemeSpecificPart().substring(1));
    }

    @Test
    void lockInfoRequiresNameAndRemaining() {
        assertThrows(NullPointerException.class, () -> new LockInfo(null, null, 0, Duration.ZERO, 0));
        assertThrows(NullPointerException.class, () -> new LockInfo("a", null, 0, null, 0));
        assertTrue(new LockInfo("a", "t", 1, Duration.ZERO, 0).isHeld());
        assertEquals(Optional.empty(), Optional.of(new LockInfo("a", null, 1, Duration.ZERO, 0)).filter(LockInfo::isHeld));
    }

    @Test
    void capabilityClosureAddsOnlyWhatIsImplied() {
        assertEquals(EnumSet.of(Capability.LEASE_RENEWAL, Capability.LEASE_EXPIRY), Capability.closure(EnumSet.of(Capability.LEASE_RENEWAL)));
        assertEquals(EnumSet.of(Capability.FAIR, Capability.MUTUAL_EXCLUSION), Capability.closure(EnumSet.of(Capability.FAIR)));
        for (Capability c : Capability.values()) {
            if (c != Capability.LEASE_RENEWAL && c != Capability.FAIR) {
                assertEquals(EnumSet.of(c), c.implied(), c.name());
            }
        }
    }
}
