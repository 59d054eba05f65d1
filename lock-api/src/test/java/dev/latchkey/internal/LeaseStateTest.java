package dev.latchkey.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockLostException;
import dev.latchkey.ReleaseOutcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease state machine with numbers alone: no driver, no threads, no clock but the values passed in. */
class LeaseStateTest {
    private static final long MS = 1_000_000L;
    private static final long LEASE_MS = 300;

    /** A lease granted by a request sent at 0, so its deadline is 300 ms. */
    private final LeaseState state = new LeaseState("x", LEASE_MS * MS, LEASE_MS);

    @Test
    void validUntilTheDeadlineExactly() {
        assertTrue(state.isValid(0));
        assertTrue(state.isValid(LEASE_MS * MS - 1));
        assertFalse(state.isValid(LEASE_MS * MS));
        assertEquals(100 * MS, state.remaining(200 * MS));
        assertEquals(0, state.remaining(400 * MS));
    }

    @Test
    void aReleaseAnsweredYesIsReleasedAndARepeatIsAlreadyReleased() {
        assertNull(state.beginRelease(10 * MS));
        assertFalse(state.isValid(20 * MS), "a lease being released is no longer valid");
        assertEquals(ReleaseOutcome.RELEASED, state.releaseAnswered(true));
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, state.beginRelease(20 * MS));
    }

    @Test
    void aSingleReleaseAnsweredNoIsALoss() {
        assertNull(state.beginRelease(10 * MS));
        LockLostException lost = assertThrows(LockLostException.class, () -> state.releaseAnswered(false));
        assertSame(lost, state.lost());
        assertSame(lost, assertThrows(LockLostException.class, () -> state.beginRelease(20 * MS)));
    }

    @Test
    void aRetryAfterAnAttemptInDoubtThatLeftInTimeIsAlreadyReleased() {
        assertNull(state.beginRelease(10 * MS)); // this attempt's reply is lost
        assertNull(state.beginRelease(500 * MS)); // the retry finds the lock gone
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, state.releaseAnswered(false));
    }

    @Test
    void aRetryAfterAnAttemptThatLeftTooLateIsALoss() {
        assertNull(state.beginRelease(LEASE_MS * MS)); // sent at the deadline: the hold may have expired first
        assertNull(state.beginRelease(500 * MS));
        assertThrows(LockLostException.class, () -> state.releaseAnswered(false));
    }

    @Test
    void anExtensionMovesTheDeadlineFromWhenItWasSent() {
        state.beginExtend();
        assertFalse(state.extendAnswered(true, 100 * MS, 1_000, 150 * MS));
        assertEquals(1_100 * MS, state.deadline());
        assertEquals(1_000, state.leaseMillis());
    }

    @Test
    void anExtensionConfirmedAfterItsOwnNewDeadlineIsALossAndMustBeUndone() {
        state.beginExtend();
        boolean undo = state.extendAnswered(true, 100 * MS, 200, 400 * MS); // new deadline 300 ms, answered at 400 ms
        assertTrue(undo, "the server holds a stale extension: it must be undone");
        assertEquals(LeaseState.Phase.LOST, state.phase());
    }

    @Test
    void anExtensionAnsweredNoIsALoss() {
        state.beginExtend();
        assertFalse(state.extendAnswered(false, 100 * MS, 1_000, 110 * MS));
        assertEquals(LeaseState.Phase.LOST, state.phase());
        assertThrows(LockLostException.class, state::beginExtend);
    }

    @Test
    void aRenewalThatSucceedsAfterTheLeaseWasGivenUpIsUndone() {
        state.startRenewing(0);
        assertTrue(state.beginRenewal(200 * MS));
        assertEquals(LeaseState.Due.LOST, state.due(290 * MS)); // the renewal hangs past the loss threshold
        assertTrue(state.extendAnswered(true, 200 * MS, LEASE_MS, 295 * MS), "a success after the loss must be undone");
    }

    @Test
    void renewalIsDueAThirdIntoTheLeaseAndOneAtATime() {
        state.startRenewing(0);
        assertEquals(LeaseState.Due.NOTHING, state.due(50 * MS));
        assertEquals(100 * MS, state.nextWake());
        assertEquals(LeaseState.Due.RENEW, state.due(100 * MS));
        assertTrue(state.beginRenewal(100 * MS));
        assertFalse(state.beginRenewal(101 * MS), "one extension at a time");
        assertEquals(LeaseState.Due.NOTHING, state.due(150 * MS));
        assertFalse(state.extendAnswered(true, 100 * MS, LEASE_MS, 105 * MS));
        assertEquals(400 * MS, state.deadline());
        assertEquals(200 * MS, state.nextWake(), "the next renewal a third into the renewed lease");
    }

    @Test
    void renewalStopsAtTheFirstReleaseAttemptEvenOneThatFails() {
        state.startRenewing(0);
        assertNull(state.beginRelease(50 * MS));
        assertFalse(state.beginRenewal(200 * MS));
        assertEquals(Long.MIN_VALUE, state.nextWake());
    }

    @Test
    void whileRenewingTheLossIsDeclaredATenthOfTheLeaseBeforeTheDeadline() {
        state.startRenewing(0);
        assertTrue(state.beginRenewal(100 * MS)); // hangs
        assertEquals(LeaseState.Due.NOTHING, state.due(269 * MS));
        assertEquals(LeaseState.Due.LOST, state.due(270 * MS));
        assertFalse(state.isValid(280 * MS));
    }

    @Test
    void aFailedRenewalIsRetriedSoonAndTheLossComesAtTheThreshold() {
        state.startRenewing(0);
        assertTrue(state.beginRenewal(100 * MS));
        state.extendFailed(true, 110 * MS);
        assertEquals(160 * MS, state.nextWake(), "retry after half a renewal period");
        assertTrue(state.beginRenewal(160 * MS));
        state.extendFailed(true, 170 * MS);
        assertTrue(state.beginRenewal(220 * MS));
        state.extendFailed(true, 230 * MS);
        assertEquals(LeaseState.Due.LOST, state.due(270 * MS));
    }

    @Test
    void listenersAreTakenOnceAndALateListenerHearsAtOnce() {
        List<LockLostException> heard = new ArrayList<>();
        assertNull(state.addListener(heard::add, 0));
        assertEquals(LeaseState.Due.LOST, state.due(LEASE_MS * MS));
        assertEquals(1, state.takeListeners().size());
        assertTrue(state.takeListeners().isEmpty(), "listeners run once");
        assertSame(state.lost(), state.addListener(heard::add, LEASE_MS * MS), "a listener added after the loss hears of it at once");
    }

    @Test
    void aLeaseNobodyWatchesIsAbandonedPastItsDeadline() {
        assertFalse(state.isAbandoned(LEASE_MS * MS - 1));
        assertTrue(state.isAbandoned(LEASE_MS * MS));
        state.startRenewing(0);
        assertFalse(state.isAbandoned(LEASE_MS * MS), "a renewing lease is looked after");
    }
}
