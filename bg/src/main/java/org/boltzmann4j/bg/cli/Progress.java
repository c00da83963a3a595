package org.boltzmann4j.bg.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work: a progress bar (rate, ETA) on a terminal, plain lines every few seconds
 * otherwise (logs, CI), so that a redirected run stays readable. The rate and ETA count the work
 * done in this run: a resumed run says where it resumed ({@link #resumedAt}), and the steps before
 * are not its speed.
 */
public final class Progress implements AutoCloseable {
    private static final long PLAIN_INTERVAL_NS = 10_000_000_000L;

    private final boolean terminal;
    private ProgressBar bar;
    private final String task;
    private final String unit;
    private final long total;
    private final PrintStream plain;
    private final long startNs = System.nanoTime();
    private long lastPrintNs = startNs;
    private long done;
    /** Where this run's work began (the resume point) and when. */
    private long baseValue;
    private long baseNs = startNs;

    /**
     * @param unit what is counted ("configs", "steps"); shown with its rate
     */
    public Progress(String task, long total, String unit) {
        this.task = task;
        this.unit = unit;
        this.total = total;
        terminal = System.console() != null && System.console().isTerminal() && System.getenv("CI") == null;
        plain = terminal ? null : System.err;
    }

    /** A quiet progress that prints nothing (library use, tests). */
    public static Progress silent() {
        return new Progress();
    }

    private Progress() {
        terminal = false;
        plain = null;
        task = "";
        unit = "";
        total = 0;
    }

    /** Work before this run (a resumed run's first step): shown as done, not counted in the rate. Call before the first stepTo. */
    public void resumedAt(long value) {
        if (bar != null || done > 0) throw new IllegalStateException(task + ": resumedAt after progress was reported");
        baseValue = value;
        baseNs = System.nanoTime();
        stepTo(value);
    }

    public void stepTo(long value, String extra) {
        done = value;
        if (terminal && bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).showSpeed().startsFrom(baseValue, java.time.Duration.ZERO)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
        }
        if (bar != null) {
            bar.stepTo(value);
            if (extra != null) bar.setExtraMessage(extra);
        } else if (plain != null) {
            long now = System.nanoTime();
            if (now - lastPrintNs >= PLAIN_INTERVAL_NS || value >= total) {
                lastPrintNs = now;
                double rate = rate(value, now);
                long eta = rate > 0 ? Math.round((total - value) / rate) : -1;
                plain.printf("%s: %d/%d %s (%.0f%%), %.1f %s/s, ETA %ds%s%n", task, value, total, unit,
                        100.0 * value / Math.max(1, total), rate, unit, eta, extra == null ? "" : ", " + extra);
            }
        }
    }

    /** Units per second of this run's work (since {@link #resumedAt}, or the start). */
    double rate(long value, long nowNs) {
        return (value - baseValue) / Math.max((nowNs - baseNs) / 1e9, 1e-9);
    }

    public void stepTo(long value) {
        stepTo(value, null);
    }

    /** A line for logs (plain mode only: on a terminal the bar says enough). */
    public void note(String line) {
        if (plain != null) plain.println(task + ": " + line);
    }

    public long done() {
        return done;
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
