package dev.latchkey.tck.selftest;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.TckHarness;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A harness over one {@link RefServer}: participants are engine clients on {@link RefDriver}s.
 * Offers an in-process crash and skewed wall clocks. Thread-safe.
 */
final class RefHarness implements TckHarness {
    private final String label;
    private final RefServer server;
    private final Set<Capability> declared;
    private final RefDriver.Defect defect;
    private final boolean nonReentrantView;
    private final Map<LockClient, RefDriver> drivers = new ConcurrentHashMap<>();

    RefHarness(String label, RefServer server, Set<Capability> declared, RefDriver.Defect defect, boolean nonReentrantView) {
        this.label = label;
        this.server = server;
        this.declared = declared;
        this.defect = defect;
        this.nonReentrantView = nonReentrantView;
    }

    /** The correct reference: fair, every capability. */
    static RefHarness reference() {
        return new RefHarness("tck-reference", new RefServer(true), EnumSet.allOf(Capability.class), RefDriver.Defect.NONE, false);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public LockClient newClient() {
        return newClient(Duration.ZERO);
    }

    @Override
    public LockClient newClient(Duration skew) {
        RefDriver driver = new RefDriver(server, declared, skew.toMillis(), defect);
        LockClient client = LockEngine.client(driver, Duration.ofSeconds(30));
        if (nonReentrantView) {
            client = new NonReentrantViewClient(client);
        }
        drivers.put(client, driver);
        return client;
    }

    @Override
    public Set<Capability> declared() {
        return declared;
    }

    @Override
    public Set<FaultKind> faults() {
        return EnumSet.of(FaultKind.CLIENT_CRASH, FaultKind.CLOCK_SKEW);
    }

    @Override
    public void crash(LockClient client) {
        drivers.get(client).kill();
        client.close();
    }
}
