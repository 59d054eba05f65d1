package dev.latchkey.redis.quorum;

import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses {@code redis-quorum://[user:password@]h1:p1,h2:p2,h3:p3[/db][?options]} into one
 * {@link RedisSettings} per node. {@link URI} does not parse a comma-separated authority into a host
 * (it keeps it as a registry-based authority), so the host list is split here: each node gets a URI
 * of its own with the same user-info, database and options, which {@link RedisSettings#parse} reads.
 * Messages never show the password. IPv6 literals cannot appear in such a list ({@link URI} rejects
 * brackets outside a single-host authority): use host names.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nodes    one settings record per node, in the order given
 * @param lease    the default lease
 * @param fallback the longest a waiter sleeps without a wake-up message
 */
record QuorumUri(List<RedisSettings> nodes, Duration lease, Duration fallback) {
    /** The options this backend adds to {@link RedisSettings#COMMON_OPTIONS}. */
    static final Set<String> OPTIONS = Set.of("fallback");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?");

    static QuorumUri parse(URI uri, Duration defaultLease, Duration defaultFallback) {
        if (uri == null || !RedisQuorumLockProvider.SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a " + RedisQuorumLockProvider.SCHEME + " uri: " + (uri == null ? null : redact(uri)));
        }
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException("malformed " + RedisQuorumLockProvider.SCHEME + " uri '" + redact(uri)
                    + "': expected " + RedisQuorumLockProvider.SCHEME + "://host1:port1,host2:port2,host3:port3[/db][?options]");
        }
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? null : authority.substring(0, at);
        String hostList = authority.substring(at + 1);
        String tail = (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a " + RedisQuorumLockProvider.SCHEME + " uri has no fragment: '" + redact(uri) + "'");
        }
        List<String> hosts = hosts(hostList, redact(uri));

        // Unknown options are reported against the URI without its user-info (UriOptions would print a
        // password that sits in a registry-based authority).
        UriOptions options = UriOptions.of(create(uri.getScheme() + "://" + hostList + tail)).allowOnly(known());
        if (options.bool("cluster", false)) {
            throw new IllegalArgumentException("option 'cluster' is not supported by " + RedisQuorumLockProvider.SCHEME
                    + ": list the independent masters in the host list instead");
        }
        List<RedisSettings> nodes = new ArrayList<>();
        for (String host : hosts) {
            URI node = create(uri.getScheme() + "://" + (userInfo == null ? "" : userInfo + "@") + host + tail);
            nodes.add(RedisSettings.parse(node, OPTIONS, defaultLease));
        }
        Duration lease = nodes.get(0).lease();
        Duration fallback = options.duration("fallback", defaultFallback);
        if (fallback.isNegative() || fallback.toMillis() < 1) {
            throw new IllegalArgumentException("option 'fallback' must be at least 1 ms, was " + fallback);
        }
        return new QuorumUri(List.copyOf(nodes), lease, fallback);
    }

    /** Splits and checks the host list: well-formed entries, no duplicates, an odd count of at least 3. */
    static List<String> hosts(String hostList, String shown) {
        String[] entries = hostList.split(",", -1);
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i];
            String what = "host list of '" + shown + "'";
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("the " + what + " has an empty entry at position " + (i + 1)
                        + "; expected host:port,host:port,...");
            }
            int colon = entry.indexOf(':');
            String host = colon < 0 ? entry : entry.substring(0, colon);
            String port = colon < 0 ? null : entry.substring(colon + 1);
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("the " + what + " has a malformed host '" + host + "' in entry '" + entry
                        + "' (a host name or an IPv4 address)");
            }
            int p = 6379;
            if (port != null) {
                try {
                    p = Integer.parseInt(port);
                } catch (NumberFormatException e) {
                    p = -1;
                }
                if (p < 1 || p > 65_535) {
                    throw new IllegalArgumentException("the " + what + " has an invalid port '" + port + "' in entry '" + entry
                            + "'; ports are 1 to 65535");
                }
            }
            String normal = host.toLowerCase(Locale.ROOT) + ":" + p;
            if (!seen.add(normal)) {
                throw new IllegalArgumentException("the " + what + " names node " + normal + " twice; the nodes of a quorum"
                        + " must be distinct, independent masters");
            }
            out.add(host + ":" + p);
        }
        if (out.size() < 3) {
            throw new IllegalArgumentException("the " + "host list of '" + shown + "' names " + out.size() + " node"
                    + (out.size() == 1 ? "" : "s") + "; a quorum needs at least 3 independent masters (an odd number)");
        }
        if (out.size() % 2 == 0) {
            throw new IllegalArgumentException("the host list of '" + shown + "' names " + out.size()
                    + " nodes; use an odd number: " + out.size() + " nodes tolerate no more failures than " + (out.size() - 1));
        }
        return out;
    }

    private static Set<String> known() {
        Set<String> known = new HashSet<>(RedisSettings.COMMON_OPTIONS);
        known.addAll(OPTIONS);
        return known;
    }

    private static URI create(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed " + RedisQuorumLockProvider.SCHEME + " uri: " + e.getReason(), e);
        }
    }

    /** The URI's text with the password of its user-info and any {@code password} option hidden. */
    static String redact(URI uri) {
        String s = uri.toString();
        String authority = uri.getRawAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        if (at >= 0) {
            String info = authority.substring(0, at);
            int colon = info.indexOf(':');
            s = s.replace(info + "@", (colon < 0 ? "***" : info.substring(0, colon) + ":***") + "@");
        }
        return s.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
