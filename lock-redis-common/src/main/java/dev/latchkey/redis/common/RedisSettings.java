package dev.latchkey.redis.common;

import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The connection part of a Redis lock URI:
 * {@code scheme://[user:password@]host[:port][,host[:port]...][/db]?client=jedis|lettuce&password=…&tls=true&timeout=2s&prefix=latchkey:&cluster=false&sentinel=&lease=30s}.
 * The backend's own options are passed through {@link #options()}. Immutable and thread-safe.
 *
 * <p>Where the servers are:
 * <ul>
 *   <li>one server: {@code redis-lua://host:6379};</li>
 *   <li>Sentinel: {@code redis-lua://s1:26379,s2:26379,s3:26379?sentinel=mymaster}: the Sentinels' addresses
 *       (port 26379 unless given) and the name they know the master by; the client asks them where the
 *       master is, and follows it across failovers;</li>
 *   <li>Cluster: {@code redis-lua://n1:6379,n2:6379?cluster=true}: one or more seed nodes.</li>
 * </ul>
 * {@link #nodes()} is the list as given, parsed by {@link HostPort#parseList}; {@link #host()} and
 * {@link #port()} are its first element.
 *
 * @param scheme   the backend's scheme, e.g. {@code redis-lua}, for messages
 * @param nodes    the server, the Sentinels or the cluster seeds, at least one; default 127.0.0.1:6379
 * @param database the database number (path), default 0; must be 0 in cluster mode
 * @param user     the ACL user, or null
 * @param password the password, or null (never printed)
 * @param tls      whether to use TLS
 * @param timeout  the connect and command timeout
 * @param client   {@code jedis}, {@code lettuce}, or null for the only client adapter present (see {@link RedisPorts#open})
 * @param cluster  whether the nodes are Redis Cluster seeds
 * @param sentinel the master's name if the nodes are Sentinels (option {@code sentinel}), else null
 * @param keys     key naming (from option {@code prefix}, default {@code latchkey:})
 * @param lease    the default lease
 * @param options  all URI options, for the backend's own
 * @param redacted the URI without secrets, for messages
 */
public record RedisSettings(String scheme, List<HostPort> nodes, int database, String user, String password, boolean tls,
                            Duration timeout, String client, boolean cluster, String sentinel, KeyNaming keys, Duration lease,
                            UriOptions options, String redacted) {

    /** The port of a Redis server when the URI names none. */
    public static final int DEFAULT_PORT = 6379;
    /** The port of a Sentinel when the URI names none. */
    public static final int DEFAULT_SENTINEL_PORT = 26379;

    /** The options this record understands; a backend adds its own. */
    public static final Set<String> COMMON_OPTIONS = Set.of("client", "password", "user", "tls", "timeout", "prefix", "cluster", "sentinel", "lease");

    /**
     * Parses a URI whose scheme the caller has already matched.
     *
     * @param backendOptions the extra option names the backend accepts
     * @throws IllegalArgumentException naming the problem
     */
    public static RedisSettings parse(URI uri, Set<String> backendOptions, Duration defaultLease) {
        if (uri.isOpaque()) {
            throw malformed(uri, "it has no '//'");
        }
        Set<String> known = new HashSet<>(COMMON_OPTIONS);
        known.addAll(backendOptions);
        UriOptions options = UriOptions.of(uri).allowOnly(known);
        String sentinel = options.string("sentinel", null);
        if (sentinel != null && (sentinel.isBlank() || sentinel.chars().anyMatch(Character::isWhitespace))) {
            throw new IllegalArgumentException("option 'sentinel' must be the master's name as the Sentinels know it, was '" + sentinel + "'");
        }
        String authority = uri.getRawAuthority();
        String info = null;
        if (authority != null && authority.lastIndexOf('@') >= 0) {
            info = authority.substring(0, authority.lastIndexOf('@'));
            authority = authority.substring(authority.lastIndexOf('@') + 1);
        }
        List<HostPort> nodes;
        try {
            nodes = authority == null || authority.isEmpty() ? List.of(new HostPort("127.0.0.1", DEFAULT_PORT))
                    : HostPort.parseList(authority, sentinel != null ? DEFAULT_SENTINEL_PORT : DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            throw malformed(uri, e.getMessage());
        }
        int database = database(uri);
        String user = options.string("user", null);
        String password = options.string("password", null);
        if (info != null) {
            int colon = info.indexOf(':');
            String u = decode(colon < 0 ? info : info.substring(0, colon));
            user = u.isEmpty() ? user : u;
            password = colon < 0 ? password : decode(info.substring(colon + 1));
        }
        String client = options.string("client", null);
        client = client == null ? null : client.toLowerCase(Locale.ROOT);
        if (client != null && !client.equals("jedis") && !client.equals("lettuce")) {
            throw new IllegalArgumentException("option 'client' must be jedis or lettuce, was '" + client + "'");
        }
        Duration timeout = options.duration("timeout", Duration.ofSeconds(2));
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("option 'timeout' must be positive, was " + timeout);
        }
        boolean cluster = options.bool("cluster", false);
        if (cluster && database != 0) {
            throw new IllegalArgumentException("redis cluster has only database 0, uri names " + database);
        }
        if (cluster && sentinel != null) {
            throw new IllegalArgumentException("options 'cluster' and 'sentinel' exclude each other: a Redis Cluster fails over by itself");
        }
        return new RedisSettings(uri.getScheme().toLowerCase(Locale.ROOT), nodes, database, user, password, options.bool("tls", false),
                timeout, client, cluster, sentinel, new KeyNaming(options.string("prefix", "latchkey:")),
                options.duration("lease", defaultLease), options, options.redacted());
    }

    private static IllegalArgumentException malformed(URI uri, String problem) {
        return new IllegalArgumentException("malformed redis uri '" + UriOptions.redact(uri) + "': " + problem + "; expected "
                + uri.getScheme() + "://host[:port][/db][?options], or several hosts host:port,host:port with option"
                + " 'sentinel=<master name>' (the Sentinels) or 'cluster=true' (seed nodes)");
    }

    /** These settings for one node alone, for instance one of a quorum's independent masters. */
    public RedisSettings only(HostPort node) {
        return new RedisSettings(scheme, List.of(node), database, user, password, tls, timeout, client, cluster, sentinel, keys, lease,
                options, redacted);
    }

    /** The first (often the only) node's host. */
    public String host() {
        return nodes.get(0).host();
    }

    /** The first (often the only) node's port. */
    public int port() {
        return nodes.get(0).port();
    }

    /** Where the client connects, for descriptions: {@code host:port/db}, {@code mymaster/0 via Sentinels h:p,h:p}, or {@code h:p,h:p (cluster)}. */
    public String address() {
        String list = nodes.stream().map(HostPort::toString).collect(Collectors.joining(","));
        return cluster ? list + " (cluster)" : sentinel != null ? sentinel + "/" + database + " via Sentinels " + list : list + "/" + database;
    }

    @Override
    public String toString() {
        return "RedisSettings[" + redacted + "]";
    }

    private static int database(URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int db = Integer.parseInt(path.substring(1));
            if (db < 0) {
                throw new NumberFormatException();
            }
            return db;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the path of a redis uri is the database number, was '" + path + "'");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
