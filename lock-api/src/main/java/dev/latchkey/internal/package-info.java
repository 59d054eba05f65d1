/**
 * The engine behind every backend (not exported): leases ({@code LeaseState}, {@code EngineLease}),
 * the client's threads and undo ({@code Keeper}), acquisition ({@code EngineLock}) and the
 * reentrant view.
 */
@NullMarked
package dev.latchkey.internal;

import org.jspecify.annotations.NullMarked;
