package org.cytolabel.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.core.metrics.ReliabilityCurve;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each plot writes a PNG that decodes to the documented size and has something drawn on it. */
class PlotTest {
    private static final List<String> SORTED_PBMC = List.of("bcells", "cytotoxict", "memoryt", "monocytes",
            "naivecytotoxic", "naivet", "nk", "regulatoryt", "thelper");

    @Test
    void confusionMatrix(@TempDir Path dir) throws IOException {
        int c = SORTED_PBMC.size();
        int[][] cm = new int[c][c];
        for (int t = 0; t < c; t++) {
            for (int p = 0; p < c; p++) {
                cm[t][p] = t == p ? 40 + 5 * t : (t + p) % 3;
            }
        }
        Path png = dir.resolve("sub/confusion.png");
        ConfusionMatrixPlot.write(png, cm, SORTED_PBMC, "Sorted PBMC, test split");
        BufferedImage img = decode(png);
        Dimension d = ConfusionMatrixPlot.imageSize(c);
        assertEquals(d.width, img.getWidth());
        assertEquals(d.height, img.getHeight());
        assertTrue(fractionNotWhite(img) > 0.2, "the matrix should cover a good part of the image");
        assertTrue(countDarkBlue(img) > 9 * 200, "nine mostly-right rows should give nine dark diagonal cells");
    }

    @Test
    void confusionMatrixWithEmptyRowAndManyClasses(@TempDir Path dir) throws IOException {
        int c = 40;
        int[][] cm = new int[c][c];
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < c; i++) {
            names.add("a rather long cell type name number " + i);
            if (i != 7) {
                cm[i][i] = 10;
                cm[i][(i + 1) % c] = 3;
            }
        }
        Path png = dir.resolve("many.png");
        ConfusionMatrixPlot.write(png, cm, names, "");
        assertEquals(ConfusionMatrixPlot.imageSize(c).width, decode(png).getWidth());
    }

    @Test
    void confusionMatrixShapeIsChecked(@TempDir Path dir) {
        var e = assertThrows(CytoLabelException.class,
                () -> ConfusionMatrixPlot.write(dir.resolve("x.png"), new int[2][2], List.of("a", "b", "c"), "t"));
        assertTrue(e.getMessage().contains("3 class names"), e.getMessage());
    }

    @Test
    void reliabilityDiagram(@TempDir Path dir) throws IOException {
        int n = 500;
        float[] conf = new float[n];
        boolean[] ok = new boolean[n];
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            conf[i] = 0.3f + 0.7f * (float) Math.sqrt(rnd.nextDouble());
            ok[i] = rnd.nextDouble() < conf[i] - 0.1;   // over-confident by about 0.1
        }
        ReliabilityCurve curve = Metrics.reliability(conf, ok, Metrics.DEFAULT_BINS);
        Path png = dir.resolve("reliability.png");
        ReliabilityDiagram.write(png, curve, "MLP on S2 (Kang stim)");
        BufferedImage img = decode(png);
        assertEquals(ReliabilityDiagram.WIDTH, img.getWidth());
        assertEquals(ReliabilityDiagram.HEIGHT, img.getHeight());
        assertTrue(fractionNotWhite(img) > 0.05);
        assertTrue(countDarkBlue(img) > 1000, "accuracy bars");
    }

    @Test
    void trainingCurves(@TempDir Path dir) throws IOException {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train loss", new double[] {2.1, 1.4, 1.0, 0.8, 0.7, 0.65});
        series.put("validation macro-F1", new double[] {Double.NaN, 0.41, 0.6, 0.71, 0.74, 0.75});
        Path png = dir.resolve("curves.png");
        TrainingCurvePlot.write(png, series, "scTab on S1", "epoch");
        BufferedImage img = decode(png);
        assertEquals(TrainingCurvePlot.WIDTH, img.getWidth());
        assertEquals(TrainingCurvePlot.HEIGHT, img.getHeight());
        assertTrue(fractionNotWhite(img) > 0.01);
        assertThrows(CytoLabelException.class,
                () -> TrainingCurvePlot.write(dir.resolve("none.png"), Map.of(), "t", "epoch"));
    }

    private static BufferedImage decode(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " is not a readable PNG");
        return img;
    }

    private static double fractionNotWhite(BufferedImage img) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    n++;
                }
            }
        }
        return (double) n / ((long) img.getWidth() * img.getHeight());
    }

    private static long countDarkBlue(BufferedImage img) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (b > 100 && r < 80 && g < 150 && b > r + 60) {
                    n++;
                }
            }
        }
        return n;
    }
}
