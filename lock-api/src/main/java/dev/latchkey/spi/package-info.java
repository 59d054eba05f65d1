/**
 * The provider SPI: a backend implements {@link dev.latchkey.spi.LockProvider} (found by
 * {@link java.util.ServiceLoader}) and a {@link dev.latchkey.spi.LockDriver} of a few primitive
 * operations; {@link dev.latchkey.spi.LockEngine} builds the whole client on it. A driver reports
 * what happened; the engine decides, and it alone undoes grants in doubt.
 *
 * <p>Nothing in this package is null unless its type says {@code @Nullable}.
 */
@NullMarked
package dev.latchkey.spi;

import org.jspecify.annotations.NullMarked;
