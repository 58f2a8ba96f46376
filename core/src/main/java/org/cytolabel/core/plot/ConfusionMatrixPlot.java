package org.cytolabel.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.cytolabel.core.error.CytoLabelException;

/**
 * A row-normalised confusion matrix as a PNG heat map: true classes down the left (with their support), predicted
 * classes along the bottom, each cell coloured by the fraction of its row and labelled with that fraction and
 * the cell count (blank cells are zero; a class with no true cells has a grey row). Drawn with Java2D on an off-screen image, so it works with no display.
 */
public final class ConfusionMatrixPlot {
    private static final Color[] BLUES = {
        new Color(247, 251, 255), new Color(198, 219, 239), new Color(107, 174, 214),
        new Color(33, 113, 181), new Color(8, 48, 107)};
    private static final Color EMPTY_ROW = new Color(235, 235, 235);
    private static final int COLOR_BAR_AREA = 110;
    private static final int TITLE_AREA = 56;

    private ConfusionMatrixPlot() {
    }

    /** Size in pixels of the image written for this many classes: a square matrix area plus a colour bar. */
    public static Dimension imageSize(int classes) {
        int side = side(classes);
        return new Dimension(side + COLOR_BAR_AREA, side);
    }

    private static int side(int classes) {
        return Math.min(2400, Math.max(640, 300 + 60 * classes));
    }

    /**
     * Writes the plot.
     *
     * @param png        output file (parent directories are created)
     * @param confusion  {@code confusion[true][predicted]} counts, square, one row per class
     * @param classNames class names in matrix order
     * @param title      title drawn above the matrix
     */
    public static void write(Path png, int[][] confusion, List<String> classNames, String title) {
        validate(confusion, classNames);
        Png.requireNonEmptyTitle(title);
        int c = classNames.size();
        int side = side(c);
        BufferedImage img = new BufferedImage(side + COLOR_BAR_AREA, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            draw(g, confusion, classNames, title, side);
        } finally {
            g.dispose();
        }
        Png.write(img, png);
    }

    private static void draw(Graphics2D g, int[][] cm, List<String> names, String title, int side) {
        int c = names.size();
        long[] support = new long[c];
        for (int t = 0; t < c; t++) {
            for (int p = 0; p < c; p++) {
                support[t] += cm[t][p];
            }
        }
        int labelSize = Math.max(9, Math.min(15, 700 / Math.max(c, 1) / 3 + 8));
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, labelSize);
        g.setFont(labelFont);
        FontMetrics fm = g.getFontMetrics();
        int maxLabel = side * 3 / 10;
        String[] rowLabels = new String[c];
        String[] colLabels = new String[c];
        int rowWidth = 0;
        int colWidth = 0;
        for (int i = 0; i < c; i++) {
            rowLabels[i] = fit(names.get(i) + " (n=" + support[i] + ")", fm, maxLabel);
            colLabels[i] = fit(names.get(i), fm, maxLabel);
            rowWidth = Math.max(rowWidth, fm.stringWidth(rowLabels[i]));
            colWidth = Math.max(colWidth, fm.stringWidth(colLabels[i]));
        }
        int left = rowWidth + 44;
        int bottom = (int) (colWidth * Math.sqrt(0.5)) + fm.getHeight() + 40;
        int grid = Math.min(side - left - 16, side - TITLE_AREA - bottom);
        int cell = Math.max(1, grid / c);
        grid = cell * c;
        int x0 = left;
        int y0 = TITLE_AREA;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        centered(g, title, x0 + grid / 2, 34);

        Font valueFont = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(9, Math.min(16, cell / 4)));
        Font countFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(13, cell / 5)));
        for (int t = 0; t < c; t++) {
            for (int p = 0; p < c; p++) {
                int x = x0 + p * cell;
                int y = y0 + t * cell;
                double frac = support[t] == 0 ? 0 : (double) cm[t][p] / support[t];
                g.setColor(support[t] == 0 ? EMPTY_ROW : blues(frac));
                g.fillRect(x, y, cell, cell);
                if (cell >= 22 && cm[t][p] > 0) {
                    cellText(g, frac, cm[t][p], x, y, cell, valueFont, countFont);
                }
            }
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x0, y0, grid, grid);
        for (int k = 0; k < c; k++) {   // outline the diagonal: the right answers
            g.setColor(new Color(0, 0, 0, 70));
            g.drawRect(x0 + k * cell, y0 + k * cell, cell, cell);
        }

        g.setFont(labelFont);
        g.setColor(Color.BLACK);
        for (int i = 0; i < c; i++) {
            int cy = y0 + i * cell + cell / 2 + fm.getAscent() / 2 - 1;
            g.drawString(rowLabels[i], x0 - 6 - fm.stringWidth(rowLabels[i]), cy);
            AffineTransform saved = g.getTransform();
            g.translate(x0 + i * cell + cell / 2 + fm.getAscent() / 3, y0 + grid + 8);
            g.rotate(-Math.PI / 4);
            g.drawString(colLabels[i], -fm.stringWidth(colLabels[i]), 0);
            g.setTransform(saved);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        centered(g, "Predicted", x0 + grid / 2, Math.min(side - 10, y0 + grid + bottom - 12));
        AffineTransform saved = g.getTransform();
        g.translate(20, y0 + grid / 2);
        g.rotate(-Math.PI / 2);
        centered(g, "True", 0, 0);
        g.setTransform(saved);
        colorBar(g, side + 10, y0, Math.min(grid, 400));
    }

    private static void cellText(Graphics2D g, double frac, int count, int x, int y, int cell,
                                 Font valueFont, Font countFont) {
        g.setColor(frac > 0.5 ? Color.WHITE : Color.BLACK);
        String pct = frac < 0.005 ? "<1%" : String.format(Locale.ROOT, "%.0f%%", 100 * frac);
        g.setFont(valueFont);
        FontMetrics vf = g.getFontMetrics();
        boolean twoLines = cell >= 40;
        int cx = x + cell / 2;
        int baseline = twoLines ? y + cell / 2 - 1 : y + cell / 2 + vf.getAscent() / 2 - 1;
        centered(g, pct, cx, baseline);
        if (twoLines) {
            g.setFont(countFont);
            centered(g, String.valueOf(count), cx, baseline + g.getFontMetrics().getAscent() + 2);
        }
    }

    private static void colorBar(Graphics2D g, int x, int y, int h) {
        int w = 18;
        for (int i = 0; i < h; i++) {
            g.setColor(blues(1.0 - (double) i / (h - 1)));
            g.fillRect(x, y + i, w, 1);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(x, y, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (int k = 0; k <= 4; k++) {
            int ty = y + h - k * h / 4;
            g.drawLine(x + w, ty, x + w + 4, ty);
            g.drawString(String.format(Locale.ROOT, "%.2f", k / 4.0), x + w + 7, ty + fm.getAscent() / 2 - 1);
        }
        g.drawString("row fraction", x - 4, y + h + 20);
    }

    /** Matplotlib's "Blues" colour map, piecewise linear over five stops. */
    static Color blues(double v) {
        double t = Math.max(0, Math.min(1, v)) * (BLUES.length - 1);
        int i = Math.min(BLUES.length - 2, (int) t);
        double f = t - i;
        Color a = BLUES[i];
        Color b = BLUES[i + 1];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    private static String fit(String s, FontMetrics fm, int maxWidth) {
        if (fm.stringWidth(s) <= maxWidth) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "\u2026") > maxWidth) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "\u2026";
    }

    private static void validate(int[][] cm, List<String> names) {
        int c = names.size();
        if (c == 0) {
            throw CytoLabelException.invalid("no classes to plot; pass at least one class name");
        }
        if (cm.length != c) {
            throw CytoLabelException.invalid("confusion matrix has " + cm.length + " rows but there are " + c
                    + " class names; pass a C x C matrix in class-name order");
        }
        for (int[] row : cm) {
            if (row.length != c) {
                throw CytoLabelException.invalid("confusion matrix row has " + row.length + " columns, expected "
                        + c + "; pass a square C x C matrix");
            }
            for (int v : row) {
                if (v < 0) {
                    throw CytoLabelException.invalid("confusion matrix has a negative count " + v
                            + "; cells must be counts of predictions");
                }
            }
        }
    }
}
