package dev.latchkey.cli;

import java.io.PrintWriter;

/**
 * The demo's progress display. On a terminal one line per backend is redrawn in place; otherwise
 * (pipes, CI logs) a plain line is printed at the start, at each quarter and at the end. With
 * {@code --json} nothing is printed, so stdout stays one JSON document. Used by one thread.
 */
class Progress {
    private final PrintWriter out;
    private final boolean live;
    private int lastWidth;
    private int lastQuarter;

    private Progress(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** Redraws in place when {@code System.console() != null}, else plain lines. */
    static Progress to(PrintWriter out) {
        return new Progress(out, System.console() != null);
    }

    /** Prints nothing. */
    static Progress none() {
        return new Progress(null, false);
    }

    void start(String label, int total) {
        lastQuarter = 0;
        lastWidth = 0;
        if (out != null && !live) {
            out.println(Text.pad(label, 14) + "started: " + total + " acquisitions to go");
            out.flush();
        }
    }

    void update(String label, int done, int total, int overlaps) {
        if (out == null) {
            return;
        }
        if (live) {
            draw(line(label, done, total, overlaps));
        } else if (total > 0 && done * 4 / total > lastQuarter && done < total) {
            lastQuarter = done * 4 / total;
            out.println(line(label, done, total, overlaps));
            out.flush();
        }
    }

    void finish(String label, int done, int total, int overlaps, long elapsedNanos) {
        if (out == null) {
            return;
        }
        String line = line(label, done, total, overlaps) + " in " + Text.nanos(elapsedNanos);
        if (live) {
            draw(line);
            out.println();
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void draw(String line) {
        out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        lastWidth = line.length();
        out.flush();
    }

    private static String line(String label, int done, int total, int overlaps) {
        int width = 20;
        int filled = total == 0 ? width : done * width / total;
        return Text.pad(label, 14) + "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] "
                + done + "/" + total + " acquired, overlapping grants seen: " + overlaps;
    }
}
