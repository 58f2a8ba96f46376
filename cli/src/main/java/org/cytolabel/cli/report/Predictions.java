package org.cytolabel.cli.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cytolabel.trainer.eval.BenchmarkSplit;

/** Raw predictions of one run: per test cell its truth, the predicted class and every probability. */
final class Predictions {
    private Predictions() {
    }

    static void write(Path csv, BenchmarkSplit split, float[][] probabilities) {
        List<String> classes = split.data().classNames();
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("cell,true_cl_id,true_label,predicted_label,probability");
            for (String c : classes) {
                w.write(",p_" + c.replace(',', ';'));
            }
            w.newLine();
            for (int i = 0; i < probabilities.length; i++) {
                float[] p = probabilities[i];
                int best = 0;
                for (int c = 1; c < p.length; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                int t = split.testTruth()[i];
                w.write(i + "," + split.testClIds().get(i) + "," + (t >= 0 ? quote(classes.get(t)) : "") + ","
                        + quote(classes.get(best)) + "," + String.format(Locale.ROOT, "%.6f", p[best]));
                for (float v : p) {
                    w.write(String.format(Locale.ROOT, ",%.6g", v));
                }
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv, e);
        }
    }

    private static String quote(String s) {
        return s.contains(",") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
