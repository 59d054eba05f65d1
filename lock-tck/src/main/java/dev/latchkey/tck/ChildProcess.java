package dev.latchkey.tck;

import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SLACK;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link FaultKind#CLIENT_CRASH} for out-of-process backends: a child JVM on the current class path
 * runs {@link TckChild}, acquires through the harness's URI, and is killed with SIGKILL
 * ({@link Process#destroyForcibly()}). Times are compared on the wall clock, which both JVMs share.
 */
final class ChildProcess {
    private ChildProcess() {
    }

    static void crashScenario(Ctx c, URI uri) throws Exception {
        Duration lease = LEASE.multipliedBy(5);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TckChild.class.getName(),
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
        Participant b = c.participant("b");
        c.precondition(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "a hold taken in a child JVM through %s was not visible in"
                + " this JVM: the backend is not shared between processes, so a process crash cannot be simulated", uri);
        child.destroyForcibly().waitFor();
        c.history.note("child", c.lock, "killed with SIGKILL, exit " + child.exitValue());
        Optional<RecordedLease> next = b.tryAcquire(lease.plus(SLACK).plus(SLACK), LEASE);
        long took = System.currentTimeMillis();
        c.check(next.isPresent(), "no participant could take over from the killed child within %d ms of its %d ms lease",
                lease.plus(SLACK).plus(SLACK).toMillis(), lease.toMillis());
        c.check(took - asked >= lease.toMillis(), "b took over %d ms after the killed child asked for a %d ms lease",
                took - asked, lease.toMillis());
        c.check(took - granted <= lease.plus(SLACK).toMillis(), "b took over %d ms after the killed child was granted a %d ms lease",
                took - granted, lease.toMillis());
        c.observe("child JVM killed with SIGKILL; takeover %d ms after its grant of a %d ms lease", took - granted, lease.toMillis());
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
