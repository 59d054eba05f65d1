package dev.latchkey.redis.quorum;

import static dev.latchkey.redis.quorum.TestQuorum.eventually;
import static dev.latchkey.redis.quorum.TestQuorum.fenceOn;
import static dev.latchkey.redis.quorum.TestQuorum.holderOn;
import static dev.latchkey.redis.quorum.TestQuorum.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.tck.Outcome;
import dev.latchkey.tck.Rule;
import dev.latchkey.tck.RuleResult;
import dev.latchkey.tck.TckReport;
import dev.latchkey.tck.TckRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What breaks the quorum: nodes that restart without the data they had. Each test stages the faults
 * deterministically and shows, with evidence, either the violation (the assumption broken) or its
 * absence (the assumption kept). The README's fencing argument cites these tests.
 */
class RestartEmptyTest {
    private final List<RedisServer> nodes = new ArrayList<>();

    private List<RedisServer> start(String... args) {
        for (int i = 0; i < 3; i++) {
            nodes.add(RedisServer.start(args));
        }
        return nodes;
    }

    @AfterEach
    void stop() {
        nodes.forEach(RedisServer::close);
    }

    private static void occupy(RedisServer node, String name, String value, long ttlMillis) {
        node.call("SET", "latchkey:{" + name + "}:qlock", value, "PX", Long.toString(ttlMillis));
    }

    /** Acquires and releases {@code times} times, so that the next token is well above 1. */
    private static void advance(LockClient c, String name, int times) throws InterruptedException {
        for (int i = 0; i < times; i++) {
            c.lock(name).acquire(Duration.ofSeconds(5)).release();
        }
    }

    /** The assumption broken outright: a majority of the nodes lose their data while a lease is valid. */
    @Test
    void majorityRestartedEmpty_grantsTheLockTwice_andTheTokenGoesBack() throws Exception {
        List<RedisServer> s = start();
        String name = name("majority-empty");
        try (LockClient a = TestQuorum.open(s, "jedis", "timeout=500ms"); LockClient b = TestQuorum.open(s, "lettuce", "timeout=500ms")) {
            advance(a, name, 4);
            Lease held = a.lock(name).acquire(Duration.ofSeconds(30));
            assertTrue(eventually(() -> s.stream().allMatch(n -> holderOn(n, name) != null)), "every node holds a's lease");
            s.get(0).kill();
            s.get(1).kill();
            s.get(0).restart(); // empty, at once
            s.get(1).restart();
            s.get(2).pause(); // the one node that remembers is slow to answer: b decides with the two that forgot
            try {
                Lease second = b.lock(name).tryAcquire(Duration.ofSeconds(5), Duration.ofSeconds(30)).orElseThrow();
                assertTrue(held.isValid() && second.isValid(), "two valid leases at once: the lock was granted twice");
                assertTrue(second.fencingToken() <= held.fencingToken(), "and the token went back: " + held.fencingToken()
                        + " then " + second.fencingToken());
                System.out.printf("[restart-empty] majority restarted empty: a holds token %d, b was granted token %d while a's lease is valid%n",
                        held.fencingToken(), second.fencingToken());
            } finally {
                s.get(2).resume();
            }
        }
    }

    /**
     * Kleppmann's scenario with one fault at a time: a holds a bare majority (the third node was taken by
     * a leftover), one of its two nodes crashes and restarts empty at once, and b takes that node and the
     * third: a double grant with a single node losing its data.
     */
    @Test
    void oneNodeRestartedEmptyAtOnce_whileTheHolderHadABareMajority_grantsTheLockTwice() throws Exception {
        List<RedisServer> s = start();
        String name = name("bare-majority");
        try (LockClient a = TestQuorum.open(s, "jedis", "timeout=500ms"); LockClient b = TestQuorum.open(s, "jedis", "timeout=500ms")) {
            occupy(s.get(2), name, "crashed-contender#1", 700); // a leftover of an abandoned round
            Lease held = a.lock(name).tryAcquire(Duration.ZERO, Duration.ofSeconds(30)).orElseThrow();
            assertEquals(2, TestQuorum.holding(s, name, a.inspect(name).orElseThrow().holder()), "a holds exactly a majority");
            s.get(1).kill();
            s.get(1).restart(); // empty, at once: the delayed-restart rule broken
            Lease second = b.lock(name).tryAcquire(Duration.ofSeconds(5), Duration.ofSeconds(30)).orElseThrow(); // once the leftover expires
            assertTrue(held.isValid() && second.isValid(), "two valid leases at once: the lock was granted twice");
            System.out.printf("[restart-empty] one node restarted empty at once: a (token %d) and b (token %d) both hold valid leases%n",
                    held.fencingToken(), second.fencingToken());
        }
    }

    /** The same faults with the delayed-restart rule: the node stays down until a's lease is over, and nobody overlaps a. */
    @Test
    void oneNodeRestartedEmptyAfterTheDelay_whileTheHolderHadABareMajority_grantsNothingTwice() throws Exception {
        List<RedisServer> s = start();
        String name = name("bare-majority-delayed");
        Duration lease = Duration.ofSeconds(2);
        try (LockClient a = TestQuorum.open(s, "jedis", "timeout=500ms"); LockClient b = TestQuorum.open(s, "jedis", "timeout=500ms")) {
            occupy(s.get(2), name, "crashed-contender#1", 700);
            Lease held = a.lock(name).tryAcquire(Duration.ZERO, lease).orElseThrow();
            assertEquals(2, TestQuorum.holding(s, name, a.inspect(name).orElseThrow().holder()));
            s.get(1).kill();
            Thread.sleep(lease.toMillis() + QuorumLockDriver.driftMillis(lease.toMillis())); // the rule: out for the longest lease
            s.get(1).restart();
            Lease second = b.lock(name).tryAcquire(Duration.ofSeconds(5), Duration.ofSeconds(30)).orElseThrow();
            assertFalse(held.isValid(), "b was granted only after a's lease ended");
            assertTrue(second.fencingToken() > held.fencingToken(), "the commit reached the third node too, so the token still rose");
        }
    }

    /**
     * The delayed-restart rule protects exclusion, not the fence counters. Faults one at a time, each kept
     * within the rule (no hold is live when a node loses its data, so there is nothing to wait for): node 2
     * restarts empty, then node 1, with no grant in between to spread the fence again, and node 0, the one
     * that remembers, is unreachable when b acquires. b's token is not above a's: fencing needs the fence
     * keys to persist.
     */
    @Test
    void delayedRestartWithoutPersistence_letsTheTokenGoBack_afterTwoNodesForgetOneAtATime() throws Exception {
        long[] tokens = tokensAfterTwoRestarts(start());
        assertTrue(tokens[1] <= tokens[0], "expected the token to go back without persistence: " + tokens[0] + " then " + tokens[1]);
        System.out.printf("[restart-empty] two nodes restarted empty one at a time, no hold live: token %d, then %d%n", tokens[0], tokens[1]);
    }

    /** The same faults with AOF {@code appendfsync always}: the restarted nodes kept their fences, and the token rises. */
    @Test
    void persistentFences_keepTheTokenRising_underTheSameFaults() throws Exception {
        long[] tokens = tokensAfterTwoRestarts(start("--appendonly", "yes", "--appendfsync", "always"));
        assertTrue(tokens[1] > tokens[0], "with persistence the token must rise: " + tokens[0] + " then " + tokens[1]);
    }

    /** Returns {a's last token, b's token}. */
    private static long[] tokensAfterTwoRestarts(List<RedisServer> s) throws Exception {
        String name = name("two-restarts");
        try (LockClient a = TestQuorum.open(s, "jedis", "timeout=500ms"); LockClient b = TestQuorum.open(s, "lettuce", "timeout=500ms")) {
            advance(a, name, 4);
            Lease last = a.lock(name).acquire(Duration.ofSeconds(5));
            last.release();
            assertTrue(eventually(() -> s.stream().allMatch(n -> fenceOn(n, name) == last.fencingToken())), "every node knows the token");
            s.get(2).kill();
            s.get(2).restart();
            s.get(1).kill();
            s.get(1).restart();
            s.get(0).pause(); // the one node that remembers is unreachable when b acquires
            try {
                Lease next = b.lock(name).tryAcquire(Duration.ofSeconds(5), Duration.ofSeconds(5)).orElseThrow();
                next.release();
                return new long[] {last.fencingToken(), next.fencingToken()};
            } finally {
                s.get(0).resume();
            }
        }
    }

    /**
     * The TCK's restart rules with every node restarted empty at once (the assumption broken on purpose),
     * claiming neither exclusion nor fencing: the kit must observe both broken, deterministically. The
     * report joins the module's matrix.
     */
    @Test
    void tckRow_everyNodeRestartedEmpty_isObservedUnsafe() {
        Map<String, RuleResult> results = runRules(new QuorumHarness(3, "jedis", QuorumHarness.Restart.ALL_EMPTY,
                QuorumHarness.Background.NONE), Set.of("FT-01", "FT-02"));
        assertEquals(Outcome.OBSERVED_UNSAFE, results.get("FT-01").outcome(), results.get("FT-01").message());
        assertEquals(Outcome.OBSERVED_UNSAFE, results.get("FT-02").outcome(), results.get("FT-02").message());
    }

    /**
     * The TCK's fault rules with the minority restarted empty at once. In the kit's scenarios the holder
     * holds every node, so one node forgetting cannot hand the lock out twice: the kit observes them
     * safe, and the row says so as "not claimed" (the bare-majority test above is the counterexample).
     * Every capability still claimed (expiry, renewal) must pass.
     */
    @Test
    void tckRow_minorityRestartedEmptyAtOnce_isNotClaimed_andWhatIsClaimedPasses() {
        Map<String, RuleResult> results = runRules(new QuorumHarness(3, "lettuce", QuorumHarness.Restart.MINORITY_EMPTY,
                QuorumHarness.Background.NONE), Set.of("FT-01", "FT-02", "FT-03", "FT-04", "FT-05"));
        for (RuleResult r : results.values()) {
            assertTrue(r.outcome() != Outcome.FAIL && r.outcome() != Outcome.SKIPPED, r.id() + " " + r.outcome() + ": " + r.message());
        }
        assertEquals(Outcome.PASS, results.get("FT-04").outcome());
        assertEquals(Outcome.PASS, results.get("FT-05").outcome());
    }

    /** Runs some rules through the TCK's programmatic entry point and writes the report next to the other rows'. */
    private static Map<String, RuleResult> runRules(QuorumHarness harness, Set<String> ids) {
        try (harness) {
            TckRunner runner = new TckRunner(harness);
            long start = System.nanoTime();
            List<RuleResult> results = new ArrayList<>();
            for (Rule rule : Rule.all()) {
                if (ids.contains(rule.id())) {
                    results.add(runner.run(rule));
                }
            }
            TckReport report = runner.report(results, (System.nanoTime() - start) / 1_000_000);
            report.writeTo(Path.of("target", "lock-tck"));
            System.out.println("[lock-tck] " + report.summary());
            return results.stream().collect(Collectors.toMap(RuleResult::id, r -> r));
        }
    }
}
