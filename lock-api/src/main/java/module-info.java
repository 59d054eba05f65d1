/**
 * Latchkey's public API ({@code dev.latchkey}) and the provider SPI ({@code dev.latchkey.spi}).
 * Backends are found with {@link java.util.ServiceLoader}, as JDBC drivers are. Every package is
 * {@code @NullMarked} (JSpecify): nothing is null unless its type says {@code @Nullable}.
 */
module dev.latchkey.api {
    requires static transitive org.jspecify;

    exports dev.latchkey;
    exports dev.latchkey.spi;
    uses dev.latchkey.spi.LockProvider;
}
