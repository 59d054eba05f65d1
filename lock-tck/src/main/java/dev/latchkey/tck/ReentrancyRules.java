package dev.latchkey.tck;

import static dev.latchkey.Capability.REENTRANT;
import static dev.latchkey.tck.Ctx.LEASE;
import static dev.latchkey.tck.Ctx.PATIENCE;
import static dev.latchkey.tck.Ctx.SHORT;
import static dev.latchkey.tck.Ctx.SLACK;
import static dev.latchkey.tck.Level.REQUIRED;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/** Reentrancy of the {@link Lock} view: per thread, counted, released by the last unlock. */
@TckGroup("reentrancy")
final class ReentrancyRules {
    private ReentrancyRules() {
    }

    @TckRule(level = REQUIRED, checks = REENTRANT)
    static void RE_01_lockViewReentersOnTheHoldingThread(Ctx c) throws Exception {
        Lock view = c.participant("a").lock().asLock();
        c.check(view.tryLock(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "a could not lock the free Lock view");
        c.check(view.tryLock(SLACK.toMillis(), TimeUnit.MILLISECONDS),
                "the thread holding the Lock view could not lock it again within %d ms", SLACK.toMillis());
        view.unlock();
        view.unlock();
        c.check(c.participant("b").tryAcquire(Duration.ZERO, LEASE).isPresent(), "the lock was still held after two locks and two unlocks");
    }

    @TckRule(level = REQUIRED, checks = REENTRANT)
    static void RE_02_lockViewExcludesOtherThreads(Ctx c) throws Exception {
        Lock view = c.participant("a").lock().asLock();
        c.check(view.tryLock(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "a could not lock the free Lock view");
        boolean other = c.await(c.fork("a.t2", () -> lockAndUnlock(view, SHORT)), SLACK.plus(SHORT), "a tryLock on another thread");
        c.check(!other, "another thread of the same client locked the Lock view while its holder held it");
        view.unlock();
        boolean after = c.await(c.fork("a.t3", () -> lockAndUnlock(view, SLACK)), SLACK.plus(SLACK), "a tryLock on another thread");
        c.check(after, "another thread could not lock the Lock view after its holder unlocked it");
    }

    @TckRule(level = REQUIRED, checks = REENTRANT)
    static void RE_03_onlyTheLastUnlockReleases(Ctx c) throws Exception {
        Lock view = c.participant("a").lock().asLock();
        Participant b = c.participant("b");
        c.check(view.tryLock(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "a could not lock the free Lock view");
        c.check(view.tryLock(SLACK.toMillis(), TimeUnit.MILLISECONDS), "a could not lock the Lock view a second time");
        view.unlock();
        c.check(b.tryAcquire(Duration.ZERO, LEASE).isEmpty(), "b acquired the lock after the first of two unlocks");
        view.unlock();
        c.check(b.tryAcquire(SLACK, LEASE).isPresent(), "b could not acquire the lock after the second of two unlocks");
        c.checkHistory(false);
    }

    @TckRule(level = REQUIRED, checks = REENTRANT)
    static void RE_04_unlockByAThreadNotHoldingTheViewThrows(Ctx c) throws Exception {
        Lock view = c.participant("a").lock().asLock();
        c.check(view.tryLock(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "a could not lock the free Lock view");
        Object outcome = c.await(c.fork("a.t2", () -> {
            try {
                view.unlock();
                return "returned normally";
            } catch (IllegalMonitorStateException expected) {
                return expected;
            }
        }), SLACK, "an unlock on another thread");
        c.check(outcome instanceof IllegalMonitorStateException,
                "unlock() by a thread that does not hold the view %s instead of throwing IllegalMonitorStateException", outcome);
        c.check(c.participant("b").tryAcquire(Duration.ZERO, LEASE).isEmpty(), "the foreign unlock() freed the lock");
        view.unlock();
    }

    private static boolean lockAndUnlock(Lock view, Duration wait) throws InterruptedException {
        if (!view.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        view.unlock();
        return true;
    }
}
