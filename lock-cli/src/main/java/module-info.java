/**
 * {@code lockctl}, Latchkey's command line: the contention demo, the TCK runner, the benchmark
 * launcher, inspect and force-release. An application: it exports nothing. Backends are found at
 * run time through {@link java.util.ServiceLoader}, never imported, and so are the TCK's harness
 * factories; it ships as an uber-jar that runs on the class path ({@code java -jar lockctl.jar}),
 * where this descriptor is left out.
 */
module dev.latchkey.cli {
    requires dev.latchkey.api;
    requires dev.latchkey.tck;
    requires dev.latchkey.redis.embedded;
    requires dev.latchkey.micrometer;
    requires com.fasterxml.jackson.databind;
    requires HdrHistogram;
    requires info.picocli;

    opens dev.latchkey.cli to info.picocli;
    uses dev.latchkey.spi.LockProvider;
}
