package org.cytolabel.inference.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.ontology.LabelMap;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.proto.model.v1.Label;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.Preprocessing;
import org.cytolabel.proto.model.v1.TensorSpec;

/**
 * A real, small model for the tests: a nearest-centroid classifier of the FACS-sorted PBMC cells.
 * Class centroids of log1p(CPM 1e4) on a seeded stratified 80% split become a linear layer
 * {@code W = mu, b = -|mu|^2 / 2} (argmax = nearest centroid), scaled by a temperature fitted on the
 * training cells (least NLL over a grid), then softmax.
 */
public final class PbmcCentroidModel {
    public static final String DATASET = "zheng2017_sorted_MUDAN";
    public static final String LABEL_COLUMN = "cell_type";
    private static final double[] SCALES = {0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5};
    private static PbmcCentroidModel instance;

    public final CellDataset data;
    public final CellDataset train;
    public final CellDataset test;
    public final List<String> classes;
    public final List<Label> labels;
    public final byte[] onnx;
    public final double scale;

    private PbmcCentroidModel() {
        data = org.cytolabel.core.data.DatasetReader.read(TestData.file(TestData.SORTED_PBMC));
        int[][] split = stratifiedSplit(data.obsColumn(LABEL_COLUMN), 0.2, 0);
        train = data.selectCells(split[0]);
        test = data.selectCells(split[1]);
        classes = data.obsColumn(LABEL_COLUMN).stream().distinct().sorted().toList();
        LabelMap map = LabelMap.load(TestData.file(TestData.LABEL_TO_CL));
        labels = classes.stream().map(c -> Label.newBuilder().setName(c)
                .setCellOntologyId(map.clId(DATASET, c).orElseThrow()).build()).toList();
        int genes = data.genes().size();
        double[][] mu = centroids(train, classes);
        double[] bias = new double[classes.size()];
        for (int c = 0; c < mu.length; c++) {
            bias[c] = -0.5 * Arrays.stream(mu[c]).map(v -> v * v).sum();
        }
        scale = fitScale(train, classes, mu, bias);
        float[] w = new float[classes.size() * genes];
        float[] b = new float[classes.size()];
        for (int c = 0; c < mu.length; c++) {
            for (int g = 0; g < genes; g++) {
                w[c * genes + g] = (float) (scale * mu[c][g]);
            }
            b[c] = (float) (scale * bias[c]);
        }
        onnx = LinearSoftmaxOnnx.build(w, b, genes);
    }

    public static synchronized PbmcCentroidModel get() {
        if (instance == null) {
            instance = new PbmcCentroidModel();
        }
        return instance;
    }

    /** The card to publish as {@code name} (sha256 and size still to be filled by withDigest). */
    public ModelCard card(String name) {
        int genes = data.genes().size();
        return ModelCard.newBuilder()
                .setName(name)
                .setModelKind("nearest_centroid")
                .putHyperParameters("softmax_scale", Double.toString(scale))
                .setGenePanel(new GenePanel(data.genes()).toProto())
                .addAllLabels(labels)
                .setPreprocessing(Preprocessing.newBuilder().setInput("raw_counts")
                        .setTargetSum(ArtifactContract.TARGET_SUM).setLog1P(true))
                .addInputs(TensorSpec.newBuilder().setName(ArtifactContract.INPUT_COUNTS).setDtype("float32")
                        .addShape(-1).addShape(genes))
                .addOutputs(TensorSpec.newBuilder().setName(ArtifactContract.OUTPUT_PROBABILITIES)
                        .setDtype("float32").addShape(-1).addShape(classes.size()))
                .setSeed(0)
                .setDescription("nearest-centroid test model of the sorted PBMC cells")
                .build();
    }

    /** Row indices {train, test}: per class, a seeded shuffle with the first {@code testFraction} held out. */
    static int[][] stratifiedSplit(List<String> y, double testFraction, long seed) {
        Map<String, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < y.size(); i++) {
            byClass.computeIfAbsent(y.get(i), k -> new ArrayList<>()).add(i);
        }
        Random rnd = new Random(seed);
        List<Integer> tr = new ArrayList<>();
        List<Integer> te = new ArrayList<>();
        for (List<Integer> rows : byClass.values()) {
            java.util.Collections.shuffle(rows, rnd);
            int nTest = (int) Math.round(rows.size() * testFraction);
            te.addAll(rows.subList(0, nTest));
            tr.addAll(rows.subList(nTest, rows.size()));
        }
        tr.sort(null);
        te.sort(null);
        return new int[][] {tr.stream().mapToInt(Integer::intValue).toArray(),
            te.stream().mapToInt(Integer::intValue).toArray()};
    }

    /** log1p(counts / max(total, 1) * 1e4) of one row, as (column, value) pairs in the row's order. */
    static float[] log1pRow(CsrMatrix m, int row) {
        float total = 0;
        for (int k = m.indptr()[row]; k < m.indptr()[row + 1]; k++) {
            total += m.values()[k];
        }
        float size = Math.max(total, 1f);
        float[] out = new float[m.indptr()[row + 1] - m.indptr()[row]];
        for (int k = m.indptr()[row]; k < m.indptr()[row + 1]; k++) {
            out[k - m.indptr()[row]] = (float) Math.log(m.values()[k] / size * ArtifactContract.TARGET_SUM + 1f);
        }
        return out;
    }

    private static double[][] centroids(CellDataset d, List<String> classes) {
        int genes = d.genes().size();
        double[][] mu = new double[classes.size()][genes];
        int[] n = new int[classes.size()];
        List<String> y = d.obsColumn(LABEL_COLUMN);
        CsrMatrix m = d.counts();
        for (int r = 0; r < m.rows(); r++) {
            int c = classes.indexOf(y.get(r));
            n[c]++;
            float[] x = log1pRow(m, r);
            for (int k = m.indptr()[r]; k < m.indptr()[r + 1]; k++) {
                mu[c][m.indices()[k]] += x[k - m.indptr()[r]];
            }
        }
        for (int c = 0; c < mu.length; c++) {
            for (int g = 0; g < genes; g++) {
                mu[c][g] /= n[c];
            }
        }
        return mu;
    }

    private static double fitScale(CellDataset d, List<String> classes, double[][] mu, double[] bias) {
        List<String> y = d.obsColumn(LABEL_COLUMN);
        CsrMatrix m = d.counts();
        double[][] logits = new double[m.rows()][classes.size()];
        for (int r = 0; r < m.rows(); r++) {
            float[] x = log1pRow(m, r);
            for (int c = 0; c < classes.size(); c++) {
                double s = bias[c];
                for (int k = m.indptr()[r]; k < m.indptr()[r + 1]; k++) {
                    s += mu[c][m.indices()[k]] * x[k - m.indptr()[r]];
                }
                logits[r][c] = s;
            }
        }
        double best = SCALES[0];
        double bestNll = Double.POSITIVE_INFINITY;
        for (double s : SCALES) {
            double nll = 0;
            for (int r = 0; r < logits.length; r++) {
                double max = Arrays.stream(logits[r]).max().orElseThrow();
                double z = 0;
                for (double l : logits[r]) {
                    z += Math.exp(s * (l - max));
                }
                nll -= s * (logits[r][classes.indexOf(y.get(r))] - max) - Math.log(z);
            }
            if (nll < bestNll) {
                bestNll = nll;
                best = s;
            }
        }
        return best;
    }
}
