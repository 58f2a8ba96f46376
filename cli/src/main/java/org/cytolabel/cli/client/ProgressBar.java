package org.cytolabel.cli.client;

import java.io.PrintStream;

/** A one-line text progress bar on stderr: bar, count, rate and ETA; quiet when not a terminal in CI. */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private long total;
    private final String unit;
    private final long started = System.nanoTime();
    private long done;
    private long lastDraw;

    public ProgressBar(String label, long total, String unit) {
        this(System.err, label, total, unit);
    }

    ProgressBar(PrintStream out, String label, long total, String unit) {
        this.out = out;
        this.label = label;
        this.total = Math.max(total, 1);
        this.unit = unit;
    }

    /** Changes the total (e.g. when the number of epochs is only known once training starts). */
    public synchronized void total(long newTotal) {
        total = Math.max(newTotal, 1);
    }

    public synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastDraw > 100_000_000L || done >= total) {
            lastDraw = now;
            draw(now);
        }
    }

    public synchronized void set(long value) {
        step(value - done);
    }

    private void draw(long now) {
        double frac = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(frac * WIDTH);
        double secs = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / secs;
        double eta = rate > 0 ? (total - done) / rate : 0;
        String speed = rate >= 1 || done == 0 ? String.format("%.0f %s/s", rate, unit)
                : String.format("%.1f s/%s", 1 / rate, unit);
        out.printf("\r%-14s [%s%s] %3.0f%% %d/%d %s  %s  ETA %.0fs ", label, "#".repeat(filled),
                " ".repeat(WIDTH - filled), frac * 100, done, total, unit, speed, eta);
        out.flush();
    }

    @Override
    public synchronized void close() {
        if (lastDraw == 0 || done < total) {
            draw(System.nanoTime());
        }
        out.println();
    }
}
