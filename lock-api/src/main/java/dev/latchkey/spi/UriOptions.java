package dev.latchkey.spi;

import org.jspecify.annotations.Nullable;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ?key=value&…} options of a lock URI, with typed getters whose errors name the option.
 * Works for hierarchical ({@code redis-lua://h:1?lease=5s}) and opaque ({@code inmemory:x?fair=true})
 * URIs. Not thread-safe; use it while opening a client.
 */
public final class UriOptions {
    /** {@code scheme://} and the user-info before the authority's last {@code @}. */
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final URI uri;
    private final Map<String, String> values = new LinkedHashMap<>();
    /** Keys given without {@code =value}. */
    private final Set<String> bare = new HashSet<>();

    private UriOptions(URI uri) {
        this.uri = uri;
        String query = uri.isOpaque() ? afterQuestionMark(uri.getRawSchemeSpecificPart()) : uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (eq < 0) {
                    bare.add(key);
                }
                if (values.put(key, value) != null) {
                    throw new IllegalArgumentException("option '" + key + "' given twice in " + redacted());
                }
            }
        }
    }

    /** Parses the options of a URI. */
    public static UriOptions of(URI uri) {
        return new UriOptions(uri);
    }

    /** Fails, listing the known options, if the URI has any other. */
    public UriOptions allowOnly(Set<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown option '" + key + "' in " + redacted()
                        + "; known options: " + String.join(", ", new TreeSet<>(known)));
            }
        }
        return this;
    }

    /** The option's value, or {@code fallback} when absent. */
    public @Nullable String string(String key, @Nullable String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /**
     * A boolean option: {@code true} or {@code false}, in any case, or the bare key ({@code ?fair}),
     * which means true, like a flag on a command line. Anything else ({@code yes}, {@code 1}, an empty
     * {@code fair=}) is rejected, so that one spelling means one thing everywhere.
     */
    public boolean bool(String key, boolean fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (bare.contains(key) || v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("option '" + key + "' must be true or false, was '" + v + "'");
    }

    public int integer(String key, int fallback, int min, int max) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException("option '" + key + "' must be between " + min + " and " + max + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '" + key + "' must be a whole number, was '" + v + "'", e);
        }
    }

    /** A duration option such as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601 {@code PT30S}. */
    public Duration duration(String key, Duration fallback) {
        String v = values.get(key);
        return v == null ? fallback : parseDuration(v, "option '" + key + "'");
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601; {@code what} names it in errors. */
    public static Duration parseDuration(@Nullable String text, String what) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                switch (m.group(2)) {
                    case "ms": return Duration.ofMillis(n);
                    case "s": return Duration.ofSeconds(n);
                    case "m": return Duration.ofMinutes(n);
                    case "h": return Duration.ofHours(n);
                    default: return Duration.ofDays(n);
                }
            }
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(what + " is not a valid duration: '" + text + "'", e);
        }
        throw new IllegalArgumentException(what + " is not a valid duration: '" + text + "' (use e.g. 500ms, 30s, 2m, 1h)");
    }

    /** The URI with any password removed, for messages. */
    public String redacted() {
        return redact(uri);
    }

    /** A URI's text with the password of its user-info (and any {@code password} option) hidden. */
    public static String redact(URI uri) {
        return redact(uri.toString());
    }

    /**
     * The same for a text that may not even parse as a URI, and for an authority of several hosts
     * ({@code user:pw@h1:1,h2:2}), where {@link URI#getUserInfo()} finds no user-info: everything
     * before the authority's last {@code @} is user-info, and the part after its first {@code :} is hidden.
     */
    public static String redact(String uriText) {
        Matcher m = USER_INFO.matcher(uriText);
        String s = uriText;
        if (m.find()) {
            String info = m.group(2);
            int colon = info.indexOf(':');
            s = m.group(1) + (colon < 0 ? "***" : info.substring(0, colon) + ":***") + "@" + uriText.substring(m.end());
        }
        return s.replaceAll("(?i)(password=)[^&#]*", "$1***");
    }

    private static @Nullable String afterQuestionMark(@Nullable String ssp) {
        if (ssp == null) {
            return null;
        }
        int q = ssp.indexOf('?');
        return q < 0 ? null : ssp.substring(q + 1);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
