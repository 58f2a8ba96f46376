package org.cytolabel.trainer.sctab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.SplitScore;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.export.OnnxRunner;
import org.cytolabel.trainer.export.ParityCheck;
import org.cytolabel.trainer.export.ParityResult;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real-data fits on Kang control -> stimulated (676 training cells, 1267 genes), exports and parity. */
class ScTabModelTest {
    /** Test-cell (stimulated) macro-F1 floor after 5 epochs; measured 0.633 with seed 0. */
    private static final double F1_FLOOR = 0.55;
    private static BenchmarkSplit split;

    @BeforeAll
    static void load() {
        split = StandardSplits.kangCtrlToStim(TestData.root(), 0);
    }

    private static ScTabModel fit(Map<String, String> overrides) {
        var f = ModelFamilies.get("sctab");
        return (ScTabModel) f.fit(split.data(), HyperParameters.of("sctab", f.defaults(), overrides), r -> { });
    }

    @Test
    void shortFitLearnsAndExportMatchesDjlWithExactlySparseMask() {
        try (ScTabModel model = fit(Map.of("epochs", "5"))) {
            CsrMatrix cells = split.testCounts().sliceRows(0, 200);
            for (Entmax15.Method method : Entmax15.Method.values()) {
                byte[] onnx = model.exportOnnx("test", method);
                ParityResult parity = ParityCheck.compare(model, onnx, cells);
                ParityCheck.require(parity, 1e-4);
                assertTrue(parity.auxiliary().get("mask") <= 1e-5, method + " mask " + parity.auxiliary());
            }
            byte[] onnx = model.exportOnnx("test");
            float[][] djlMask = model.predict(cells).masks();
            try (OnnxRunner runner = new OnnxRunner(onnx)) {
                float[][] mask = runner.output(cells, ArtifactContract.OUTPUT_MASK);
                float[][] u = runner.output(cells, ArtifactContract.OUTPUT_UNCERTAINTY);
                float[][] p = runner.probabilities(cells);
                long zeros = 0;
                for (int i = 0; i < cells.rows(); i++) {
                    double sum = 0;
                    float max = 0;
                    for (int j = 0; j < mask[i].length; j++) {
                        assertEquals(djlMask[i][j] == 0f, mask[i][j] == 0f, "same support, cell " + i + " gene " + j);
                        zeros += mask[i][j] == 0f ? 1 : 0;
                        sum += mask[i][j];
                    }
                    for (float v : p[i]) {
                        max = Math.max(max, v);
                    }
                    assertEquals(1.0, sum, 1e-4);
                    assertEquals(1f - max, u[i][0], 1e-6f);
                }
                assertTrue(zeros > 0.9 * cells.rows() * cells.cols(), "the mask is sparse: " + zeros);
            }
            SplitScore score;
            try (OnnxRunner runner = new OnnxRunner(onnx)) {
                score = SplitScore.of(split, runner.probabilities(split.testCounts()));
            }
            assertTrue(score.macroF1() > F1_FLOOR, "macro-F1 " + score.macroF1());
        }
    }

    @Test
    void ensembleGraphOutputsTheMeanOfItsMembers() throws Exception {
        try (ScTabModel model = fit(Map.of("epochs", "1", "ensemble", "2"))) {
            assertEquals(2, model.members());
            CsrMatrix cells = split.testCounts().sliceRows(0, 100);
            byte[] onnx = model.exportOnnx("ensemble");
            ParityCheck.require(ParityCheck.compare(model, onnx, cells), 1e-4);
            float[][][] members = model.memberProbabilities(cells);
            try (OnnxRunner runner = new OnnxRunner(onnx)) {
                float[][] mean = runner.probabilities(cells);
                float[][][] stacked3 = memberOutput(onnx, cells);
                int c = mean[0].length;
                boolean differ = false;
                for (int i = 0; i < cells.rows(); i++) {
                    for (int k = 0; k < c; k++) {
                        float a = stacked3[i][0][k];
                        float b = stacked3[i][1][k];
                        assertEquals(members[0][i][k], a, 1e-4f);
                        assertEquals(members[1][i][k], b, 1e-4f);
                        assertEquals((a + b) / 2, mean[i][k], 1e-6f);
                        differ |= Math.abs(a - b) > 1e-3;
                    }
                }
                assertTrue(differ, "members trained with different seeds differ");
            }
        }
    }

    /** The 3-d {@code member_probabilities} output, read with ONNX Runtime directly. */
    static float[][][] memberOutput(byte[] onnx, CsrMatrix cells) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx, new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(cells.toDense()),
                        new long[] {cells.rows(), cells.cols()});
                OrtSession.Result r = s.run(Map.of(ArtifactContract.INPUT_COUNTS, t),
                        Set.of(ArtifactContract.OUTPUT_MEMBER_PROBABILITIES))) {
            return (float[][][]) r.get(0).getValue();
        }
    }
}
