package dev.latchkey.cli;

import dev.latchkey.Locks;
import dev.latchkey.spi.UriOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * The option parsing every command shares: converters for durations ({@code 500ms}, {@code 2s},
 * {@code 1m}, {@code PT2S}; a leading {@code -} and a bare {@code 0} are read, so that range checks
 * can say what is wrong) and lock URIs; range checks whose one-line messages name the option and
 * echo the value in the user's units; a writability check for output directories; the mixins for a
 * single lock target and {@code --json}. Stateless apart from the mixins' fields.
 */
final class Options {
    private Options() {
    }

    /** Registers the converters on a command and all its subcommands. */
    static void registerConverters(CommandLine cli) {
        cli.registerConverter(Duration.class, new DurationConverter());
        cli.registerConverter(URI.class, new UriConverter());
    }

    /** Same syntax as URI options such as {@code lease=30s}, plus a sign and a bare {@code 0}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.strip();
            boolean negative = text.startsWith("-");
            String magnitude = negative ? text.substring(1) : text;
            if (magnitude.equals("0")) {
                return Duration.ZERO;
            }
            try {
                Duration d = UriOptions.parseDuration(magnitude, "duration");
                return negative ? d.negated() : d;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a duration (use e.g. 500ms, 2s, 1m or PT2S)");
            }
        }
    }

    /** A lock URI such as {@code inmemory:}; the scheme and options are checked when it is opened. */
    static final class UriConverter implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                return Locks.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code value}, if within {@code [min, max]}; else a usage error naming the option. */
    static int within(CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), "option '" + option + "' must be between " + min + " and "
                    + max + ", was " + value);
        }
        return value;
    }

    /**
     * {@code value}, if within {@code [min, max]}; else a usage error naming the option: "must not be
     * negative", "must be positive" (when {@code min} is above zero), "must be at least" or "must be at most".
     */
    static Duration within(CommandSpec spec, String option, Duration value, Duration min, Duration max) {
        String problem = null;
        if (value.isNegative()) {
            problem = "must not be negative";
        } else if (value.isZero() && !min.isZero()) {
            problem = "must be positive";
        } else if (value.compareTo(min) < 0) {
            problem = "must be at least " + Text.compact(min);
        } else if (value.compareTo(max) > 0) {
            problem = "must be at most " + Text.compact(max);
        }
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), "option '" + option + "' " + problem + ", was " + Text.compact(value));
        }
        return value;
    }

    /** Creates {@code dir} if needed and writes (and deletes) a file in it, so that a run does not end on an unwritable directory. */
    static Path writableDirectory(String option, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".lockctl-", ".probe"));
            return dir;
        } catch (IOException e) {
            String why = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            throw new CliException(ExitCodes.USAGE, "option '" + option + "': cannot write to " + dir + " (" + why + ")", e);
        }
    }

    /** One named lock on one backend: {@code NAME --uri URI}. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "NAME", description = "The lock name.")
        String name;

        @Option(names = "--uri", required = true, paramLabel = "URI",
                description = "The backend, e.g. " + Defaults.EXAMPLE_URI + " or inmemory:. Host 'embedded' starts a "
                        + "throw-away redis-server.")
        URI uri;
    }

    /** {@code --json}: one JSON document on stdout instead of text, for results and errors alike. */
    static final class JsonOption {
        @Option(names = "--json", description = "Print one JSON document on stdout instead of text (errors too).")
        boolean json;
    }
}
