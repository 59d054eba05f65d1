package dev.latchkey.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * S4: handoff latency between two JVM processes contending for one name.
 *
 * <p>Method. This JVM and a child JVM (same class path, started with {@link #main}) take turns. The
 * holder waits until the other side says {@code WAITING} (sent just before it calls acquire), sleeps a
 * short settle time so the waiter is really parked in its backend's wait (subscribed, polling, …),
 * reads the wall clock, sends {@code RELEASED <micros>} and releases. The waiter's acquire returns; it
 * reads the wall clock at once and reports {@code ACQUIRED <handoff micros>}, then the roles swap.
 * A handoff is therefore "holder calls release → next holder's acquire returns", including the
 * release's own round trip. Both clocks are the same kernel's {@code CLOCK_REALTIME}, read through
 * {@link Instant#now()} with microsecond resolution: comparable across processes on one machine,
 * unlike {@code System.nanoTime()}. The messages travel over the child's stdin and stdout, outside
 * the measured interval. Before the protocol starts, each side runs {@value #WARM_UP_PAIRS}
 * uncontended acquire+release pairs on another name so that the JIT has compiled the common path, and
 * the first handoffs (warm-up of the wait path) are discarded.
 *
 * <p>Public only for the child's {@link #main}. One measurement at a time, from one thread; a lease
 * lost during it fails the measurement (the protocol expects every acquire to succeed).
 */
public final class Handoff {

    private static final String WAITING = "WAITING";
    private static final String RELEASED = "RELEASED";
    private static final String ACQUIRED = "ACQUIRED";
    private static final String STOP = "STOP";
    private static final int WARM_UP_PAIRS = 1_000;

    private Handoff() {
    }

    /**
     * Measures handoffs in both directions, parent ↔ child.
     *
     * @param rounds  handoffs to record (after {@code warmup} more), stopping early after {@code budget}
     * @return the handoff latencies in microseconds
     */
    static long[] measure(Backend backend, int port, int warmup, int rounds, Duration settle, Duration budget)
            throws IOException, InterruptedException {
        String name = backend.id + ":s4";
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (Backend.Target target = backend.open(port)) {
            Backend.Mutex lock = target.lock(name);
            warmUp(target, name);
            Backend.Held held = lock.acquire(); // the parent starts as holder
            Process child = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    Handoff.class.getName(), backend.id, Integer.toString(port), Long.toString(settle.toNanos()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            // A hung child must not hang the run: kill it after twice the budget; reads then fail.
            CompletableFuture.delayedExecutor(budget.toMillis() * 2 + 30_000, TimeUnit.MILLISECONDS)
                    .execute(child::destroyForcibly);
            try {
                Peer peer = new Peer(child.getInputStream(), child.getOutputStream());
                List<Long> handoffs = new ArrayList<>();
                long deadline = 0;
                while (true) {
                    // holder phase
                    peer.expect(WAITING);
                    deadline = deadline == 0 ? System.nanoTime() + budget.toNanos() : deadline; // child is up
                    if (handoffs.size() >= warmup + rounds || System.nanoTime() - deadline > 0) {
                        peer.send(STOP);
                        held.release();
                        break;
                    }
                    releaseTo(peer, held, settle);
                    handoffs.add(peer.expectLong(ACQUIRED));
                    // waiter phase
                    held = waitFor(peer, lock, handoffs);
                }
                if (!child.waitFor(30, TimeUnit.SECONDS) || child.exitValue() != 0) {
                    throw new IllegalStateException("S4 child for " + backend.id + " failed");
                }
                return handoffs.stream().skip(Math.min(warmup, handoffs.size() / 2)).mapToLong(Long::longValue).toArray();
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /** The child: {@code Handoff <backend> <port> <settle nanos>}; stdout carries the protocol only. */
    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, UTF_8);
        System.setOut(System.err); // stray prints must not corrupt the protocol
        Backend backend = Backend.byId(args[0]);
        Duration settle = Duration.ofNanos(Long.parseLong(args[2]));
        try (Backend.Target target = backend.open(Integer.parseInt(args[1]))) {
            Backend.Mutex lock = target.lock(backend.id + ":s4");
            warmUp(target, backend.id + ":s4");
            Peer peer = new Peer(System.in, protocol);
            List<Long> ignored = new ArrayList<>();
            while (true) {
                Backend.Held held = waitFor(peer, lock, ignored);
                if (held == null) {
                    break;
                }
                peer.expect(WAITING);
                releaseTo(peer, held, settle);
                peer.expectLong(ACQUIRED);
            }
        }
        System.exit(0); // whatever threads a client library left behind
    }

    private static void warmUp(Backend.Target target, String name) throws InterruptedException {
        Backend.Mutex mutex = target.lock(name + ":warm-up:" + ProcessHandle.current().pid());
        for (int i = 0; i < WARM_UP_PAIRS; i++) {
            mutex.acquire().release();
        }
    }

    /** Holder side, once the peer has said it waits: let it park, then stamp and release. */
    private static void releaseTo(Peer peer, Backend.Held held, Duration settle) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(settle.toNanos());
        peer.send(RELEASED + " " + wallMicros());
        held.release();
    }

    /**
     * Waiter side: announce, acquire, measure, report. Returns the hold, or null (after releasing) if
     * the holder said {@code STOP} instead of {@code RELEASED}.
     */
    private static Backend.Held waitFor(Peer peer, Backend.Mutex lock, List<Long> handoffs) throws InterruptedException {
        peer.send(WAITING);
        Backend.Held held = lock.acquire();
        long acquired = wallMicros();
        String line = peer.read();
        if (line.equals(STOP)) {
            held.release();
            return null;
        }
        long handoff = acquired - Peer.number(line, RELEASED);
        handoffs.add(handoff);
        peer.send(ACQUIRED + " " + handoff);
        return held;
    }

    /** Wall-clock microseconds since the epoch, comparable between processes on this machine. */
    static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** One line-based channel to the other process. */
    private static final class Peer {
        private final BufferedReader in;
        private final PrintStream out;

        Peer(InputStream in, OutputStream out) {
            this.in = new BufferedReader(new InputStreamReader(in, UTF_8));
            this.out = out instanceof PrintStream p ? p : new PrintStream(out, false, UTF_8);
        }

        void send(String line) {
            out.print(line + "\n");
            out.flush();
        }

        String read() {
            try {
                String line = in.readLine();
                if (line == null) {
                    throw new IllegalStateException("S4: the other process has gone");
                }
                return line;
            } catch (IOException e) {
                throw new IllegalStateException("S4: cannot read from the other process", e);
            }
        }

        void expect(String word) {
            String line = read();
            if (!line.equals(word)) {
                throw new IllegalStateException("S4: expected " + word + ", got '" + line + "'");
            }
        }

        long expectLong(String word) {
            return number(read(), word);
        }

        static long number(String line, String word) {
            if (!line.startsWith(word + " ")) {
                throw new IllegalStateException("S4: expected " + word + " <n>, got '" + line + "'");
            }
            return Long.parseLong(line.substring(word.length() + 1));
        }
    }
}
