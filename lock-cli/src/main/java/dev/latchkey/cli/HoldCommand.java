package dev.latchkey.cli;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockctl hold NAME --uri URI --lease 2s}: acquires a lock, prints one line
 * {@code HELD fencing=<token> lease=<ms>} and then holds it without renewal until killed (or for
 * {@code --for}). Hidden: the demo's crash scenario runs it in a child JVM and kills it with
 * SIGKILL, so the lock is abandoned exactly as by a crashed process.
 */
@Command(name = "hold", hidden = true, description = "Acquire a lock and hold it, without renewal, until killed (the demo's crashing holder).")
final class HoldCommand implements Callable<Integer> {
    /** The first line the holder prints once it holds the lock. */
    static final String HELD = "HELD";

    @Spec
    CommandSpec spec;
    @Mixin
    Options.Target target;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "2s", description = "Lease to acquire with (default ${DEFAULT-VALUE}).")
    Duration lease;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "30s", description = "How long to wait for the lock (default ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--for", paramLabel = "DURATION", description = "Release after this long instead of holding until killed.")
    Duration holdFor;

    @Override
    public Integer call() throws InterruptedException {
        Options.within(spec, "--lease", lease, Duration.ofMillis(1), Locks.MAX_LEASE);
        Options.within(spec, "--wait", wait, Duration.ZERO, Duration.ofHours(1));
        if (holdFor != null) {
            Options.within(spec, "--for", holdFor, Duration.ofMillis(1), Locks.MAX_LEASE);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Backends backends = new Backends(); LockClient client = backends.open(target.uri)) {
            Lease held = client.lock(target.name).acquire(wait, lease);
            out.println(HELD + " fencing=" + held.fencingToken() + " lease=" + lease.toMillis());
            out.flush();
            Thread.sleep(holdFor == null ? Long.MAX_VALUE : holdFor.toMillis());
            held.release();
            return ExitCodes.OK;
        }
    }
}
