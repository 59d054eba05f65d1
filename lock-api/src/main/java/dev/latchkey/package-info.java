/**
 * Latchkey's public API: {@link dev.latchkey.Locks} opens a {@link dev.latchkey.LockClient} for a
 * URI; {@link dev.latchkey.DistributedLock} acquires; a {@link dev.latchkey.Lease} is the proof of
 * ownership, with its fencing token; {@link dev.latchkey.LockView} is the reentrant
 * {@link java.util.concurrent.locks.Lock} view. What each backend guarantees is a set of
 * {@link dev.latchkey.Capability capabilities}, checked by the conformance kit.
 *
 * <p>Nothing in this package is null unless its type says {@code @Nullable}.
 */
@NullMarked
package dev.latchkey;

import org.jspecify.annotations.NullMarked;
