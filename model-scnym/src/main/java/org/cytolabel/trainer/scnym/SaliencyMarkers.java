package org.cytolabel.trainer.scnym;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Per class, the mean saliency of each gene over the cells of that class the model classifies
 * correctly: genes whose expression most raises the class's logit rank first (signed mean,
 * descending). Classes with no correctly classified cell have no ranking.
 *
 * @param classNames  label names by class id
 * @param genes       gene symbols by column
 * @param meanByClass per class, the mean saliency per gene, or null when no cell qualified
 * @param cellsByClass per class, how many cells were averaged
 */
public record SaliencyMarkers(List<String> classNames, List<String> genes, double[][] meanByClass,
        int[] cellsByClass) {
    /** Genes per class in the TSV attachment. */
    public static final int TOP = 50;

    /** Averages {@code saliency} rows over cells with {@code truth == predicted == c} for each class c. */
    public static SaliencyMarkers of(float[][] saliency, int[] truth, int[] predicted, List<String> classNames,
            List<String> genes) {
        int classes = classNames.size();
        double[][] sums = new double[classes][];
        int[] n = new int[classes];
        for (int i = 0; i < saliency.length; i++) {
            if (truth[i] != predicted[i]) {
                continue;
            }
            int c = truth[i];
            if (sums[c] == null) {
                sums[c] = new double[genes.size()];
            }
            for (int g = 0; g < genes.size(); g++) {
                sums[c][g] += saliency[i][g];
            }
            n[c]++;
        }
        for (int c = 0; c < classes; c++) {
            if (sums[c] != null) {
                for (int g = 0; g < genes.size(); g++) {
                    sums[c][g] /= n[c];
                }
            }
        }
        return new SaliencyMarkers(List.copyOf(classNames), List.copyOf(genes), sums, n);
    }

    /** Gene columns of class {@code c} by descending mean saliency; empty when it has none. */
    public int[] ranking(int c) {
        double[] mean = meanByClass[c];
        if (mean == null) {
            return new int[0];
        }
        return IntStream.range(0, mean.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(g -> -mean[g]).thenComparingInt(g -> g))
                .mapToInt(i -> i).toArray();
    }

    /**
     * The 1-based rank of {@code gene} (case-insensitive symbol) in class {@code className}'s
     * ranking; -1 when the class or gene is absent or the class has no ranking.
     */
    public int rank(String className, String gene) {
        int c = classNames.indexOf(className);
        int g = -1;
        for (int j = 0; j < genes.size(); j++) {
            if (genes.get(j).equalsIgnoreCase(gene)) {
                g = j;
                break;
            }
        }
        if (c < 0 || g < 0) {
            return -1;
        }
        int[] order = ranking(c);
        for (int r = 0; r < order.length; r++) {
            if (order[r] == g) {
                return r + 1;
            }
        }
        return -1;
    }

    /** The marker table: header {@code class rank gene mean_saliency}, the top {@code top} genes per class. */
    public byte[] toTsv(int top) {
        StringBuilder sb = new StringBuilder("class\trank\tgene\tmean_saliency\n");
        for (int c = 0; c < classNames.size(); c++) {
            int[] order = ranking(c);
            for (int r = 0; r < Math.min(top, order.length); r++) {
                sb.append(classNames.get(c)).append('\t').append(r + 1).append('\t').append(genes.get(order[r]))
                        .append('\t').append(String.format(Locale.ROOT, "%.6g", meanByClass[c][order[r]])).append('\n');
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The top {@code k} gene symbols of a class (fewer when it has no ranking). */
    public List<String> top(String className, int k) {
        int c = classNames.indexOf(className);
        List<String> out = new ArrayList<>();
        if (c < 0) {
            return out;
        }
        int[] order = ranking(c);
        for (int r = 0; r < Math.min(k, order.length); r++) {
            out.add(genes.get(order[r]));
        }
        return out;
    }
}
