/**
 * The Latchkey conformance kit: rules, history checkers, the fault SPI, the runner and
 * reports, with no test framework inside. It knows backends only through the API and SPI of {@code dev.latchkey.api}, and through
 * {@link dev.latchkey.tck.TckHarnessFactory} implementations that backends register.
 */
module dev.latchkey.tck {
    requires transitive dev.latchkey.api;
    requires com.fasterxml.jackson.databind;

    exports dev.latchkey.tck;
    opens dev.latchkey.tck to com.fasterxml.jackson.databind;
    uses dev.latchkey.tck.TckHarnessFactory;
}
