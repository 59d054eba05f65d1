package dev.latchkey.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FencedRegisterTest {
    @Test
    void rejectsAccessWithATokenBelowTheHighestSeen() {
        FencedRegister r = new FencedRegister();
        assertTrue(r.write(5, 1));
        assertTrue(r.write(5, 2), "the same holder may write again");
        assertTrue(r.read(6).isPresent());
        assertFalse(r.write(5, 3), "a read with token 6 fences token 5 off");
        assertTrue(r.read(4).isEmpty());
        assertEquals(2, r.value());
        assertEquals(2, r.rejected().size());
        assertEquals("write of 3 with token 5 < 6", r.rejected().get(0));
    }

    @Test
    void findsTheLostUpdateOfTwoUnfencedHoldersThatOverlap() {
        FencedRegister counter = new FencedRegister();
        // Both read 0, then both write 1: the second increment is lost.
        assertTrue(counter.increment(0, () -> assertTrue(counter.increment(0, () -> { }))));
        assertEquals(1, counter.value());
        assertTrue(counter.lostUpdates().orElseThrow().message().contains("2 increments were accepted but the counter reads 1"));
    }

    @Test
    void fencingTurnsTheSameInterleavingIntoARejection() {
        FencedRegister counter = new FencedRegister();
        assertFalse(counter.increment(1, () -> assertTrue(counter.increment(2, () -> { }))));
        assertEquals(1, counter.value());
        assertTrue(counter.lostUpdates().isEmpty());
    }
}
