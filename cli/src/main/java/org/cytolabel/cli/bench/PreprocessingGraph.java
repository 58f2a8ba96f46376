package org.cytolabel.cli.bench;

import java.util.List;
import java.util.Map;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxOperator;
import org.cytolabel.core.onnx.OnnxRef;
import org.cytolabel.core.onnx.Preprocessing;

/**
 * The artifact contract's preprocessing alone, ending in a row sum so that the output is small: what
 * every exported model pays before its first layer. Input {@code counts [N, G]}, output {@value #OUTPUT} [N].
 */
final class PreprocessingGraph {
    static final String OUTPUT = "normalized_row_sum";

    private PreprocessingGraph() {
    }

    static byte[] build(int genes) {
        OnnxContext ctx = new OnnxContext();
        OnnxRef counts = ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", genes);
        OnnxRef out = ctx.floatOutput(OUTPUT, "N");
        OnnxRef normalized = Preprocessing.apply(counts);
        ctx.operation(OnnxOperator.REDUCE_SUM, List.of(normalized, ctx.longVector("axes", 1L)), List.of("row_sum"),
                Map.of("keepdims", 0)).get(0).assignTo(out);
        return ctx.buildModel("preprocessing_only", "1", Map.of(ArtifactContract.META_PREPROCESSING,
                ArtifactContract.PREPROCESSING)).toByteArray();
    }
}
