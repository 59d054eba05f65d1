package dev.latchkey.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Locks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ArgumentsTest {

    static void assertRejected(String argument, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(argument), () -> "message should name '" + argument + "': " + e.getMessage());
    }

    @Test
    void nameNullEmptyOrBlankIsRejectedNamingTheName() {
        assertRejected("name", () -> Arguments.name(null));
        assertRejected("name", () -> Arguments.name(""));
        assertRejected("name", () -> Arguments.name(" \t\n"));
    }

    @Test
    void nameLimitCountsUtf8BytesNotChars() {
        String ascii = "a".repeat(Locks.MAX_NAME_BYTES);
        assertEquals(ascii, Arguments.name(ascii));
        assertRejected("name", () -> Arguments.name(ascii + "b"));

        // 'é' is 2 bytes in UTF-8: 256 of them are exactly the limit, 257 are over it with far fewer chars.
        String twoByte = "é".repeat(Locks.MAX_NAME_BYTES / 2);
        assertEquals(Locks.MAX_NAME_BYTES, twoByte.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(twoByte, Arguments.name(twoByte));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Arguments.name(twoByte + "é"));
        assertTrue(e.getMessage().contains("name") && e.getMessage().contains("514"), e.getMessage());

        // '€' is 3 bytes: 171 of them (513 bytes) exceed the limit; a 4-byte emoji 128 times is exactly 512.
        assertRejected("name", () -> Arguments.name("€".repeat(171)));
        String emoji = "\uD83D\uDE00".repeat(128);
        assertEquals(emoji, Arguments.name(emoji));
        assertRejected("name", () -> Arguments.name(emoji + "x"));
    }

    @Test
    void leaseMustBePositiveWholeMillisAndAtMostTheMaximum() {
        assertRejected("lease", () -> Arguments.leaseMillis(null));
        assertRejected("lease", () -> Arguments.leaseMillis(Duration.ZERO));
        assertRejected("lease", () -> Arguments.leaseMillis(Duration.ofMillis(-1)));
        assertRejected("lease", () -> Arguments.leaseMillis(Duration.ofNanos(999_999)));
        assertRejected("lease", () -> Arguments.leaseMillis(Locks.MAX_LEASE.plusNanos(1)));
        assertRejected("lease", () -> Arguments.leaseMillis(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(1, Arguments.leaseMillis(Duration.ofMillis(1)));
        assertEquals(Locks.MAX_LEASE.toMillis(), Arguments.leaseMillis(Locks.MAX_LEASE));
    }

    @Test
    void waitMustBePresentAndNotNegativeAndSaturates() {
        assertRejected("wait", () -> Arguments.waitNanos(null));
        assertRejected("wait", () -> Arguments.waitNanos(Duration.ofNanos(-1)));
        assertEquals(0, Arguments.waitNanos(Duration.ZERO));
        assertEquals(1_500_000_000L, Arguments.waitNanos(Duration.ofMillis(1500)));
        assertEquals(Long.MAX_VALUE, Arguments.waitNanos(Duration.ofSeconds(Long.MAX_VALUE)));
    }
}
