package org.cytolabel.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.Locale;

import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.metrics.ReliabilityCurve;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A reliability diagram as a PNG: per confidence bin, a bar up to the bin's accuracy, a marker at its mean
 * confidence, the share of predictions in the bin as a grey bar, and the diagonal of perfect calibration.
 * The ECE and the number of predictions go in the title. Empty bins draw no bar.
 */
public final class ReliabilityDiagram {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 640;
    private static final Color BAR = new Color(33, 113, 181, 200);
    private static final Color SHARE = new Color(120, 120, 120, 110);
    private static final Color CONFIDENCE = new Color(203, 24, 29);

    private ReliabilityDiagram() {
    }

    /** Writes the diagram to {@code png} ({@value #WIDTH} x {@value #HEIGHT} pixels). */
    public static void write(Path png, ReliabilityCurve curve, String title) {
        Png.requireNonEmptyTitle(title);
        int bins = curve.bins();
        int total = curve.total();
        if (bins == 0 || total == 0) {
            throw CytoLabelException.invalid("reliability curve has no predictions; compute it with"
                    + " Metrics.reliability on at least one cell");
        }
        String fullTitle = String.format(Locale.ROOT, "%s%sECE = %.4f (n = %d, %d bins)",
                title, title.isEmpty() ? "" : " \u2014 ", curve.ece(), total, bins);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(fullTitle)
                .xAxisTitle("Confidence").yAxisTitle("Accuracy").build();
        style(chart);

        double w = 1.0 / bins;
        boolean first = true;
        for (int b = 0; b < bins; b++) {
            if (curve.counts()[b] == 0) {
                continue;
            }
            double lo = b * w + w * 0.06;
            double hi = (b + 1) * w - w * 0.06;
            bar(chart, "accuracy", "acc" + b, lo, hi, curve.accuracy()[b], BAR, first);
            bar(chart, "share of predictions", "share" + b, lo + w * 0.25, hi - w * 0.25,
                    (double) curve.counts()[b] / total, SHARE, first);
            first = false;
        }
        double[] cx = nonEmpty(curve, curve.meanConfidence());
        double[] cy = nonEmpty(curve, curve.accuracy());
        XYSeries conf = chart.addSeries("accuracy at mean confidence", cx, cy);
        conf.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        conf.setMarker(SeriesMarkers.DIAMOND).setMarkerColor(CONFIDENCE);

        XYSeries diagonal = chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1});
        diagonal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        diagonal.setMarker(SeriesMarkers.NONE);
        diagonal.setLineColor(Color.DARK_GRAY);
        diagonal.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 5f}, 0f));
        Png.write(BitmapEncoder.getBufferedImage(chart), png);
    }

    private static void bar(XYChart chart, String label, String name, double lo, double hi, double height,
                                Color color, boolean inLegend) {
        XYSeries s = chart.addSeries(inLegend ? label : name,
                new double[] {lo, lo, hi, hi}, new double[] {0, height, height, 0});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        s.setMarker(SeriesMarkers.NONE);
        s.setFillColor(color);
        s.setLineColor(color.darker());
        s.setLineWidth(0.8f);
        s.setShowInLegend(inLegend);
    }

    private static double[] nonEmpty(ReliabilityCurve curve, double[] values) {
        int n = 0;
        for (int c : curve.counts()) {
            n += c > 0 ? 1 : 0;
        }
        double[] out = new double[n];
        int k = 0;
        for (int b = 0; b < curve.bins(); b++) {
            if (curve.counts()[b] > 0) {
                out[k++] = values[b];
            }
        }
        return out;
    }

    private static void style(XYChart chart) {
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        st.setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        st.setMarkerSize(9);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setAntiAlias(true);
    }
}
