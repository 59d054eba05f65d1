package dev.latchkey.redis.getset;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.getset.RedisGetSetLocks.Mode;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code redis-getset} scheme:
 * {@code redis-getset://[user:password@]host[:port][/db]?mode=checked|article&retry=100ms&skew=0ms}
 * plus the common Redis options {@code client=jedis|lettuce, password, user, tls, timeout, prefix,
 * cluster, lease}.
 * <ul>
 *   <li>{@code mode}: {@code checked} (default) or {@code article}; see {@link RedisGetSetLocks.Mode}.</li>
 *   <li>{@code retry}: the pause between attempts, default 100 ms (the article used 1 s).</li>
 *   <li>{@code skew}: <b>testing only</b>, offsets this participant's wall clock, e.g. {@code 2s} or
 *       {@code -500ms}, to inject clock skew (the TCK's CLOCK_SKEW fault, {@code lockctl demo}).</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class RedisGetSetLockProvider implements LockProvider {
    /** The options of this backend, besides {@link RedisSettings#COMMON_OPTIONS}. */
    public static final Set<String> OPTIONS = Set.of("mode", "retry", "skew");

    @Override
    public String scheme() {
        return "redis-getset";
    }

    @Override
    public Set<Capability> capabilities() {
        return GetSetDriver.capabilities(Mode.CHECKED);
    }

    @Override
    public String description() {
        return "the classic SETNX/GETSET Redis lock, for measurement (not production); "
                + "redis-getset://host:6379[/db]?mode=checked|article&retry=100ms&skew=0ms(testing)"
                + "&lease=30s&client=jedis|lettuce&timeout=2s&prefix=latchkey:";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        RedisSettings settings = RedisSettings.parse(uri, OPTIONS, RedisGetSetLocks.DEFAULT_LEASE);
        UriOptions options = settings.options();
        RedisGetSetLocks.Builder builder = RedisGetSetLocks.builder().keys(settings.keys()).environment(env);
        try {
            builder.lease(settings.lease());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option 'lease' in " + settings.redacted() + ": " + e.getMessage(), e);
        }
        builder.mode(mode(options.string("mode", "checked")));
        Duration retry = options.duration("retry", RedisGetSetLocks.DEFAULT_RETRY);
        if (retry.toMillis() < 1) {
            throw new IllegalArgumentException("option 'retry' must be at least 1ms, was '" + options.string("retry", "") + "'");
        }
        builder.retry(retry).skew(signedDuration(options.string("skew", "0ms"), "option 'skew'"));
        RedisPort port = RedisPorts.open(settings); // last: nothing to close if an option is wrong
        return builder.build(port);
    }

    private static Mode mode(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "checked": return Mode.CHECKED;
            case "article": return Mode.ARTICLE;
            default: throw new IllegalArgumentException("option 'mode' must be checked or article, was '" + text + "'");
        }
    }

    /** {@link UriOptions#parseDuration} with an optional leading sign, e.g. {@code -2s}. */
    static Duration signedDuration(String text, String what) {
        String t = text.strip();
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        Duration d = UriOptions.parseDuration(t, what);
        return negative ? d.negated() : d;
    }
}
