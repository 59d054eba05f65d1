package dev.latchkey.cli;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The demo's {@code --crash} scenario for one backend: a holder in a child JVM
 * ({@code lockctl hold}, same class path) takes the lock, a waiter in this JVM queues for it, the
 * child is killed with SIGKILL ({@link Process#destroyForcibly()}), and the time until the waiter
 * gets the lock is measured against the lease. A grant to the waiter before the kill would be a
 * double grant and is reported as such. Used by one thread.
 */
final class CrashTrial {
    /**
     * What one crash trial saw.
     *
     * @param backAfterKillNanos from the kill to the waiter's grant (negative: granted before the
     *                           kill, a double grant), or null if the lock never came back
     */
    record Result(String label, long pid, Duration lease, long heldBeforeKillNanos, Long backAfterKillNanos) {
        boolean grantedBeforeKill() {
            return backAfterKillNanos != null && backAfterKillNanos < 0;
        }
    }

    private static final Duration HOLDER_START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PAUSE_BEFORE_KILL = Duration.ofMillis(300);

    private CrashTrial() {
    }

    /**
     * @param uri a resolved URI (no {@code embedded} host): the child opens it on its own
     */
    static Result run(String label, URI uri, Backends backends, String lockName, Duration lease)
            throws InterruptedException {
        Process child = startHolder(uri, lockName, lease);
        try (LockClient waiterClient = backends.open(uri)) {
            awaitHeld(child);
            long held = System.nanoTime();
            Duration wait = lease.multipliedBy(3).plusSeconds(10);
            CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    Lease granted = waiterClient.lock(lockName).acquire(wait, lease);
                    long at = System.nanoTime();
                    granted.release();
                    return at;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(PAUSE_BEFORE_KILL.toMillis());
            long killed = System.nanoTime();
            child.destroyForcibly();
            child.waitFor();
            Long back;
            try {
                back = waiter.get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS) - killed;
            } catch (ExecutionException | TimeoutException e) {
                back = null;
            }
            return new Result(label, child.pid(), lease, killed - held, back);
        } finally {
            child.destroyForcibly();
        }
    }

    private static Process startHolder(URI uri, String lockName, Duration lease) {
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.isEmpty()) {
            throw new CliException(ExitCodes.INTERNAL, "--crash needs lockctl on the class path (java -jar or -cp), not the module path");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classPath, Lockctl.class.getName(),
                "hold", "--uri", uri.toString(), lockName, "--lease", lease.toMillis() + "ms"));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new CliException(ExitCodes.INTERNAL, "cannot start the holder JVM: " + e.getMessage(), e);
        }
    }

    /** Waits for the child's HELD line; fails with its output if it exits or takes too long. */
    private static void awaitHeld(Process child) throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child was killed
            }
            lines.add("\u0000eof");
        }, "demo-holder-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + HOLDER_START_TIMEOUT.toNanos();
        StringBuilder output = new StringBuilder();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line != null && line.startsWith(HoldCommand.HELD)) {
                return;
            }
            if (line == null || line.equals("\u0000eof")) {
                throw new CliException(ExitCodes.UNREACHABLE, "the holder JVM did not get the lock"
                        + (line == null ? " within " + Text.duration(HOLDER_START_TIMEOUT) : "") + "; its output:\n" + output);
            }
            output.append("  ").append(line).append('\n');
        }
    }
}
