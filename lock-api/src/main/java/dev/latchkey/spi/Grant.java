package dev.latchkey.spi;

/**
 * What a {@link LockDriver} returns when it grants a lock.
 *
 * @param fencingToken the fencing token of this grant, or {@link dev.latchkey.Lease#NO_FENCING_TOKEN}
 * @param sentNanos    the reading of the client's {@link LockEnvironment#ticker()} taken just before the
 *                     request that succeeded was sent; the lease is measured from here, so the local
 *                     deadline is never later than the backend's
 */
public record Grant(long fencingToken, long sentNanos) {
}
