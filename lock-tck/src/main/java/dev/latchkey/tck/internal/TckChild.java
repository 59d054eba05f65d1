package dev.latchkey.tck.internal;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import java.time.Duration;

/**
 * The program the TCK runs in a child JVM to simulate a client crash:
 * {@code TckChild URI LOCK LEASE_MS} opens the URI (three tries, for a loaded machine), acquires the
 * lock (waiting up to 30 s), prints
 * {@code HELD <fencing token> <wall-clock ms before asking> <wall-clock ms after>} and then waits
 * to be killed (it exits by itself after two minutes). On failure it prints {@code FAILED <reason>}.
 * In a package the module does not export: not part of the API, public only so that a JVM can start it.
 */
public final class TckChild {
    private TckChild() {
    }

    public static void main(String... args) throws InterruptedException {
        try {
            LockClient client = open(args[0], 3);
            long asked = System.currentTimeMillis();
            Lease lease = client.lock(args[1]).acquire(Duration.ofSeconds(30), Duration.ofMillis(Long.parseLong(args[2])));
            System.out.println("HELD " + lease.fencingToken() + " " + asked + " " + System.currentTimeMillis());
            System.out.flush();
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e.toString().replace('\n', ' '));
            System.exit(1);
        }
        Thread.sleep(120_000);
        System.exit(0);
    }

    private static LockClient open(String uri, int tries) throws InterruptedException {
        for (int i = 1; ; i++) {
            try {
                return Locks.open(uri);
            } catch (RuntimeException e) {
                if (i == tries) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
