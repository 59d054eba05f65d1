package dev.latchkey.redis.tck.redisson;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.redisson.Redisson;
import org.redisson.client.RedisException;
import org.redisson.config.Config;

/**
 * {@code redisson://host:port[?fenced=true&lease=30s]}: a participant using Redisson's RLock (or
 * RFencedLock), for the TCK's characterisation of Redisson, including the child JVM of its crash
 * rule. Test scope only. Commands time out after 1 s, without retries, so that fault rules end quickly.
 * Stateless and thread-safe.
 */
public final class RedissonLockProvider implements LockProvider {
    @Override
    public String scheme() {
        return "redisson";
    }

    @Override
    public Set<Capability> capabilities() {
        return Capability.closure(new RedissonDriver(null, false, dev.latchkey.spi.Ticker.SYSTEM).capabilities());
    }

    @Override
    public String description() {
        return "Redisson RLock or RFencedLock, for characterisation; redisson://host:port[?fenced=true&lease=30s]";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        UriOptions options = UriOptions.of(uri).allowOnly(Set.of("fenced", "lease"));
        Config config = new Config();
        config.setThreads(2);
        config.setNettyThreads(2);
        config.useSingleServer()
                .setAddress("redis://" + uri.getHost() + ":" + uri.getPort())
                .setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(4)
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setSubscriptionConnectionPoolSize(2)
                .setConnectTimeout(5000)
                .setTimeout(1000)
                .setRetryAttempts(0);
        boolean fenced = options.bool("fenced", false);
        Duration lease = options.duration("lease", Duration.ofSeconds(30));
        try {
            return LockEngine.client(new RedissonDriver(Redisson.create(config), fenced, env.ticker()), lease, env);
        } catch (RedisException e) {
            throw new LockUnavailableException("Redisson cannot reach " + uri + ": " + e, e);
        }
    }
}
