package dev.latchkey.redis.quorum;

import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import dev.latchkey.tck.Event;
import dev.latchkey.tck.History;
import dev.latchkey.tck.HistoryChecker;
import dev.latchkey.tck.RecordedLease;
import dev.latchkey.tck.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A recorded run of many acquisitions of one lock by several clients (Jedis and Lettuce, two threads
 * each) while a chaos thread injects random faults on a random minority of the nodes, one episode at a
 * time: a kill and restart (with AOF {@code appendfsync always}, the fencing assumption), a pause
 * (SIGSTOP), a cut or black hole (ended by a reset) of every client's link to those nodes (each client
 * reaches every node through its own TCP proxy), or a slow link. Afterwards the TCK's interval sweep looks for overlapping
 * holds in the recorded history, and the fencing tokens, in hold order, must strictly increase.
 *
 * <p>Confined to the thread that calls {@link #run}, apart from its workers, which share only the
 * history (thread-safe) and counters.
 */
final class SoakRun {
    enum Fault { KILL_RESTART, PAUSE, CUT, BLACKHOLE, SLOW_LINK }

    /** What a run observed. */
    record Result(int acquisitions, int unavailable, int lost, Map<Fault, Integer> faults, List<Violation> overlaps,
                  List<String> tokenInversions, double seconds) {
        @Override
        public String toString() {
            return String.format("%d acquisitions in %.1f s (%.0f/s), %d attempts failed as unavailable, %d leases lost before release,"
                            + " faults %s, %d overlapping holds, %d token inversions", acquisitions, seconds, acquisitions / seconds,
                    unavailable, lost, faults, overlaps.size(), tokenInversions.size());
        }
    }

    private final int size;
    private final int target;
    private final long seed;
    private final List<RedisServer> nodes = new ArrayList<>();
    /** Per client, its proxy to each node. */
    private final List<List<TcpProxy>> links = new ArrayList<>();
    private final History history = new History();
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicBoolean done = new AtomicBoolean();
    private final Map<Fault, Integer> faults = Collections.synchronizedMap(new EnumMap<>(Fault.class));

    SoakRun(int size, int acquisitions, long seed) {
        this.size = size;
        this.target = acquisitions;
        this.seed = seed;
    }

    Result run(int clients, Duration lease, boolean withFaults) throws Exception {
        String name = TestQuorum.name("soak");
        List<LockClient> open = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < size; i++) {
                nodes.add(RedisServer.start("--appendonly", "yes", "--appendfsync", "always"));
            }
            for (int c = 0; c < clients; c++) {
                List<TcpProxy> own = new ArrayList<>();
                for (RedisServer n : nodes) {
                    own.add(TcpProxy.start(n.host(), n.port()));
                }
                links.add(own);
                open.add(Locks.open(TestQuorum.uri(own.stream().map(TcpProxy::port).toList(), c % 2 == 0 ? "jedis" : "lettuce",
                        "timeout=250ms&fallback=1s")));
            }
            Future<?> chaos = pool.submit(withFaults ? this::chaos : () -> null);
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                for (int t = 0; t < 2; t++) {
                    LockClient client = open.get(c);
                    String id = "c" + c + ".t" + t;
                    workers.add(pool.submit(() -> work(client, id, name, lease)));
                }
            }
            for (Future<?> w : workers) {
                w.get();
            }
            done.set(true);
            chaos.get();
        } finally {
            done.set(true);
            pool.shutdownNow();
            open.forEach(LockClient::close);
            links.forEach(l -> l.forEach(TcpProxy::close));
            nodes.forEach(RedisServer::close);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Event> events = history.events();
        return new Result(target, unavailable.get(), lost.get(), Map.copyOf(faults), HistoryChecker.overlappingHolds(events),
                tokenInversions(events), seconds);
    }

    private Void work(LockClient client, String id, String name, Duration lease) throws InterruptedException {
        while (taken.get() < target) {
            Optional<RecordedLease> got;
            try {
                got = history.tryAcquire(id, client.lock(name), Duration.ofSeconds(10), lease);
            } catch (LockUnavailableException e) {
                unavailable.incrementAndGet(); // a node answered with an error or too few answered: try again
                Thread.sleep(5);
                continue;
            }
            if (got.isEmpty()) {
                continue;
            }
            RecordedLease held = got.get();
            int n = taken.incrementAndGet();
            if (n > target) {
                releaseQuietly(held);
                return null;
            }
            if (n % 10_000 == 0) {
                System.out.printf("[soak] %d of %d acquisitions, faults so far %s%n", n, target, faults);
            }
            releaseQuietly(held);
        }
        return null;
    }

    private void releaseQuietly(RecordedLease held) {
        try {
            held.release();
        } catch (LockLostException e) {
            lost.incrementAndGet(); // recorded: the hold ended at its deadline
        } catch (LockUnavailableException e) {
            unavailable.incrementAndGet(); // its lease ends it
        }
    }

    /** One fault episode at a time, on a random minority, until the workers are done. */
    private Void chaos() {
        Random random = new Random(seed);
        try {
            while (!done.get()) {
                Thread.sleep(100 + random.nextInt(400));
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    order.add(i);
                }
                Collections.shuffle(order, random);
                List<Integer> hit = order.subList(0, 1 + random.nextInt(size / 2));
                Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
                long hold = 100 + random.nextInt(700);
                faults.merge(fault, 1, Integer::sum);
                history.note("chaos", "-", fault + " on nodes " + hit + " for " + hold + " ms");
                inject(fault, hit, hold);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void inject(Fault fault, List<Integer> hit, long holdMillis) throws InterruptedException {
        List<TcpProxy> proxies = hit.stream().flatMap(i -> links.stream().map(l -> l.get(i))).collect(Collectors.toList());
        switch (fault) {
            case KILL_RESTART:
                hit.forEach(i -> nodes.get(i).kill());
                Thread.sleep(holdMillis);
                hit.forEach(i -> nodes.get(i).restart());
                break;
            case PAUSE:
                hit.forEach(i -> nodes.get(i).pause());
                try {
                    Thread.sleep(holdMillis);
                } finally {
                    hit.forEach(i -> nodes.get(i).resume());
                }
                break;
            case CUT:
                proxies.forEach(TcpProxy::cut);
                Thread.sleep(holdMillis);
                proxies.forEach(TcpProxy::restore);
                break;
            case BLACKHOLE:
                // Silence, then the connections reset, as TCP does after its timeouts. (Restoring a black-holed
                // connection instead would deliver a stream with bytes missing, which no real network does.)
                proxies.forEach(TcpProxy::blackhole);
                Thread.sleep(holdMillis);
                proxies.forEach(TcpProxy::cut);
                proxies.forEach(TcpProxy::restore);
                break;
            default:
                proxies.forEach(p -> p.delay(Duration.ofMillis(5 + holdMillis / 20)));
                Thread.sleep(holdMillis);
                proxies.forEach(TcpProxy::restore);
        }
    }

    /** Holds in the order they began; each token must be above the one before. */
    private static List<String> tokenInversions(List<Event> events) {
        List<Event> grants = events.stream()
                .filter(e -> e.type() == Event.Type.OK && e.op() == Event.Op.ACQUIRE)
                .sorted((a, b) -> Long.compare(a.nanos(), b.nanos()))
                .collect(Collectors.toList());
        List<String> out = new ArrayList<>();
        for (int i = 1; i < grants.size(); i++) {
            if (grants.get(i).token() <= grants.get(i - 1).token() && out.size() < 5) {
                out.add(grants.get(i - 1) + " then " + grants.get(i));
            }
        }
        return out;
    }

    static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
