package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The demo as a newcomer meets it: by default, on a throw-away redis-server, the article's algorithm
 * overlaps and loses an update to a stale writer while the production backend keeps exclusion and
 * fences the stale writer off; and every verdict agrees with its own numbers.
 */
class DemoCommandTest {

    @Test
    void theDefaultDemoMakesTheArticlesPointWithinThirtySeconds() {
        long start = System.nanoTime();
        Cli.Result r = Cli.run("demo");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(ExitCodes.OK, r.code(), () -> "what a backend does not claim is reported, not failed:\n" + r);
        assertTrue(took.compareTo(Cli.scaled(Duration.ofSeconds(30))) < 0, () -> "took " + took + ":\n" + r);
        List<String> lines = r.out().lines().toList();
        assertTrue(row(lines, "  overlapping grants").matches(" *[1-9]\\d* \\(\\d+ by skewed w0\\) +0"),
                () -> "getset overlaps (w0's clock is ahead), lua does not:\n" + r);
        assertTrue(row(lines, "  A's stale write").matches(" *accepted \\(no token\\) +rejected \\(token 1 < 2\\)"), r::toString);
        assertTrue(row(lines, "  A's late release").matches(" *freed B's lock: C got in +lost; B kept the lock"), r::toString);
        assertTrue(row(lines, "  w0's wall clock").matches(" *read \\d+ times +never read: no effect"), r::toString);
        assertTrue(row(lines, "verdict").matches(" *UNSAFE \\(not claimed\\) +safe in this run"), r::toString);
        String getset = lines.stream().filter(l -> l.startsWith("redis-getset: ")).findFirst().orElseThrow();
        assertTrue(getset.startsWith("redis-getset: UNSAFE (not claimed) - w0, whose clock ran 2.00 s ahead, took over live holds")
                && getset.contains("A's stale write was accepted (no fencing token), so B's update was lost")
                && getset.contains("A's late release freed B's lock and C got in while B held it")
                && getset.contains("Not claimed: it does not declare MUTUAL_EXCLUSION"), getset);
        String lua = lines.stream().filter(l -> l.startsWith("redis-lua: ")).findFirst().orElseThrow();
        assertTrue(lua.matches("redis-lua: safe in this run - no two holds overlapped in 5\\d acquisitions; A's stale write was "
                + "rejected by its fencing token \\(1 < 2\\); A's late release reported the loss and B kept the lock; it reads no "
                + "wall clock, so w0's 2.00 s skew did not reach it\\."), lua);
    }

    @Test
    void everyVerdictAgreesWithItsOwnNumbers() {
        Cli.Result r = Cli.run("demo", "--uri", "redis-getset://embedded?mode=article", "--uri", "redis-getset://embedded",
                "--uri", "redis-lua://embedded", "--uri", "inmemory:", "--workers", "4", "--rounds", "3", "--lease", "500ms", "--json");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        JsonNode doc = r.json();
        assertTrue(doc.get("ok").asBoolean(), r::toString);
        for (JsonNode b : doc.get("backends")) {
            JsonNode pause = b.get("pause");
            boolean anomaly = b.get("contention").get("overlaps").asInt() > 0 || pause.get("staleWriteAccepted").asBoolean()
                    || pause.get("cGotInWhileBHeld").asBoolean() || pause.get("tokenB").asLong() < 0
                    || b.get("fencingViolations").asInt() > 0 || b.get("expiredOnReturn").asInt() > 0
                    || !b.get("historyViolations").isEmpty();
            String verdict = b.get("verdict").asText();
            assertEquals(anomaly, !verdict.equals("safe"), () -> b.toPrettyString());
            assertEquals(anomaly, !b.get("findings").isEmpty(), () -> b.toPrettyString());
            boolean claimed = StreamSupport.stream(b.get("findings").spliterator(), false).anyMatch(f -> f.get("claimed").asBoolean());
            assertEquals(claimed, verdict.equals("violation"), () -> b.toPrettyString());
        }
        JsonNode article = doc.get("backends").get(0);
        assertEquals("unsafe-not-claimed", article.get("verdict").asText(), article::toPrettyString);
        assertTrue(article.get("pause").get("staleWriteAccepted").asBoolean() && article.get("pause").get("lostUpdate").asBoolean()
                && article.get("pause").get("cGotInWhileBHeld").asBoolean(), article::toPrettyString);
        JsonNode checked = doc.get("backends").get(1);
        assertTrue(checked.get("pause").get("staleWriteAccepted").asBoolean(), "no fencing token: " + checked.toPrettyString());
        assertFalse(checked.get("pause").get("cGotInWhileBHeld").asBoolean(), "owner-checked release: " + checked.toPrettyString());
        for (JsonNode fenced : List.of(doc.get("backends").get(2), doc.get("backends").get(3))) {
            assertEquals("safe", fenced.get("verdict").asText(), fenced::toPrettyString);
            assertEquals(0, fenced.get("contention").get("wallClockReads").asLong(), "reads no wall clock: " + fenced.toPrettyString());
            assertTrue(fenced.get("pause").get("tokenA").asLong() < fenced.get("pause").get("tokenB").asLong()
                    && !fenced.get("pause").get("staleWriteAccepted").asBoolean(), fenced::toPrettyString);
        }
    }

    @Test
    void metricsAreRecordedForEveryClientAndPrinted() {
        Cli.Result text = Cli.run("demo", "--uri", "inmemory:", "--workers", "2", "--rounds", "2", "--lease", "500ms", "--metrics");
        assertEquals(ExitCodes.OK, text.code(), text::toString);
        assertTrue(text.out().contains("latchkey.lock.acquire") && text.out().contains("latchkey.lock.held"), text::toString);
        Cli.Result json = Cli.run("demo", "--uri", "inmemory:", "--workers", "2", "--rounds", "2", "--lease", "500ms", "--metrics", "--json");
        JsonNode granted = StreamSupport.stream(json.json().get("metrics").spliterator(), false)
                .filter(m -> m.get("name").asText().equals("latchkey.lock.acquire") && m.get("tags").get("outcome").asText().equals("granted"))
                .findFirst().orElseThrow(() -> new AssertionError(json));
        assertEquals("inmemory", granted.get("tags").get("backend").asText());
        // 2 workers x 2 rounds, then A, B and C of the pause phase (C finds the lock held by B only if it was freed).
        assertTrue(granted.get("measurements").get("count").asInt() >= 6, json::toString);
    }

    @Test
    void aCrashedHolderInAChildJvmLosesTheLockWhenItsLeaseEnds() {
        Cli.Result r = Cli.run("demo", "--uri", "redis-lua://embedded", "--uri", "inmemory:", "--workers", "2", "--rounds", "1",
                "--lease", "500ms", "--crash", "--json");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        JsonNode lua = r.json().get("crash").get(0);
        assertTrue(lua.get("sharedBetweenProcesses").asBoolean() && !lua.get("grantedBeforeKill").asBoolean(), r::toString);
        long back = lua.get("backAfterKillMillis").asLong();
        long leaseLeft = lua.get("leaseMillis").asLong() - lua.get("heldBeforeKillMillis").asLong();
        // The child's grant came a little before its HELD line was read, and the waiter wakes a little after the expiry.
        long slack = Cli.scaled(Duration.ofSeconds(1)).toMillis();
        assertTrue(Math.abs(back - leaseLeft) <= slack, () -> "the lock comes back when the killed holder's lease ends:\n" + r);
        JsonNode inmemory = r.json().get("crash").get(1);
        assertFalse(inmemory.get("sharedBetweenProcesses").asBoolean(), () -> "an in-JVM backend is not shared with a child JVM:\n" + r);
    }

    /** The cells of a table row, after its title. */
    private static String row(List<String> lines, String title) {
        return lines.stream().filter(l -> l.startsWith(title + " ")).findFirst().map(l -> l.substring(title.length()))
                .orElse("(no row '" + title + "')");
    }
}
