package dev.latchkey.redis.lua;

import dev.latchkey.redis.tck.ClusterTckHarness;
import dev.latchkey.redis.tck.SentinelTckHarness;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.Rule;
import dev.latchkey.tck.TckHarness;
import java.util.List;

/**
 * The TCK rows of redis-lua on replicated Redis: topology × client × acknowledgement, each named in its label.
 * Sentinel rows run a master with one replica (so {@code replicas=1} waits for every replica that can be
 * promoted); cluster rows three masters with one replica each. Every row injects {@code FAILOVER}.
 */
enum HaRow {
    SENTINEL_JEDIS("redis-lua Sentinel 1+1 (Jedis, no acknowledgement)", "jedis", ""),
    SENTINEL_JEDIS_REPLICAS_1("redis-lua Sentinel 1+1 (Jedis, replicas=1)", "jedis", "&replicas=1"),
    SENTINEL_LETTUCE_REPLICAS_1("redis-lua Sentinel 1+1 (Lettuce, replicas=1)", "lettuce", "&replicas=1"),
    CLUSTER_JEDIS("redis-lua Cluster 3x(1+1) (Jedis, no acknowledgement)", "jedis", ""),
    CLUSTER_JEDIS_REPLICAS_1("redis-lua Cluster 3x(1+1) (Jedis, replicas=1)", "jedis", "&replicas=1");

    /**
     * What the default build runs of each row (a few seconds per rule): the failover rules, and one rule each of
     * exclusion, fencing, expiry and renewal.
     */
    static final List<String> QUICK = List.of("FO-", "MX-01", "FE-01", "LE-02", "RN-02");

    /**
     * What {@code ./mvnw -Psoak verify} runs of each row: every rule but those that restart, pause or partition a
     * server, which these topologies do not offer (the one-server rows run them).
     */
    static final List<String> FULL = Rule.idsWithout(FaultKind.SERVER_RESTART, FaultKind.SERVER_PAUSE, FaultKind.PARTITION);

    private final String label;
    private final String client;
    private final String options;

    HaRow(String label, String client, String options) {
        this.label = label;
        this.client = client;
        this.options = options;
    }

    TckHarness harness() {
        String common = "client=" + client + "&timeout=1s" + options;
        return name().startsWith("SENTINEL")
                ? new SentinelTckHarness(label, 1, hosts -> "redis-lua://" + hosts + "?sentinel=" + SentinelTckHarness.MASTER_NAME + "&" + common)
                : new ClusterTckHarness(label, hosts -> "redis-lua://" + hosts + "?cluster=true&" + common);
    }
}
