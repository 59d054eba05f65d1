package dev.latchkey.tck;

import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SLACK;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link FaultKind#CLIENT_CRASH} for out-of-process backends: a child JVM on the current class path
 * runs {@code TckChild}, acquires through the harness's URI, and is killed with SIGKILL
 * ({@link Process#destroyForcibly()}). Times are compared on the wall clock, which both JVMs share.
 *
 * <p>A provider loaded by a class loader of its own (as {@code lockctl tck --jar} does) is not on
 * {@code java.class.path}: the system property {@value #EXTRA_CLASS_PATH} lists further class path
 * entries (separated by {@link File#pathSeparator}) that the child JVM gets after the current ones.
 */
final class ChildProcess {
    /** Class path entries the child JVM gets besides {@code java.class.path}. */
    static final String EXTRA_CLASS_PATH = "latchkey.tck.childClassPath";

    private ChildProcess() {
    }

    /** The current class path, followed by the entries of {@value #EXTRA_CLASS_PATH}, if set. */
    static String classPath() {
        String extra = System.getProperty(EXTRA_CLASS_PATH, "");
        String own = System.getProperty("java.class.path", "");
        return extra.isBlank() ? own : own + File.pathSeparator + extra;
    }

    /**
     * A holder in a child JVM killed with SIGKILL, then taken over by {@code b}; false (the child killed,
     * nothing held) if the child's hold is not visible here: the backend is not shared between processes.
     */
    static boolean crashScenario(Ctx c, URI uri, Participant b) throws Exception {
        Duration lease = LEASE.multipliedBy(5);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", classPath(), dev.latchkey.tck.internal.TckChild.class.getName(),
                uri.toString(), c.lock, Long.toString(lease.toMillis()))
                .redirectErrorStream(true).start();
        c.track(child::destroyForcibly);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = c.await(c.fork("child-output", () -> heldLine(out)), PATIENCE.multipliedBy(3), "the child JVM's acquisition");
        c.check(line.startsWith("HELD "), "the child JVM did not acquire the lock: %s", line);
        String[] fields = line.split(" ");
        long asked = Long.parseLong(fields[2]);
        long granted = Long.parseLong(fields[3]);
        c.history.note("child", c.lock, "child JVM pid " + child.pid() + " holds with token " + fields[1]);
        Optional<RecordedLease> invisible = b.tryAcquire(Duration.ZERO, LEASE);
        child.destroyForcibly().waitFor();
        if (invisible.isPresent()) {
            invisible.get().release();
            c.history.note("child", c.lock, "killed: its hold was not visible in this JVM");
            return false;
        }
        c.history.note("child", c.lock, "killed with SIGKILL, exit " + child.exitValue());
        Duration bound = c.within(lease);
        long early = asked + lease.toMillis() - c.margin(lease).toMillis() - System.currentTimeMillis();
        if (early > 0) {
            Thread.sleep(early);
            c.check(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "b took over from the killed child before its %d ms lease ended",
                    lease.toMillis());
        }
        long late = granted + bound.toMillis() - System.currentTimeMillis();
        if (late > 0) {
            Thread.sleep(late);
        }
        long tried = System.currentTimeMillis();
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isPresent(), "the killed child's %d ms lease was still held %d ms after its grant"
                + " (bound %d ms)", lease.toMillis(), tried - granted, bound.toMillis());
        c.observe("child JVM killed with SIGKILL; free %d ms after its grant of a %d ms lease (bound %d ms)", tried - granted,
                lease.toMillis(), bound.toMillis());
        return true;
    }

    /** The child's first HELD or FAILED line; any other output (logging) is kept for the message. */
    private static String heldLine(BufferedReader out) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("HELD ") || line.startsWith("FAILED ")) {
                return line;
            }
            seen.append(line).append(" / ");
        }
        return "the child exited without acquiring; output: " + seen;
    }
}
