package dev.latchkey.redis.common;

import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The connection part of a Redis lock URI:
 * {@code scheme://[user:password@]host[:port][/db]?client=jedis|lettuce&password=…&tls=true&timeout=2s&prefix=latchkey:&cluster=false&lease=30s}.
 * The backend's own options are passed through {@link #options()}. Immutable and thread-safe.
 *
 * @param scheme   the backend's scheme, e.g. {@code redis-lua}, for messages
 * @param host     the server (or cluster seed) host, default 127.0.0.1
 * @param port     the port, default 6379
 * @param database the database number (path), default 0; must be 0 in cluster mode
 * @param user     the ACL user, or null
 * @param password the password, or null (never printed)
 * @param tls      whether to use TLS
 * @param timeout  the connect and command timeout
 * @param client   {@code jedis}, {@code lettuce}, or null for the only client adapter present (see {@link RedisPorts#open})
 * @param cluster  whether the host is a Redis Cluster seed
 * @param keys     key naming (from option {@code prefix}, default {@code latchkey:})
 * @param lease    the default lease
 * @param options  all URI options, for the backend's own
 * @param redacted the URI without secrets, for messages
 */
public record RedisSettings(String scheme, String host, int port, int database, String user, String password, boolean tls,
                            Duration timeout, String client, boolean cluster, KeyNaming keys, Duration lease,
                            UriOptions options, String redacted) {

    /** The options this record understands; a backend adds its own. */
    public static final Set<String> COMMON_OPTIONS = Set.of("client", "password", "user", "tls", "timeout", "prefix", "cluster", "lease");

    /**
     * Parses a URI whose scheme the caller has already matched.
     *
     * @param backendOptions the extra option names the backend accepts
     * @throws IllegalArgumentException naming the problem
     */
    public static RedisSettings parse(URI uri, Set<String> backendOptions, Duration defaultLease) {
        if (uri.isOpaque() || (uri.getRawAuthority() != null && uri.getHost() == null)) {
            throw new IllegalArgumentException("malformed redis uri '" + UriOptions.redact(uri)
                    + "': expected " + uri.getScheme() + "://host[:port][/db][?options]");
        }
        Set<String> known = new HashSet<>(COMMON_OPTIONS);
        known.addAll(backendOptions);
        UriOptions options = UriOptions.of(uri).allowOnly(known);
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        int database = database(uri);
        String user = options.string("user", null);
        String password = options.string("password", null);
        String info = uri.getRawUserInfo();
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
        return new RedisSettings(uri.getScheme().toLowerCase(Locale.ROOT), host, port, database, user, password, options.bool("tls", false), timeout, client,
                cluster, new KeyNaming(options.string("prefix", "latchkey:")), options.duration("lease", defaultLease),
                options, options.redacted());
    }

    /** host:port/db for descriptions. */
    public String address() {
        return host + ":" + port + (cluster ? " (cluster)" : "/" + database);
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
