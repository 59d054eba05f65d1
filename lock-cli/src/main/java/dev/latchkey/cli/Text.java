package dev.latchkey.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Help.Ansi;

/** Formatting shared by the commands: durations, tokens, colour markup. Stateless. */
final class Text {
    private Text() {
    }

    /** {@code 850 ms}, {@code 1.25 s}, {@code 2 min 5 s}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (Math.abs(ms) < 1000) {
            return ms + " ms";
        }
        if (Math.abs(ms) < 120_000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
        }
        return d.toMinutes() + " min " + d.toSecondsPart() + " s";
    }

    /** In the units a user types: {@code 999d}, {@code 2h}, {@code 90s}, {@code 1500ms}, {@code -1s}, {@code 0}. */
    static String compact(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.isNegative()) {
            return "-" + compact(d.negated());
        }
        long ms = d.toMillis();
        long[] sizes = {86_400_000, 3_600_000, 60_000, 1000};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    /** A duration in nanoseconds, formatted as {@link #duration(Duration)}. */
    static String nanos(long nanos) {
        return duration(Duration.ofNanos(nanos));
    }

    /** The first 8 characters of a holder token and an ellipsis; tokens are long and only their start identifies them. */
    static String abbreviate(String token) {
        if (token == null) {
            return "-";
        }
        return token.length() <= 10 ? token : token.substring(0, 8) + "…";
    }

    /** Applies picocli markup such as {@code @|bold,red FAIL|@}, or strips it when colour is off. */
    static String markup(Ansi ansi, String text) {
        return ansi.string(text);
    }

    /** Pads on the right to {@code width} visible characters, with at least one space, so that columns never touch. */
    static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
