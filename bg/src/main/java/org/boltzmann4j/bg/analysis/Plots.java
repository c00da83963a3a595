package org.boltzmann4j.bg.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.boltzmann4j.bg.io.AtomicFile;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of the analyses: the Ramachandran free energy map, free energy profiles and
 * histograms. The profile and histogram plots take several named series, so that one figure can
 * overlay MD, flow and reweighted-flow samples. Each function returns the PNG's bytes, so a
 * caller can render everything before it writes anything; {@link #write} writes them atomically.
 *
 * <p>Rendering runs headless (java.awt.headless is set before AWT loads), so plots work on
 * servers and in CI without a display. Curves and axes use XChart; the Ramachandran map is drawn
 * directly with Java2D, because XChart's heat map treats its axes as categories (one tick label
 * per bin) and has no notion of an empty cell, while a free-energy map needs degree axes and
 * empty cells (F = +infinity) set apart from the colour scale.
 */
public final class Plots {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * A named curve: x and y of equal length; NaN or infinite y leaves a gap. {@code lower} and
     * {@code upper}, if not null, are a band around it (drawn as thin lines of the curve's colour).
     */
    public record Series(String name, double[] x, double[] y, double[] lower, double[] upper) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException(name + ": " + x.length + " x values but " + y.length + " y values");
            }
            if ((lower == null) != (upper == null) || lower != null && (lower.length != y.length || upper.length != y.length)) {
                throw new IllegalArgumentException(name + ": a band needs lower and upper values, one per point");
            }
            x = x.clone();
            y = y.clone();
            lower = lower == null ? null : lower.clone();
            upper = upper == null ? null : upper.clone();
        }

        public Series(String name, double[] x, double[] y) {
            this(name, x, y, null, null);
        }

        /**
         * A free energy profile along an angle (radians): bin centres in degrees, F in kT with its
         * bootstrap band; hidden and empty bins are gaps.
         */
        public static Series freeEnergyProfile(String name, FreeEnergyProfile profile) {
            double[] c = new double[profile.bins()];
            for (int b = 0; b < c.length; b++) {
                c[b] = Math.toDegrees(profile.center(b));
            }
            return new Series(name, c, profile.freeEnergyKt(), profile.lowerKt(), profile.upperKt());
        }

        /** A histogram as a step curve of its probability density, in the histogram's unit. */
        public static Series histogram(String name, Histogram h) {
            double[] d = h.density();
            double[] x = new double[2 * d.length];
            double[] y = new double[2 * d.length];
            for (int b = 0; b < d.length; b++) {
                x[2 * b] = h.lo() + b * h.width();
                x[2 * b + 1] = h.lo() + (b + 1) * h.width();
                y[2 * b] = d[b];
                y[2 * b + 1] = d[b];
            }
            return new Series(name, x, y);
        }
    }

    private static final int WIDTH = 800;
    private static final int HEIGHT = 600;

    // Viridis at nine evenly spaced points: perceptually uniform and readable in grey and by
    // colour-blind readers; dark = low free energy (populated), yellow = high.
    private static final int[][] VIRIDIS = {
        {68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
        {39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37}};

    private Plots() {}

    /** Writes a PNG atomically. */
    public static void write(Path png, byte[] bytes) throws IOException {
        AtomicFile.writeBytes(png, bytes);
    }

    // one colour per series, so that a band has its curve's colour: black, blue, orange, green, purple
    private static final Color[] SERIES_COLOURS = {new Color(30, 30, 30), new Color(31, 119, 180), new Color(230, 120, 20),
        new Color(44, 160, 44), new Color(148, 103, 189)};

    /**
     * Free energy profiles along an angle: x in degrees on [-180, 180], y in kT; non-finite F
     * (empty bins, and bins hidden for too few effective samples) are gaps; a series' band is drawn
     * as two thin dashed lines of its colour, and the subtitle says what was hidden.
     *
     * @param angleName the angle as the axis names it ("phi")
     */
    public static byte[] freeEnergyProfile(String title, String angleName, List<Series> series) {
        XYChart chart = chart(title, angleName + " (deg)", "free energy (kT)", series);
        chart.getStyler().setXAxisMin(-180.0).setXAxisMax(180.0).setXAxisDecimalPattern("0").setYAxisMin(0.0);
        chart.getStyler().setMarkerSize(5);
        double max = chart.getStyler().getYAxisMax(), min = 0;
        boolean banded = false;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            Color colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
            XYSeries curve = chart.getSeriesMap().get(s.name());
            curve.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(colour).setLineColor(colour);
            if (s.lower() == null) continue;
            banded = true;
            for (double[] edge : new double[][] {s.lower(), s.upper()}) {
                double[] y = edge.clone();
                for (int k = 0; k < y.length; k++) {
                    if (!Double.isFinite(y[k])) y[k] = Double.NaN;
                    else {
                        max = Math.max(max, y[k] * 1.05);
                        min = Math.min(min, y[k]); // a band reaches below the profile's zero
                    }
                }
                XYSeries line = chart.addSeries(s.name() + (edge == s.lower() ? " lower" : " upper"), s.x(), y);
                line.setMarker(SeriesMarkers.NONE).setLineColor(colour).setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
                line.setShowInLegend(false);
            }
        }
        chart.getStyler().setYAxisMax(max).setYAxisMin(min < 0 ? Math.floor(min * 2) / 2 : 0.0);
        if (banded) chart.setTitle(title + " (dashed: 95% band; gaps: ESS < " + format(FreeEnergyProfile.MIN_BIN_ESS) + ")");
        chart.getStyler().setLegendVisible(series.size() > 1);
        return png(chart);
    }

    /**
     * Histograms as step curves ({@link Series#histogram}) or any other curves sharing an x axis.
     *
     * @param xLabel the quantity and its unit ("potential energy (kJ/mol)")
     */
    public static byte[] histogram(String title, String xLabel, List<Series> series) {
        XYChart chart = chart(title, xLabel, "probability density", series);
        chart.getStyler().setYAxisMin(0.0);
        for (XYSeries s : chart.getSeriesMap().values()) {
            s.setMarker(SeriesMarkers.NONE);
        }
        return png(chart);
    }

    /** Curves with a marker at every point (a measured quantity against a run's size or index), y from 0. */
    public static byte[] points(String title, String xLabel, String yLabel, List<Series> series) {
        XYChart chart = chart(title, xLabel, yLabel, series);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setMarkerSize(7);
        for (int i = 0; i < series.size(); i++) {
            Color colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
            chart.getSeriesMap().get(series.get(i).name()).setMarker(SeriesMarkers.CIRCLE).setMarkerColor(colour).setLineColor(colour);
        }
        return png(chart);
    }

    private static XYChart chart(String title, String xLabel, String yLabel, List<Series> series) {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("a plot needs at least one series");
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE).setLegendVisible(series.size() > 1)
                .setChartBackgroundColor(Color.WHITE);
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[] y = s.y().clone();
            for (int i = 0; i < y.length; i++) {
                if (Double.isFinite(y[i])) {
                    max = Math.max(max, y[i]);
                } else {
                    y[i] = Double.NaN; // XChart draws NaN as a gap
                }
            }
            chart.addSeries(s.name(), s.x(), y);
        }
        if (max > Double.NEGATIVE_INFINITY) {
            chart.getStyler().setYAxisMax(max > 0 ? max * 1.05 : 1.0);
        } else {
            chart.getStyler().setYAxisMax(1.0); // nothing finite to show: keep the axes drawable
        }
        // XChart labels ticks at the data's own extremes with every digit; limits on multiples of
        // a round step and a pattern with that step's decimals give readable axes.
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.x()) {
                if (Double.isFinite(v)) {
                    xMin = Math.min(xMin, v);
                    xMax = Math.max(xMax, v);
                }
            }
        }
        if (xMax > xMin) {
            double step = niceStep((xMax - xMin) / 8);
            chart.getStyler().setXAxisMin(Math.floor(xMin / step) * step).setXAxisMax(Math.ceil(xMax / step) * step)
                    .setXAxisDecimalPattern(decimalPattern(step));
        }
        chart.getStyler().setYAxisDecimalPattern("0.###");
        return chart;
    }

    private static byte[] png(XYChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Top of the Ramachandran colour scale in kT: reweighted histograms have cells holding only
     * samples of negligible weight (hundreds of kT), which would squash every populated cell into
     * one colour; those are drawn in the top colour.
     */
    static final double RAMACHANDRAN_MAX_KT = 15;

    /** Cells with samples but too few effective ones to give a free energy. */
    static final Color HIDDEN_CELL = new Color(205, 205, 205);

    /**
     * The Ramachandran plot: the free energy -ln p(phi, psi) in kT of a histogram on
     * [-pi, pi]^2 as a colour map, phi across and psi up, both in degrees, empty cells white;
     * the colour scale runs from 0 to the highest finite F or {@link #RAMACHANDRAN_MAX_KT},
     * whichever is lower.
     */
    public static byte[] ramachandran(Histogram2D histogram, String title) {
        return ramachandran(histogram, null, 0, title);
    }

    /**
     * The Ramachandran plot with the cells whose effective number of samples ({@link
     * KishEss#perBin}, {@code cellEss[ix * bins + iy]}) is below {@code minCellEss} drawn in light
     * grey instead of a colour: their free energy is not known (a reweighted cell held by one
     * sample of negligible weight would otherwise sit hundreds of kT up). The map's zero is its
     * lowest shown cell.
     *
     * @param cellEss null to show every non-empty cell
     */
    public static byte[] ramachandran(Histogram2D histogram, double[] cellEss, double minCellEss, String title) {
        int left = 90, top = 60, size = 480, right = 170, bottom = 70;
        BufferedImage image = new BufferedImage(left + size + right, top + size + bottom, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());

            double[] f = histogram.freeEnergyKt();
            boolean anyHidden = false;
            if (cellEss != null) {
                double[] mass = histogram.mass();
                if (cellEss.length != mass.length) throw new IllegalArgumentException(cellEss.length + " cell ESS values for " + mass.length + " cells");
                double shift = Double.POSITIVE_INFINITY;
                for (int c = 0; c < mass.length; c++) if (mass[c] > 0 && cellEss[c] >= minCellEss) shift = Math.min(shift, -Math.log(mass[c]));
                for (int c = 0; c < mass.length; c++) {
                    boolean shown = mass[c] > 0 && cellEss[c] >= minCellEss;
                    f[c] = shown ? -Math.log(mass[c]) - shift : mass[c] > 0 ? Double.NaN : Double.POSITIVE_INFINITY;
                    anyHidden |= mass[c] > 0 && !shown;
                }
            }
            double fMax = 0;
            for (double v : f) {
                if (Double.isFinite(v)) {
                    fMax = Math.max(fMax, v);
                }
            }
            boolean capped = fMax > RAMACHANDRAN_MAX_KT;
            double scale = fMax > 0 ? Math.min(fMax, RAMACHANDRAN_MAX_KT) : 1;
            int bins = histogram.bins();
            double lo = Math.toDegrees(histogram.lo());
            double hi = Math.toDegrees(histogram.hi());
            for (int ix = 0; ix < bins; ix++) {
                int x0 = left + ix * size / bins;
                int x1 = left + (ix + 1) * size / bins;
                for (int iy = 0; iy < bins; iy++) {
                    double v = f[ix * bins + iy];
                    if (v == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    int y0 = top + size - (iy + 1) * size / bins;
                    int y1 = top + size - iy * size / bins;
                    g.setColor(Double.isNaN(v) ? HIDDEN_CELL : colour(v / scale));
                    g.fillRect(x0, y0, x1 - x0, y1 - y0);
                }
            }

            Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(left, top, size, size);
            g.setFont(tickFont);
            FontMetrics fm = g.getFontMetrics();
            for (int deg = -180; deg <= 180; deg += 60) {
                if (deg < lo - 1e-9 || deg > hi + 1e-9) {
                    continue;
                }
                int px = left + (int) Math.round((deg - lo) / (hi - lo) * size);
                int py = top + size - (int) Math.round((deg - lo) / (hi - lo) * size);
                String label = Integer.toString(deg);
                g.drawLine(px, top + size, px, top + size + 6);
                g.drawString(label, px - fm.stringWidth(label) / 2, top + size + 8 + fm.getAscent());
                g.drawLine(left - 6, py, left, py);
                g.drawString(label, left - 10 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
            }
            g.setFont(labelFont);
            fm = g.getFontMetrics();
            String xLabel = "phi (deg)";
            g.drawString(xLabel, left + size / 2 - fm.stringWidth(xLabel) / 2, top + size + 50);
            drawVertical(g, "psi (deg)", left - 55, top + size / 2);
            Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 16);
            g.setFont(titleFont);
            fm = g.getFontMetrics();
            g.drawString(title, (image.getWidth() - fm.stringWidth(title)) / 2, top - 25);

            // Colour bar: 0 kT at the bottom, the highest finite F (or the cap) at the top.
            int barX = left + size + 30, barW = 22;
            for (int p = 0; p < size; p++) {
                g.setColor(colour(1 - (p + 0.5) / size));
                g.fillRect(barX, top + p, barW, 1);
            }
            g.setColor(Color.BLACK);
            g.drawRect(barX, top, barW, size);
            g.setFont(tickFont);
            fm = g.getFontMetrics();
            double step = niceStep(scale / 5);
            for (double v = 0; v <= scale + 1e-9; v += step) {
                int py = top + size - (int) Math.round(v / scale * size);
                g.drawLine(barX + barW, py, barX + barW + 5, py);
                g.drawString(format(v), barX + barW + 8, py + fm.getAscent() / 2 - 1);
            }
            g.setFont(labelFont);
            drawVertical(g, "free energy (kT)", barX + barW + 65, top + size / 2);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("white: no samples", barX - 10, top + size + 50);
            int line = top + size + 65;
            if (anyHidden) {
                g.drawString("grey: ESS < " + format(minCellEss), barX - 10, line);
                line += 15;
            }
            if (capped) g.drawString("top colour: >= " + format(scale) + " kT", barX - 10, line);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void drawVertical(Graphics2D g, String text, int x, int yCentre) {
        AffineTransform saved = g.getTransform();
        g.translate(x, yCentre);
        g.rotate(-Math.PI / 2);
        g.drawString(text, -g.getFontMetrics().stringWidth(text) / 2, 0);
        g.setTransform(saved);
    }

    /** The colour of t in [0, 1] on the viridis scale, linearly between its nine points. */
    static Color colour(double t) {
        double u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int a = Math.min((int) Math.floor(u), VIRIDIS.length - 2);
        double s = u - a;
        int[] p = VIRIDIS[a];
        int[] q = VIRIDIS[a + 1];
        return new Color((int) Math.round(p[0] + s * (q[0] - p[0])), (int) Math.round(p[1] + s * (q[1] - p[1])),
                (int) Math.round(p[2] + s * (q[2] - p[2])));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    private static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= raw) {
                return m * power;
            }
        }
        return 10 * power;
    }

    /** A DecimalFormat pattern with as many decimals as {@code step} needs. */
    private static String decimalPattern(double step) {
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return decimals == 0 ? "0" : "0." + "0".repeat(decimals);
    }

    private static String format(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }
}
