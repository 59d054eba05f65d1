package dev.latchkey.tck.selftest;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.spi.ForwardingLockDriver;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.TckHarness;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A harness over one {@link RefServer}: participants are engine clients on {@link RefDriver}s, in the
 * environment the TCK gives them (so clock skew, delays and in-process crashes come from the TCK).
 * Offers a server pause that holds replies back. Thread-safe.
 */
final class RefHarness implements TckHarness {
    /** Defects outside the driver: in the client the engine builds, or around it. */
    enum ClientDefect {
        NONE,
        /** The Lock view takes a new lease on every lock(). */
        NON_REENTRANT_VIEW,
        /** A release or unlock fails on an interrupted thread (a client whose I/O aborts on interrupt). */
        INTERRUPT_BREAKS_RELEASE,
        /** close() gives nothing back: held leases stay until they run out. */
        CLOSE_KEEPS_HOLDS,
        /** A layer below the engine but above the network stamps each grant when its reply arrives. */
        RESTAMPS_GRANTS
    }

    private final String label;
    private final RefServer server;
    private final Set<Capability> declared;
    private final RefDriver.Defect defect;
    private final ClientDefect clientDefect;

    RefHarness(String label, RefServer server, Set<Capability> declared, RefDriver.Defect defect, ClientDefect clientDefect) {
        this.label = label;
        this.server = server;
        this.declared = declared;
        this.defect = defect;
        this.clientDefect = clientDefect;
    }

    /** The correct reference: fair, every capability. */
    static RefHarness reference() {
        return new RefHarness("tck-reference", new RefServer(true), EnumSet.allOf(Capability.class), RefDriver.Defect.NONE,
                ClientDefect.NONE);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public LockClient newClient(LockEnvironment env) {
        LockEnvironment used = env;
        if (clientDefect == ClientDefect.RESTAMPS_GRANTS) {
            // the TCK's delay (in env's decorator) sits below the layer that stamps the grant
            UnaryOperator<LockDriver> below = env::decorate;
            used = LockEnvironment.SYSTEM.withTicker(env.ticker()).withClock(env.clock())
                    .withDecorator(d -> new Restamping(below.apply(d), env));
        }
        LockClient client = LockEngine.client(new RefDriver(server, declared, used, defect), Duration.ofSeconds(30), used);
        switch (clientDefect) {
            case NON_REENTRANT_VIEW:
                return new NonReentrantViewClient(client);
            case INTERRUPT_BREAKS_RELEASE:
                return DefectiveClients.interruptBreaksRelease(client);
            case CLOSE_KEEPS_HOLDS:
                return DefectiveClients.closeKeepsHolds(client);
            default:
                return client;
        }
    }

    @Override
    public Set<Capability> declared() {
        return declared;
    }

    @Override
    public Set<FaultKind> faults() {
        return EnumSet.of(FaultKind.SERVER_PAUSE);
    }

    @Override
    public void pauseServer() {
        server.pause();
    }

    @Override
    public void resumeServer() {
        server.resume();
    }

    /** Stamps every grant with the time its reply arrived instead of when its request left. */
    private static final class Restamping extends ForwardingLockDriver {
        private final LockEnvironment env;

        Restamping(LockDriver inner, LockEnvironment env) {
            super(inner);
            this.env = env;
        }

        @Override
        public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
            Grant grant = super.acquire(name, token, leaseMillis, waitNanos);
            return grant == null ? null : new Grant(grant.fencingToken(), env.ticker().nanoTime());
        }
    }
}
