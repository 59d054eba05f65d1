package dev.latchkey.redis.common;

import java.util.ArrayList;
import java.util.List;

/**
 * One server address of a lock URI, {@code host:port}. A URI may name several, comma-separated
 * ({@code redis-lua://s1:26379,s2:26379,s3:26379?sentinel=mymaster}); {@code java.net.URI} does not
 * parse such an authority into hosts, so {@link #parseList} does. Immutable and thread-safe.
 *
 * @param host a host name, an IPv4 address, or an IPv6 address in brackets ({@code [::1]})
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {

    /**
     * Parses {@code host[:port][,host[:port]...]}; IPv6 addresses go in brackets ({@code [::1]:6379}).
     *
     * @param text        the host list (a URI's authority without user info)
     * @param defaultPort the port of an element that names none
     * @return the addresses in the order given, at least one
     * @throws IllegalArgumentException saying which element is wrong and how: empty, no host, a port that
     *                                  is not a number from 1 to 65535, a character no host name has, or
     *                                  an address given twice (host names are case-insensitive)
     */
    public static List<HostPort> parseList(String text, int defaultPort) {
        List<HostPort> out = new ArrayList<>();
        String[] elements = text.split(",", -1);
        for (int i = 0; i < elements.length; i++) {
            HostPort hp = parse(elements[i], defaultPort, elements.length == 1 ? "" : "element " + (i + 1) + " of the host list: ");
            if (out.stream().anyMatch(hp::sameAs)) {
                throw new IllegalArgumentException("the host list names " + hp + " twice");
            }
            out.add(hp);
        }
        return List.copyOf(out);
    }

    private static HostPort parse(String element, int defaultPort, String where) {
        if (element.isEmpty()) {
            throw new IllegalArgumentException(where + "empty (a stray comma?)");
        }
        String host;
        String port;
        if (element.startsWith("[")) {
            int close = element.indexOf(']');
            if (close < 0 || close + 1 < element.length() && element.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(where + "'" + element + "' is not [ipv6-address] or [ipv6-address]:port");
            }
            host = element.substring(0, close + 1);
            port = close + 1 < element.length() ? element.substring(close + 2) : null;
        } else {
            int colon = element.indexOf(':');
            if (colon != element.lastIndexOf(':')) {
                throw new IllegalArgumentException(where + "'" + element + "' has several ':'; put an IPv6 address in brackets, [::1]:6379");
            }
            host = colon < 0 ? element : element.substring(0, colon);
            port = colon < 0 ? null : element.substring(colon + 1);
        }
        if (host.isEmpty() || host.equals("[]")) {
            throw new IllegalArgumentException(where + "'" + element + "' has no host");
        }
        for (char c : host.toCharArray()) {
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == '[' || c == ']' || c == ':' || c == '%')) {
                throw new IllegalArgumentException(where + "'" + element + "': '" + c + "' cannot be part of a host name");
            }
        }
        return new HostPort(host, port == null ? defaultPort : port(port, element, where));
    }

    private static int port(String text, String element, String where) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65_535) {
                return p;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException(where + "the port of '" + element + "' must be a number from 1 to 65535, was '" + text + "'");
    }

    /** Whether both name one address: host names are case-insensitive. */
    boolean sameAs(HostPort other) {
        return port == other.port && host.equalsIgnoreCase(other.host);
    }

    /** {@code host:port}. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
