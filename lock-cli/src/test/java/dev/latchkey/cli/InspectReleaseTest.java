package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.Locks;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** inspect and release on the in-memory backend, whose lock space lockctl shares when run in-process. */
class InspectReleaseTest {
    private static final String URI = "inmemory:cli-inspect-release";
    private LockClient holder;

    @BeforeEach
    void open() {
        holder = Locks.open(URI);
    }

    @AfterEach
    void close() {
        holder.close();
    }

    @Test
    void inspectShowsHolderFencingTokenAndRemainingLease() throws InterruptedException {
        Lease lease = holder.lock("orders").acquire(Duration.ofSeconds(1), Duration.ofSeconds(30));
        Cli.Result r = Cli.run("inspect", "orders", "--uri", URI);
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("held"), r::toString);
        assertTrue(r.out().contains("fencing    " + lease.fencingToken()), r::toString);
        assertTrue(r.out().matches("(?s).*remaining  \\d+\\.\\d\\d s.*"), r::toString);
        assertTrue(r.out().contains("…"), () -> "the holder token is abbreviated:\n" + r);

        Cli.Result json = Cli.run("inspect", "orders", "--uri", URI, "--json");
        assertEquals(ExitCodes.OK, json.code(), json::toString);
        assertTrue(json.json().get("held").asBoolean(), json::toString);
        assertEquals(lease.fencingToken(), json.json().get("fencingToken").asLong(), json::toString);
    }

    @Test
    void inspectOfAFreeLock() {
        Cli.Result r = Cli.run("inspect", "never-taken", "--uri", URI);
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("free"), r::toString);
    }

    @Test
    void releaseNeedsForce() {
        Cli.Result r = Cli.run("release", "orders", "--uri", URI, "--yes");
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("--force"), r::toString);
    }

    @Test
    void releaseWithoutTerminalAndWithoutYesRefuses() throws InterruptedException {
        Lease lease = holder.lock("orders").acquire(Duration.ofSeconds(1), Duration.ofSeconds(30));
        Cli.Result r = Cli.run("release", "orders", "--uri", URI, "--force");
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("no terminal") && r.err().contains("--yes"), r::toString);
        assertTrue(lease.isValid());
        lease.release();
    }

    @Test
    void forcedReleaseFreesTheLockAndTheHolderLosesIt() throws InterruptedException {
        Lease lease = holder.lock("orders").acquire(Duration.ofSeconds(1), Duration.ofSeconds(30));
        Cli.Result r = Cli.run("release", "orders", "--uri", URI, "--force", "--yes");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("released 'orders'"), r::toString);
        assertFalse(holder.inspect("orders").orElseThrow().isHeld());
        assertThrows(LockLostException.class, lease::release);

        Cli.Result again = Cli.run("release", "orders", "--uri", URI, "--force", "--yes", "--json");
        assertEquals(ExitCodes.OK, again.code(), again::toString);
        assertFalse(again.json().get("released").asBoolean(), again::toString);
    }
}
