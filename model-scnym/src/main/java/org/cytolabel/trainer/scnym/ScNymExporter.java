package org.cytolabel.trainer.scnym;

import static org.cytolabel.core.onnx.OnnxOperator.ARG_MAX;
import static org.cytolabel.core.onnx.OnnxOperator.BATCH_NORMALIZATION;
import static org.cytolabel.core.onnx.OnnxOperator.CAST;
import static org.cytolabel.core.onnx.OnnxOperator.DIV;
import static org.cytolabel.core.onnx.OnnxOperator.GATHER;
import static org.cytolabel.core.onnx.OnnxOperator.GEMM;
import static org.cytolabel.core.onnx.OnnxOperator.GREATER;
import static org.cytolabel.core.onnx.OnnxOperator.MATMUL;
import static org.cytolabel.core.onnx.OnnxOperator.MUL;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_MAX;
import static org.cytolabel.core.onnx.OnnxOperator.RELU;
import static org.cytolabel.core.onnx.OnnxOperator.SOFTMAX;
import static org.cytolabel.core.onnx.OnnxOperator.SUB;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;

/**
 * Writes a trained scNym classifier as ONNX (opset 17): input {@code counts [N, G]} raw counts;
 * log1p-CPM preprocessing ({@link CpmPreprocessing}); per hidden layer Gemm, BatchNormalization,
 * Relu; the head Gemm; {@code logits / T}; Softmax. Outputs {@code probabilities [N, C]},
 * {@code uncertainty [N]} (1 - max probability), {@code embedding [N, hidden]} (the encoder's
 * output) and {@code saliency [N, G]}: the gradient of the predicted class's logit (before the
 * temperature) with respect to the normalised input, computed analytically in the graph by
 * backpropagating through the eval-mode network:
 * {@code g = W_head[argmax]; g = (g * [a2 > 0] * s2) W2; g = (g * [a1 > 0] * s1) W1}, where
 * {@code a_k} is layer k's batch-norm output and {@code s_k = gamma / sqrt(var + eps)} its slope.
 */
public final class ScNymExporter {
    /** metadata_props key: the softmax temperature applied before the output probabilities. */
    public static final String META_TEMPERATURE = "cytolabel.temperature";
    /** metadata_props key: what the saliency output is. */
    public static final String META_SALIENCY = "cytolabel.saliency";
    public static final String SALIENCY_DESCRIPTION = "d logit[argmax] / d log1p(CPM) input, eval-mode network, "
            + "before temperature";

    private ScNymExporter() {
    }

    public static byte[] export(ScNymWeights w, String modelName, String kind) {
        if (modelName == null || modelName.isBlank()) {
            throw CytoLabelException.invalid("an exported model needs a name (it goes into the ONNX metadata)");
        }
        OnnxContext ctx = new OnnxContext();
        OnnxRef counts = ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", w.genes());
        OnnxRef probabilities = ctx.floatOutput(ArtifactContract.OUTPUT_PROBABILITIES, "N", w.classes());
        OnnxRef uncertainty = ctx.floatOutput(ArtifactContract.OUTPUT_UNCERTAINTY, "N");
        OnnxRef embedding = ctx.floatOutput(ArtifactContract.OUTPUT_EMBEDDING, "N", w.hidden());
        OnnxRef saliency = ctx.floatOutput(ScNymOutputs.SALIENCY, "N", w.genes());

        OnnxRef x = CpmPreprocessing.apply(counts);
        List<OnnxRef> normalized = new ArrayList<>();
        List<OnnxRef> weightsIn = new ArrayList<>();
        OnnxRef h = x;
        for (int i = 0; i < w.layers().size(); i++) {
            ScNymWeights.Layer layer = w.layers().get(i);
            String p = "hidden" + i;
            long[] dims = {layer.outputs()};
            OnnxRef weight = ctx.floatTensor(p + "_weight", new long[] {layer.outputs(), layer.inputs()}, layer.weight());
            OnnxRef z = h.apply(GEMM, List.of(weight, ctx.floatTensor(p + "_bias", dims, layer.bias())),
                    Map.of("transB", 1));
            OnnxRef a = z.apply(BATCH_NORMALIZATION, List.of(ctx.floatTensor(p + "_bn_scale", dims, layer.gamma()),
                    ctx.floatTensor(p + "_bn_bias", dims, layer.beta()), ctx.floatTensor(p + "_bn_mean", dims, layer.mean()),
                    ctx.floatTensor(p + "_bn_var", dims, layer.variance())), Map.of("epsilon", w.bnEpsilon()));
            normalized.add(a);
            weightsIn.add(weight);
            h = a.apply(RELU);
        }
        h.assignTo(embedding);
        OnnxRef headWeight = ctx.floatTensor("head_weight", new long[] {w.classes(), w.hidden()}, w.headWeight());
        OnnxRef logits = h.apply(GEMM, List.of(headWeight, ctx.floatTensor("head_bias", new long[] {w.classes()},
                w.headBias())), Map.of("transB", 1));
        float temperature = (float) w.temperature();
        OnnxRef scaled = temperature == 1f ? logits : logits.apply(DIV, ctx.floatScalar("temperature", temperature));
        OnnxRef probs = scaled.apply(SOFTMAX, Map.of("axis", 1));
        probs.assignTo(probabilities);
        ctx.floatScalar("one", 1f)
                .apply(SUB, probs.apply(REDUCE_MAX, Map.of("axes", new long[] {1}, "keepdims", 0)))
                .assignTo(uncertainty);

        // saliency: backpropagate a one-hot of the predicted class through the eval-mode network
        OnnxRef predicted = logits.apply(ARG_MAX, Map.of("axis", 1, "keepdims", 0));
        OnnxRef grad = headWeight.apply(GATHER, List.of(predicted), Map.of("axis", 0));
        OnnxRef zero = ctx.floatScalar("zero", 0f);
        for (int i = w.layers().size() - 1; i >= 0; i--) {
            ScNymWeights.Layer layer = w.layers().get(i);
            OnnxRef active = normalized.get(i).apply(GREATER, zero)
                    .apply(CAST, Map.of("to", OnnxMl.TensorProto.DataType.FLOAT.getNumber()));
            OnnxRef slope = ctx.floatTensor("hidden" + i + "_bn_slope", new long[] {layer.outputs()},
                    layer.slope(w.bnEpsilon()));
            grad = grad.apply(MUL, active).apply(MUL, slope).apply(MATMUL, weightsIn.get(i));
        }
        grad.assignTo(saliency);

        Map<String, String> metadata = Map.of(
                ArtifactContract.META_MODEL_NAME, modelName,
                ArtifactContract.META_MODEL_KIND, kind,
                ArtifactContract.META_PREPROCESSING, CpmPreprocessing.DESCRIPTION,
                META_TEMPERATURE, String.format(Locale.ROOT, "%.9g", w.temperature()),
                META_SALIENCY, SALIENCY_DESCRIPTION);
        return ctx.buildModel(modelName, producerVersion(), metadata).toByteArray();
    }

    /** The temperature an exported model applies, read back from its metadata (1 when absent). */
    public static double temperature(byte[] onnx) {
        try {
            for (var p : OnnxMl.ModelProto.parseFrom(onnx).getMetadataPropsList()) {
                if (META_TEMPERATURE.equals(p.getKey())) {
                    return Double.parseDouble(p.getValue());
                }
            }
            return 1.0;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw CytoLabelException.invalid("not an ONNX model: " + e.getMessage(), e);
        }
    }

    private static String producerVersion() {
        String v = ScNymExporter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
