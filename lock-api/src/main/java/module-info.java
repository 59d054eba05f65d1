/**
 * Latchkey's public API ({@code dev.latchkey}) and the provider SPI ({@code dev.latchkey.spi}).
 * Backends are found with {@link java.util.ServiceLoader}, as JDBC drivers are.
 */
module dev.latchkey.api {
    exports dev.latchkey;
    exports dev.latchkey.spi;
    uses dev.latchkey.spi.LockProvider;
}
