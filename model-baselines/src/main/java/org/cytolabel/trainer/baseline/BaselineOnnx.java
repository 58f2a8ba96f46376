package org.cytolabel.trainer.baseline;

import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_MAX;
import static org.cytolabel.core.onnx.OnnxOperator.SOFTMAX;
import static org.cytolabel.core.onnx.OnnxOperator.SUB;

import ai.onnx.proto.OnnxMl;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;

/** The parts every baseline export shares: the contract's input, its two outputs and metadata. */
final class BaselineOnnx {

    private BaselineOnnx() {
    }

    static OnnxContext context() {
        return new OnnxContext();
    }

    static OnnxRef countsInput(OnnxContext ctx, int genes) {
        return ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", genes);
    }

    /** {@code probabilities = Softmax(logits)}, {@code uncertainty = 1 - max probability}. */
    static void softmaxOutputs(OnnxContext ctx, OnnxRef logits, int classes) {
        OnnxRef probabilities = ctx.floatOutput(ArtifactContract.OUTPUT_PROBABILITIES, "N", classes);
        OnnxRef uncertainty = ctx.floatOutput(ArtifactContract.OUTPUT_UNCERTAINTY, "N");
        OnnxRef probs = logits.apply(SOFTMAX, Map.of("axis", 1));
        probs.assignTo(probabilities);
        ctx.floatScalar("one_minus", 1f)
                .apply(SUB, probs.apply(REDUCE_MAX, Map.of("axes", new long[] {1}, "keepdims", 0)))
                .assignTo(uncertainty);
    }

    static OnnxMl.ModelProto build(OnnxContext ctx, String modelName, String kind) {
        if (modelName == null || modelName.isBlank()) {
            throw CytoLabelException.invalid("an exported model needs a name (it goes into the ONNX metadata)");
        }
        Map<String, String> metadata = Map.of(
                ArtifactContract.META_MODEL_NAME, modelName,
                ArtifactContract.META_MODEL_KIND, kind,
                ArtifactContract.META_PREPROCESSING, ArtifactContract.PREPROCESSING);
        String v = BaselineOnnx.class.getPackage().getImplementationVersion();
        return ctx.buildModel(modelName, v == null ? "dev" : v, metadata);
    }
}
