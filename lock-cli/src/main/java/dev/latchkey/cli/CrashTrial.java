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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The demo's {@code --crash} scenario for one backend: a holder in a child JVM
 * ({@code lockctl hold}, same class path) takes the lock, a waiter in this JVM queues for it, the
 * child is killed with SIGKILL ({@link Process#destroyForcibly()}), and the time until the waiter
 * gets the lock is measured against the lease. A grant to the waiter before the kill would be a
 * double grant and is reported as such. A backend whose locks are not shared between processes (the
 * child's hold is not visible here) is reported as such. Used by one thread.
 */
final class CrashTrial {
    /**
     * What one crash trial saw.
     *
     * @param shared             whether the child's hold was visible in this JVM
     * @param backAfterKillNanos from the kill to the waiter's grant (negative: granted before the
     *                           kill, a double grant), or null if the lock never came back
     */
    record Result(String label, long pid, Duration lease, boolean shared, long heldBeforeKillNanos, Long backAfterKillNanos) {
        boolean grantedBeforeKill() {
            return shared && backAfterKillNanos != null && backAfterKillNanos < 0;
        }

        String describe() {
            String what;
            if (!shared) {
                return "not shared between processes: the child JVM's hold was not visible here, so a crash cannot be shown";
            } else if (backAfterKillNanos == null) {
                what = "the lock did NOT come back";
            } else if (grantedBeforeKill()) {
                what = "DOUBLE GRANT: the waiter got the lock " + Text.nanos(-backAfterKillNanos) + " before the holder was killed";
            } else {
                what = "lock came back " + Text.nanos(backAfterKillNanos) + " after the kill ("
                        + Text.nanos(heldBeforeKillNanos + backAfterKillNanos) + " after the grant; lease " + Text.duration(lease) + ")";
            }
            return "holder pid " + pid + " killed after holding " + Text.nanos(heldBeforeKillNanos) + "; " + what;
        }

        Map<String, Object> json() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("backend", label);
            e.put("pid", pid);
            e.put("leaseMillis", lease.toMillis());
            e.put("sharedBetweenProcesses", shared);
            e.put("heldBeforeKillMillis", heldBeforeKillNanos / 1_000_000);
            e.put("backAfterKillMillis", backAfterKillNanos == null ? null : backAfterKillNanos / 1_000_000);
            e.put("grantedBeforeKill", grantedBeforeKill());
            return e;
        }
    }

    private static final Duration HOLDER_START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PAUSE_BEFORE_KILL = Duration.ofMillis(300);

    private CrashTrial() {
    }

    /**
     * @param uri  a resolved URI (no {@code embedded} host): the child opens it on its own
     * @param open opens the waiter's client in this JVM
     */
    static Result run(String label, URI uri, Supplier<LockClient> open, String lockName, Duration lease)
            throws InterruptedException {
        Process child = startHolder(uri, lockName, lease);
        try (LockClient waiterClient = open.get()) {
            awaitHeld(child);
            long held = System.nanoTime();
            Optional<Lease> notShared = waiterClient.lock(lockName).tryAcquire(Duration.ZERO, lease);
            if (notShared.isPresent()) {
                notShared.get().release();
                return new Result(label, child.pid(), lease, false, 0, null);
            }
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
            return new Result(label, child.pid(), lease, true, killed - held, back);
        } finally {
            child.destroyForcibly();
        }
    }

    private static Process startHolder(URI uri, String lockName, Duration lease) {
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.isEmpty()) {
            throw new CliException(ExitCodes.INTERNAL, "--crash needs lockctl on the class path (java -jar or -cp), not the module path");
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classPath, Lockctl.class.getName(),
                "hold", "--uri", uri.toString(), lockName, "--lease", lease.toMillis() + "ms");
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
