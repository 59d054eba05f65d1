package dev.latchkey.cli;

import dev.latchkey.Locks;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
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
 * {@code PT1S}) and lock URIs, range checks with messages naming the option, and the mixins for a
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

    /** Same syntax as URI options such as {@code lease=30s}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return UriOptions.parseDuration(value, "duration");
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a duration (use e.g. 500ms, 2s, 1m or PT2S)");
            }
        }
    }

    /** A lock URI such as {@code inmemory:} or {@code redis-lua://127.0.0.1:6379}; the scheme is checked when opened. */
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

    static int atLeast(CommandSpec spec, String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), "option '" + option + "' must be at least " + min + ", was " + value);
        }
        return value;
    }

    static Duration positive(CommandSpec spec, String option, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new ParameterException(spec.commandLine(), "option '" + option + "' must be positive, was " + Text.duration(value));
        }
        return value;
    }

    static Duration notNegative(CommandSpec spec, String option, Duration value) {
        if (value.isNegative()) {
            throw new ParameterException(spec.commandLine(), "option '" + option + "' must not be negative, was " + value);
        }
        return value;
    }

    /** One named lock on one backend: {@code NAME --uri URI}. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "NAME", description = "The lock name.")
        String name;

        @Option(names = "--uri", required = true, paramLabel = "URI",
                description = "The backend, e.g. redis-lua://127.0.0.1:6379 or inmemory:. "
                        + "Host 'embedded' in a redis-* URI starts a throw-away redis-server.")
        URI uri;
    }

    /** {@code --json}: one JSON document on stdout instead of text. */
    static final class JsonOption {
        @Option(names = "--json", description = "Print one JSON document instead of text.")
        boolean json;
    }
}
