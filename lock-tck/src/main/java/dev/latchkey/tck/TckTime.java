package dev.latchkey.tck;

import java.time.Duration;
import java.util.Locale;

/**
 * The one factor that stretches every wait of the TCK: system property {@value #PROPERTY}, else
 * environment variable {@value #ENV}, else 1. Use 2 or 3 on slow or loaded machines. Rules assert
 * lower bounds exactly and upper bounds generously, both in scaled time. Immutable and thread-safe.
 */
public final class TckTime {
    /** The system property holding the factor. */
    public static final String PROPERTY = "latchkey.timeScale";
    /** The environment variable holding the factor when the property is absent. */
    public static final String ENV = "LATCHKEY_TIME_SCALE";

    private static final double SCALE = read();

    private TckTime() {
    }

    /** The factor in force. */
    public static double scale() {
        return SCALE;
    }

    /** {@code millis} milliseconds, stretched by the factor. */
    public static Duration millis(long millis) {
        return Duration.ofNanos(Math.round(millis * 1_000_000L * SCALE));
    }

    private static double read() {
        String text = System.getProperty(PROPERTY);
        if (text == null || text.isBlank()) {
            text = System.getenv(ENV);
        }
        if (text == null || text.isBlank()) {
            return 1;
        }
        try {
            double value = Double.parseDouble(text.strip());
            if (value >= 0.1 && value <= 100) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%s / %s must be a number between 0.1 and 100, was '%s'", PROPERTY, ENV, text));
    }
}
