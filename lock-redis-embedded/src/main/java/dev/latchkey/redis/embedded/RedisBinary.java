package dev.latchkey.redis.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code redis-server} executable that {@link EmbeddedRedis} runs, chosen in this order:
 * <ol>
 *   <li>the file named by the system property or environment variable {@value #BINARY_SETTING};</li>
 *   <li>a {@code redis-server} on the {@code PATH};</li>
 *   <li>the binary bundled in the {@code com.github.codemonstur:embedded-redis} jar (Redis 6.2 for
 *       Linux and macOS on x86-64 and arm64), extracted to
 *       {@code ${java.io.tmpdir}/latchkey-redis-${user.name}/<content hash>/}. Concurrent JVMs
 *       each write a private temporary file and move it into place atomically.</li>
 * </ol>
 * The choice is made once per JVM. When none applies, {@link #get()} throws
 * {@link IllegalStateException}: a test never skips for want of a server.
 *
 * <p>Thread-safe: the static methods and {@link #version()} are synchronized, and the rest is
 * immutable.
 */
public final class RedisBinary {

    /** The setting that forces a {@code redis-server} executable by path. */
    public static final String BINARY_SETTING = "LATCHKEY_REDIS_BINARY";

    /** Where a binary comes from. Immutable, so thread-safe. */
    public enum Source {
        /** Named by {@value RedisBinary#BINARY_SETTING}. */
        FORCED,
        /** Found on the {@code PATH}. */
        PATH,
        /** Extracted from the embedded-redis jar. */
        EMBEDDED
    }

    private static final Pattern VERSION = Pattern.compile("\\bv=(\\d+\\.\\d+\\.\\d+)");

    private static RedisBinary selected;
    private static RedisBinary embedded;

    private final Source source;
    private final Path path;
    private final String origin;
    private String version; // guarded by this

    private RedisBinary(Source source, Path path, String origin) {
        this.source = source;
        this.path = path;
        this.origin = origin;
    }

    /**
     * The binary for this JVM, chosen in the order above.
     *
     * @throws IllegalStateException if {@value #BINARY_SETTING} names no executable file, or no
     *     binary is on the PATH and none is bundled for this platform
     */
    public static synchronized RedisBinary get() {
        if (selected == null) {
            selected = select(setting(BINARY_SETTING), System.getenv("PATH"), RedisBinary::embedded);
        }
        return selected;
    }

    /**
     * The binary bundled in the embedded-redis jar, extracted on first use, whatever
     * {@link #get()} would choose.
     *
     * @throws IllegalStateException if none is bundled for this platform, the jar is missing or the
     *     file cannot be written
     */
    public static synchronized RedisBinary embedded() {
        if (embedded == null) {
            embedded = extract(embeddedResource(System.getProperty("os.name"), System.getProperty("os.arch")),
                    Path.of(System.getProperty("java.io.tmpdir"), "latchkey-redis-" + System.getProperty("user.name")));
        }
        return embedded;
    }

    /** Where this binary comes from. */
    public Source source() {
        return source;
    }

    /** The executable file. */
    public Path path() {
        return path;
    }

    /** Says which binary this is and why it was chosen, for logs and error messages. */
    public String describe() {
        return path + " (" + origin + ")";
    }

    /**
     * The version that {@code redis-server --version} reports, such as {@code "6.2.6"}; asked once.
     *
     * @throws IllegalStateException if the binary cannot be run or reports no version
     */
    public synchronized String version() {
        if (version == null) {
            String output;
            try {
                Process process = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
                output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
                process.waitFor();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot run " + describe() + " --version: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while running " + path + " --version", e);
            }
            Matcher matcher = VERSION.matcher(output);
            if (!matcher.find()) {
                throw new IllegalStateException(describe() + " --version reported no version: " + output);
            }
            version = matcher.group(1);
        }
        return version;
    }

    /**
     * The major version, such as 6 for {@code "6.2.6"}.
     *
     * @throws IllegalStateException as {@link #version()}
     */
    public int majorVersion() {
        String version = version();
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    /**
     * The {@code redis-cli} executable in the same directory as this binary, if there is one (an
     * installed Redis has it; the embedded-redis jar ships none).
     */
    public Optional<Path> redisCli() {
        Path cli = path.resolveSibling("redis-cli");
        return Files.isRegularFile(cli) && Files.isExecutable(cli) ? Optional.of(cli) : Optional.empty();
    }

    @Override
    public String toString() {
        return describe();
    }

    static RedisBinary select(String forced, String pathVariable, Supplier<RedisBinary> embedded) {
        if (forced != null) {
            Path path = Path.of(forced);
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new IllegalStateException(BINARY_SETTING + "=" + forced + " is not an executable file");
            }
            return new RedisBinary(Source.FORCED, path, "forced by " + BINARY_SETTING);
        }
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return new RedisBinary(Source.PATH, candidate, "found on the PATH");
                }
            }
        }
        return embedded.get();
    }

    /** The name of the resource in the embedded-redis jar that runs on this platform. */
    static String embeddedResource(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.startsWith("linux") && x64) {
            return "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.startsWith("linux") && arm64) {
            return "redis-server-6.2.7-linux-arm64";
        }
        if (os.startsWith("mac") && x64) {
            return "redis-server-6.2.6-v5-darwin-amd64";
        }
        if (os.startsWith("mac") && arm64) {
            return "redis-server-6.2.6-v5-darwin-arm64";
        }
        throw new IllegalStateException("embedded-redis bundles no redis-server for " + osName + "/" + osArch
                + "; put redis-server on the PATH or set " + BINARY_SETTING);
    }

    /** Extracts a bundled binary into {@code cacheRoot/<content hash>/}, unless already there. */
    static RedisBinary extract(String resource, Path cacheRoot) {
        String origin = "embedded-redis jar resource " + resource;
        try {
            byte[] bytes;
            try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("No " + resource + " on the class path: is the "
                            + "com.github.codemonstur:embedded-redis jar missing? Or set " + BINARY_SETTING);
                }
                bytes = in.readAllBytes();
            }
            Path dir = cacheRoot.resolve(sha256(bytes).substring(0, 16));
            Path target = dir.resolve(resource);
            if (Files.isExecutable(target) && Files.size(target) == bytes.length) {
                return new RedisBinary(Source.EMBEDDED, target, origin + ", cached");
            }
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, resource, ".part");
            try {
                Files.write(temp, bytes);
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            return new RedisBinary(Source.EMBEDDED, target, origin + ", extracted");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot extract " + origin + " to " + cacheRoot + ": " + e, e);
        }
    }

    /** A setting from the system property of that name, else the environment; blank counts as absent. */
    static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
