package org.cytolabel.core.onnx;

import static org.cytolabel.core.onnx.OnnxOperator.ADD;
import static org.cytolabel.core.onnx.OnnxOperator.DIV;
import static org.cytolabel.core.onnx.OnnxOperator.LOG;
import static org.cytolabel.core.onnx.OnnxOperator.MAX;
import static org.cytolabel.core.onnx.OnnxOperator.MUL;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_SUM;

import java.util.List;
import java.util.Map;

/**
 * The artifact contract's preprocessing as a graph fragment: raw counts {@code [N, G]} to
 * {@code log1p(counts / max(rowSum, 1) * 1e4)}. An all-zero cell stays all zero (no NaN).
 * Trainers must apply exactly these float32 steps in this order (sum, max, divide, multiply, add
 * one, log) so their outputs and the exported graph's agree.
 */
public final class Preprocessing {

    private Preprocessing() {
    }

    /** Adds the preprocessing nodes after {@code counts} and returns the normalised value. */
    public static OnnxRef apply(OnnxRef counts) {
        OnnxContext ctx = counts.context();
        OnnxRef rowSum = ctx.operation(REDUCE_SUM, List.of(counts, ctx.longVector("sum_axes", 1L)),
                List.of("size_factor_raw"), Map.of("keepdims", 1)).get(0);
        OnnxRef size = rowSum.apply(MAX, ctx.floatScalar("min_size", 1f));
        OnnxRef scaled = counts.apply(DIV, size).apply(MUL, ctx.floatScalar("target_sum",
                ArtifactContract.TARGET_SUM));
        return scaled.apply(ADD, ctx.floatScalar("one", 1f)).apply(LOG);
    }

    /**
     * A complete model that only preprocesses: input {@code counts [N, genes]}, output
     * {@code normalized [N, genes]}. For tests and for clients that want the normalised matrix.
     */
    public static byte[] standaloneModel(int genes) {
        OnnxContext ctx = new OnnxContext();
        OnnxRef counts = ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", genes);
        OnnxRef out = ctx.floatOutput("normalized", "N", genes);
        apply(counts).assignTo(out);
        return ctx.buildModel("preprocessing", "1", Map.of(ArtifactContract.META_PREPROCESSING,
                ArtifactContract.PREPROCESSING)).toByteArray();
    }
}
