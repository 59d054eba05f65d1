/**
 * The Latchkey conformance kit: rules, history checkers, the fault SPI, JUnit 5 entry points and
 * reports. It knows backends only through the API and SPI of {@code dev.latchkey.api}, and through
 * {@link dev.latchkey.tck.TckHarnessFactory} implementations that backends register.
 */
module dev.latchkey.tck {
    requires transitive dev.latchkey.api;
    requires transitive org.junit.jupiter.api;
    requires com.fasterxml.jackson.databind;

    exports dev.latchkey.tck;
    opens dev.latchkey.tck to org.junit.platform.commons, com.fasterxml.jackson.databind;
    uses dev.latchkey.tck.TckHarnessFactory;
}
