/**
 * The Latchkey conformance kit as JUnit 5 tests: {@link dev.latchkey.tck.junit.LockTck} to subclass,
 * {@link dev.latchkey.tck.junit.ServiceLoaderTckTest} to scan.
 */
module dev.latchkey.tck.junit {
    requires transitive dev.latchkey.tck;
    requires transitive org.junit.jupiter.api;

    exports dev.latchkey.tck.junit;
    opens dev.latchkey.tck.junit to org.junit.platform.commons;
}
