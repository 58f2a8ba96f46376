package org.cytolabel.trainer.scnym;

import static org.cytolabel.core.onnx.OnnxOperator.ADD;
import static org.cytolabel.core.onnx.OnnxOperator.DIV;
import static org.cytolabel.core.onnx.OnnxOperator.LOG;
import static org.cytolabel.core.onnx.OnnxOperator.MAX;
import static org.cytolabel.core.onnx.OnnxOperator.MUL;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_SUM;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;

/**
 * scNym's input, {@code log1p(counts / max(rowSum, 1) * 1e6)} (log1p CPM), as a DJL function and as
 * an ONNX fragment with the same float32 steps in the same order as core's {@code Preprocessing}
 * (which is fixed at the contract's 1e4): sum, max, divide, multiply, add one, log.
 */
public final class CpmPreprocessing {
    /** Counts per million. */
    public static final float TARGET_SUM = 1_000_000f;
    /** The model card's / ONNX metadata's preprocessing string. */
    public static final String DESCRIPTION = "log1p(counts / max(sum(counts), 1) * 1e6)";

    private CpmPreprocessing() {
    }

    public static NDArray normalize(NDArray counts) {
        NDArray size = counts.sum(new int[] {1}, true).maximum(1f);
        return counts.div(size).mul(TARGET_SUM).add(1f).log();
    }

    public static OnnxRef apply(OnnxRef counts) {
        OnnxContext ctx = counts.context();
        OnnxRef rowSum = ctx.operation(REDUCE_SUM, List.of(counts, ctx.longVector("cpm_sum_axes", 1L)),
                List.of("cpm_size_raw"), Map.of("keepdims", 1)).get(0);
        OnnxRef size = rowSum.apply(MAX, ctx.floatScalar("cpm_min_size", 1f));
        OnnxRef scaled = counts.apply(DIV, size).apply(MUL, ctx.floatScalar("cpm_target_sum", TARGET_SUM));
        return scaled.apply(ADD, ctx.floatScalar("cpm_one", 1f)).apply(LOG);
    }
}
