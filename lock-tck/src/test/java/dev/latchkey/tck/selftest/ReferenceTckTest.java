package dev.latchkey.tck.selftest;

import dev.latchkey.tck.LockTck;
import dev.latchkey.tck.TckHarness;
import java.nio.file.Path;

/**
 * The control for the mutants: the correct reference passes every rule it can run, so a mutant's
 * red rule is due to its defect and not to the scaffolding. Reported apart from the backends.
 */
class ReferenceTckTest extends LockTck {
    @Override
    protected TckHarness harness() {
        return RefHarness.reference();
    }

    @Override
    protected Path reportDirectory() {
        return Path.of("target", "lock-tck-selftest");
    }
}
