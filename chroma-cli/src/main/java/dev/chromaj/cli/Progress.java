package dev.chromaj.cli;

import dev.chromaj.ProgressListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows the progress of one piece of long work on standard error: a bar redrawn in place on a terminal (at most ten
 * times a second), or plain lines — one at the start, one per interval, one at the end — for logs and pipes. Called
 * on the thread that runs the work.
 */
final class Progress implements ProgressListener {
    private static final int BAR_WIDTH = 30;
    private static final long BAR_REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String what;
    private final String unit;
    private final Output.ProgressMode mode;
    private final long intervalNanos;
    private long lastPrinted = Long.MIN_VALUE;
    private long lastDone = -1;
    private long lastTotal = -1;
    private boolean barDrawn;

    Progress(PrintWriter err, String what, String unit, Output.ProgressMode mode, Duration interval) {
        this.err = err;
        this.what = what;
        this.unit = unit;
        this.mode = mode;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void onProgress(long done, long total) {
        if (mode == Output.ProgressMode.none || (done == lastDone && total == lastTotal)) {
            return;
        }
        long now = System.nanoTime();
        boolean complete = done >= total;
        boolean first = lastPrinted == Long.MIN_VALUE;
        long wait = mode == Output.ProgressMode.bar ? BAR_REDRAW_NANOS : intervalNanos;
        if (!first && !complete && now - lastPrinted < wait) {
            return;
        }
        lastPrinted = now;
        lastDone = done;
        lastTotal = total;
        if (mode == Output.ProgressMode.bar) {
            int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
            err.print("\r" + what + " [" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] "
                    + counts(done, total));
            barDrawn = true;
        } else {
            err.println(what + ": " + counts(done, total));
        }
        err.flush();
    }

    /** Ends the bar's line (lines need nothing). */
    void end() {
        if (barDrawn) {
            err.println();
            err.flush();
            barDrawn = false;
        }
    }

    private String counts(long done, long total) {
        long percent = total <= 0 ? 100 : done * 100 / total;
        return String.format(Locale.ROOT, "%d/%d %s (%d%%)", done, total, unit, percent);
    }
}
