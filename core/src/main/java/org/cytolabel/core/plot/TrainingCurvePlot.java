package org.cytolabel.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.Map;

import org.cytolabel.core.error.CytoLabelException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves as a PNG: one line per named series (loss, validation macro-F1, ...) over epochs 1, 2, ....
 * NaN values (e.g. epochs without validation) leave a gap.
 */
public final class TrainingCurvePlot {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;
    private static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207)};

    private TrainingCurvePlot() {
    }

    /**
     * Writes the plot to {@code png} ({@value #WIDTH} x {@value #HEIGHT} pixels).
     *
     * @param seriesByName values per epoch for each series, drawn in the map's iteration order
     * @param xLabel       x-axis title, e.g. "epoch"
     */
    public static void write(Path png, Map<String, double[]> seriesByName, String title, String xLabel) {
        Png.requireNonEmptyTitle(title);
        if (seriesByName == null || seriesByName.isEmpty()) {
            throw CytoLabelException.invalid("no series to plot; pass at least one named series of per-epoch values");
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xLabel == null ? "" : xLabel).yAxisTitle("").build();
        style(chart);
        int longest = 0;
        int k = 0;
        for (Map.Entry<String, double[]> e : seriesByName.entrySet()) {
            double[] y = e.getValue();
            if (y == null || y.length == 0) {
                throw CytoLabelException.invalid("series '" + e.getKey() + "' has no values; drop it or pass one"
                        + " value per epoch");
            }
            for (double v : y) {
                if (Double.isInfinite(v)) {
                    throw CytoLabelException.invalid("series '" + e.getKey() + "' has an infinite value;"
                            + " training probably diverged: plot finite values (NaN leaves a gap)");
                }
            }
            double[] x = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                x[i] = i + 1;
            }
            longest = Math.max(longest, y.length);
            XYSeries s = chart.addSeries(e.getKey(), x, y.clone());
            Color color = PALETTE[k++ % PALETTE.length];
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setLineStyle(new BasicStroke(2f));
            s.setMarker(y.length <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        if (longest <= 20) {
            chart.getStyler().setXAxisDecimalPattern("0");
        }
        Png.write(BitmapEncoder.getBufferedImage(chart), png);
    }

    private static void style(XYChart chart) {
        var st = chart.getStyler();
        st.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setMarkerSize(5);
        st.setAntiAlias(true);
    }
}
