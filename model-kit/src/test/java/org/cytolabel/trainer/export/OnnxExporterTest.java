package org.cytolabel.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.Preprocessing;
import org.cytolabel.trainer.train.ClassifierWeights;
import org.cytolabel.trainer.train.ClassifierWeights.BatchNorm;
import org.cytolabel.trainer.train.ClassifierWeights.DenseLayer;
import org.junit.jupiter.api.Test;

/** The exported graphs run in ONNX Runtime against values computed by hand in double precision. */
class OnnxExporterTest {
    private static final float[][] COUNTS = {{1, 2, 4}, {0, 0, 0}, {0.5f, 0, 0}, {3, 0, 9}};

    @Test
    void preprocessingIsLog1pOfCountsScaledTo1e4() {
        float[][] out;
        try (OnnxRunner runner = new OnnxRunner(Preprocessing.standaloneModel(3))) {
            out = runner.output(csr(COUNTS), "normalized");
        }
        for (int i = 0; i < COUNTS.length; i++) {
            double[] expected = normalized(COUNTS[i]);
            for (int g = 0; g < 3; g++) {
                assertEquals(expected[g], out[i][g], 1e-6, "cell " + i + " gene " + g);
            }
        }
        assertEquals(List.of(0f, 0f, 0f), List.of(out[1][0], out[1][1], out[1][2]), "an all-zero cell stays 0, no NaN");
        assertEquals(Math.log1p(0.5 * 1e4), out[2][0], 1e-6, "a total below 1 is divided by 1, not scaled up to 1e4");
    }

    @Test
    void handMadeNetworkMatchesTheJavaReference() {
        ClassifierWeights weights = tinyMlp();
        byte[] onnx = OnnxExporter.export(weights, 3, 2, "tiny");
        float[][] probs;
        try (OnnxRunner runner = new OnnxRunner(onnx)) {
            probs = runner.probabilities(csr(COUNTS));
        }
        for (int i = 0; i < COUNTS.length; i++) {
            double[] expected = forward(weights, normalized(COUNTS[i]));
            assertEquals(expected[0], probs[i][0], 1e-6, "cell " + i);
            assertEquals(expected[1], probs[i][1], 1e-6, "cell " + i);
        }
        assertEquals(List.of(probs[0][0], probs[0][1]), List.of(OnnxRunner.run(onnx, csr(COUNTS))[0][0],
                OnnxRunner.run(onnx, csr(COUNTS))[0][1]));
    }

    @Test
    void graphFollowsTheArtifactContract() throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(OnnxExporter.export(tinyMlp(), 3, 2, "pbmc-tiny"));
        assertEquals(ArtifactContract.IR_VERSION, m.getIrVersion());
        assertEquals(ArtifactContract.OPSET, m.getOpsetImport(0).getVersion());
        Map<String, String> meta = m.getMetadataPropsList().stream()
                .collect(Collectors.toMap(OnnxMl.StringStringEntryProto::getKey, OnnxMl.StringStringEntryProto::getValue));
        assertEquals("pbmc-tiny", meta.get(ArtifactContract.META_MODEL_NAME));
        assertEquals("mlp", meta.get(ArtifactContract.META_MODEL_KIND));
        assertEquals(ArtifactContract.PREPROCESSING, meta.get(ArtifactContract.META_PREPROCESSING));
        OnnxMl.GraphProto g = m.getGraph();
        assertEquals(List.of(ArtifactContract.INPUT_COUNTS), g.getInputList().stream().map(v -> v.getName()).toList());
        assertEquals(List.of(ArtifactContract.OUTPUT_PROBABILITIES, ArtifactContract.OUTPUT_UNCERTAINTY),
                g.getOutputList().stream().map(v -> v.getName()).toList());
        assertEquals("N", g.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(2, g.getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        List<String> ops = g.getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
        assertEquals(List.of("ReduceSum", "Max", "Div", "Mul", "Add", "Log", "Gemm", "BatchNormalization", "Relu",
                "Gemm", "Softmax", "Identity", "ReduceMax", "Sub", "Identity"), ops);
    }

    @Test
    void uncertaintyIsOneMinusTheTopProbability() {
        try (OnnxRunner runner = new OnnxRunner(OnnxExporter.export(tinyMlp(), 3, 2, "tiny"))) {
            float[][] p = runner.probabilities(csr(COUNTS));
            float[][] u = runner.output(csr(COUNTS), ArtifactContract.OUTPUT_UNCERTAINTY);
            for (int i = 0; i < COUNTS.length; i++) {
                assertEquals(1, u[i].length);
                assertEquals(1 - Math.max(p[i][0], p[i][1]), u[i][0], 1e-7);
            }
        }
    }

    @Test
    void mismatchedShapesAreRefused() {
        var e = assertThrows(CytoLabelException.class, () -> OnnxExporter.export(tinyMlp(), 4, 2, "x"));
        assertTrue(e.getMessage().contains("3 genes"), e.getMessage());
    }

    /** 3 genes -> 2 hidden (BN, ReLU) -> 2 classes, with weights that make every unit matter. */
    static ClassifierWeights tinyMlp() {
        DenseLayer hidden = new DenseLayer(3, 2, new float[] {0.5f, -0.25f, 0.1f, -0.3f, 0.2f, 0.4f},
                new float[] {0.05f, -0.1f}, new BatchNorm(new float[] {1.5f, 0.7f}, new float[] {0.1f, -0.2f},
                        new float[] {0.3f, 1.2f}, new float[] {0.8f, 2.5f}, 1e-5f), true);
        DenseLayer head = new DenseLayer(2, 2, new float[] {1.2f, -0.7f, -0.4f, 0.9f}, new float[] {0.2f, -0.1f},
                null, false);
        return new ClassifierWeights("mlp", 3, 2, List.of(hidden, head));
    }

    static double[] normalized(float[] counts) {
        double sum = 0;
        for (float c : counts) {
            sum += c;
        }
        double size = Math.max(sum, 1);
        double[] out = new double[counts.length];
        for (int g = 0; g < counts.length; g++) {
            out[g] = Math.log1p(counts[g] / size * 1e4);
        }
        return out;
    }

    static double[] forward(ClassifierWeights w, double[] x) {
        for (DenseLayer l : w.layers()) {
            double[] y = new double[l.outputs()];
            for (int o = 0; o < l.outputs(); o++) {
                double s = l.bias()[o];
                for (int i = 0; i < l.inputs(); i++) {
                    s += l.weight()[o * l.inputs() + i] * x[i];
                }
                if (l.batchNorm() != null) {
                    BatchNorm bn = l.batchNorm();
                    s = (s - bn.mean()[o]) / Math.sqrt(bn.variance()[o] + bn.epsilon()) * bn.gamma()[o] + bn.beta()[o];
                }
                y[o] = l.relu() ? Math.max(0, s) : s;
            }
            x = y;
        }
        double max = Math.max(x[0], x[1]);
        double z = 0;
        for (double v : x) {
            z += Math.exp(v - max);
        }
        double[] p = new double[x.length];
        for (int c = 0; c < x.length; c++) {
            p[c] = Math.exp(x[c] - max) / z;
        }
        return p;
    }

    static CsrMatrix csr(float[][] dense) {
        int cols = dense[0].length;
        int[] ptr = new int[dense.length + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int r = 0; r < dense.length; r++) {
            for (int c = 0; c < cols; c++) {
                if (dense[r][c] != 0) {
                    idx.add(c);
                    val.add(dense[r][c]);
                }
            }
            ptr[r + 1] = idx.size();
        }
        float[] v = new float[val.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = val.get(i);
        }
        return new CsrMatrix(dense.length, cols, ptr, idx.stream().mapToInt(i -> i).toArray(), v);
    }
}
