/**
 * Micrometer metrics for any Latchkey {@link dev.latchkey.LockClient}: wrap a client with
 * {@link dev.latchkey.micrometer.MeteredLockClient} to record acquire waits, hold times, losses,
 * renewal failures and the leases held now.
 */
module dev.latchkey.micrometer {
    requires transitive dev.latchkey.api;
    requires transitive micrometer.core;

    exports dev.latchkey.micrometer;
}
