package dev.latchkey.tck;

import dev.latchkey.LockClient;
import java.util.Objects;

/**
 * A participant whose network path the TCK can break. Immutable; as thread-safe as its parts.
 *
 * @param client    the participant; the TCK closes it
 * @param partition controls the participant's path to the server, and only that participant's
 */
public record PartitionedClient(LockClient client, Partition partition) {
    public PartitionedClient {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(partition, "partition");
    }
}
