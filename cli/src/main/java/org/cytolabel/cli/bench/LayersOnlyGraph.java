package org.cytolabel.cli.bench;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxOperator;
import org.cytolabel.core.onnx.OnnxRef;

/**
 * An MLP with the exported model's layer shapes and operators (Gemm with {@code transB = 1},
 * BatchNormalization, Relu; then Gemm and Softmax) but random weights and no preprocessing: what the
 * layers alone cost. For timing only; its outputs mean nothing.
 */
final class LayersOnlyGraph {

    private LayersOnlyGraph() {
    }

    static byte[] build(int genes, int hidden, int layers, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OnnxContext ctx = new OnnxContext();
        OnnxRef x = ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", genes);
        OnnxRef out = ctx.floatOutput(ArtifactContract.OUTPUT_PROBABILITIES, "N", classes);
        int width = genes;
        for (int i = 0; i <= layers; i++) {
            boolean head = i == layers;
            int units = head ? classes : hidden;
            long[] dims = {units};
            x = x.apply(OnnxOperator.GEMM, List.of(ctx.floatTensor("w" + i, new long[] {units, width},
                    values(random, units * width, 0.02)), ctx.floatTensor("b" + i, dims, values(random, units, 0.02))),
                    Map.of("transB", 1));
            if (!head) {
                x = x.apply(OnnxOperator.BATCH_NORMALIZATION, List.of(ctx.floatTensor("scale" + i, dims, constant(units, 1)),
                        ctx.floatTensor("shift" + i, dims, constant(units, 0)),
                        ctx.floatTensor("mean" + i, dims, constant(units, 0)),
                        ctx.floatTensor("var" + i, dims, constant(units, 1))), Map.of("epsilon", 1e-5f))
                        .apply(OnnxOperator.RELU);
            }
            width = units;
        }
        x.apply(OnnxOperator.SOFTMAX, Map.of("axis", 1)).assignTo(out);
        return ctx.buildModel("mlp_layers_only", "1", Map.of()).toByteArray();
    }

    private static float[] values(SplittableRandom random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-scale, scale);
        }
        return v;
    }

    private static float[] constant(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }
}
