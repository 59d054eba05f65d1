package dev.latchkey.tck.junit;

import dev.latchkey.tck.TckHarnesses;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.latchkey.Locks;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The zero-code entry point: runs every rule against every backend named in
 * {@value #URIS_PROPERTY} (system property, else environment variable {@value #URIS_ENV}; a
 * comma-separated list of lock URIs), or, when neither is set, against every {@code LockProvider}
 * that {@link java.util.ServiceLoader} finds, each opened with its bare URI {@code scheme:}.
 * Another project runs it by adding this module as a test dependency and listing it in Surefire's
 * {@code dependenciesToScan}; see the module README. Reports go to {@code target/lock-tck}.
 *
 * <p>One instance per class; JUnit runs its tests one at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ServiceLoaderTckTest {
    /** The system property listing the URIs to test. */
    public static final String URIS_PROPERTY = "latchkey.tck.uris";
    /** The environment variable listing the URIs to test when the property is absent. */
    public static final String URIS_ENV = "LATCHKEY_TCK_URIS";
    /**
     * The system property that narrows the run to some rules: a comma-separated list of rule ids or id
     * prefixes ({@code MX-,FO-01}); every rule when absent or blank.
     */
    public static final String RULES_PROPERTY = "latchkey.tck.rules";

    private final List<JUnitRun> runs = new ArrayList<>();

    /** One container of rule tests per backend. */
    @TestFactory
    public final Stream<DynamicContainer> everyBackend() {
        List<URI> uris = uris();
        if (uris.isEmpty()) {
            throw new AssertionError("no Latchkey LockProvider on the class path and no " + URIS_PROPERTY + " given");
        }
        return uris.stream().map(uri -> {
            try {
                String rules = System.getProperty(RULES_PROPERTY, "");
                JUnitRun run = new JUnitRun(TckHarnesses.forUri(uri), false,
                        rules.isBlank() ? List.of() : List.of(rules.strip().split("\\s*,\\s*")));
                runs.add(run);
                return dynamicContainer(run.label(), run.tests());
            } catch (RuntimeException e) {
                return dynamicContainer(uri.toString(), Stream.of(dynamicTest("open " + uri, () -> {
                    throw new AssertionError("cannot test " + uri + ": " + e, e);
                })));
            }
        });
    }

    /** Writes one report per backend, and the matrix. */
    @AfterAll
    public final void writeReports() {
        runs.forEach(run -> run.finish(Path.of("target", "lock-tck")));
    }

    static List<URI> uris() {
        String list = System.getProperty(URIS_PROPERTY);
        if (list == null || list.isBlank()) {
            list = System.getenv(URIS_ENV);
        }
        if (list == null || list.isBlank()) {
            return Locks.providers().stream().map(p -> Locks.parse(p.scheme() + ":")).collect(Collectors.toList());
        }
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Locks::parse).collect(Collectors.toList());
    }
}
