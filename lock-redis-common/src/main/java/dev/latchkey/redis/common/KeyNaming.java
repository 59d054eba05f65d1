package dev.latchkey.redis.common;

/**
 * Redis key names for a lock: {@code <prefix>{<name>}:<suffix>}. Every key of one lock shares the
 * hash tag {@code {<name>}}, so in Redis Cluster they live in one slot and one script can touch
 * them all. (If a name contains '}', the tag ends there, still identically for all its keys.)
 * Immutable and thread-safe.
 */
public final class KeyNaming {
    private final String prefix;

    public KeyNaming(String prefix) {
        if (prefix == null || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("option 'prefix' must not be null or contain '{' or '}', was '" + prefix + "'");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The key of lock {@code name} with the given suffix, e.g. {@code latchkey:{orders}:lock}. */
    public String key(String name, String suffix) {
        return prefix + "{" + name + "}:" + suffix;
    }
}
