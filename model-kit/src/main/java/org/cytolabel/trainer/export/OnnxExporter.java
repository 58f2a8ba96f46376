package org.cytolabel.trainer.export;

import static org.cytolabel.core.onnx.OnnxOperator.BATCH_NORMALIZATION;
import static org.cytolabel.core.onnx.OnnxOperator.GEMM;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_MAX;
import static org.cytolabel.core.onnx.OnnxOperator.RELU;
import static org.cytolabel.core.onnx.OnnxOperator.SOFTMAX;
import static org.cytolabel.core.onnx.OnnxOperator.SUB;

import java.util.List;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;
import org.cytolabel.core.onnx.Preprocessing;
import org.cytolabel.trainer.train.ClassifierWeights;

/**
 * Writes a trained linear or MLP classifier as an ONNX model following the artifact contract:
 * input {@code counts [N, G]} raw counts, the contract's preprocessing, per layer Gemm
 * ({@code transB = 1} on the PyTorch-layout weight), BatchNormalization and Relu where the layer
 * has them, Softmax; outputs {@code probabilities [N, C]} and {@code uncertainty [N]}
 * ({@code 1 - max probability}). Opset 17, IR 8.
 */
public final class OnnxExporter {

    private OnnxExporter() {
    }

    public static byte[] export(ClassifierWeights weights, int numGenes, int numClasses, String modelName) {
        if (modelName == null || modelName.isBlank()) {
            throw CytoLabelException.invalid("an exported model needs a name (it goes into the ONNX metadata)");
        }
        if (weights.numGenes() != numGenes || weights.numClasses() != numClasses) {
            throw CytoLabelException.invalid("the weights are for " + weights.numGenes() + " genes and "
                    + weights.numClasses() + " classes, not " + numGenes + " and " + numClasses);
        }
        OnnxContext ctx = new OnnxContext();
        OnnxRef counts = ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", numGenes);
        OnnxRef probabilities = ctx.floatOutput(ArtifactContract.OUTPUT_PROBABILITIES, "N", numClasses);
        OnnxRef uncertainty = ctx.floatOutput(ArtifactContract.OUTPUT_UNCERTAINTY, "N");

        OnnxRef x = Preprocessing.apply(counts);
        int index = 0;
        for (ClassifierWeights.DenseLayer layer : weights.layers()) {
            String p = "layer" + index++;
            OnnxRef w = ctx.floatTensor(p + "_weight", new long[] {layer.outputs(), layer.inputs()}, layer.weight());
            OnnxRef b = ctx.floatTensor(p + "_bias", new long[] {layer.outputs()}, layer.bias());
            x = x.apply(GEMM, List.of(w, b), Map.of("transB", 1));
            ClassifierWeights.BatchNorm bn = layer.batchNorm();
            if (bn != null) {
                long[] dims = {layer.outputs()};
                x = x.apply(BATCH_NORMALIZATION, List.of(ctx.floatTensor(p + "_bn_scale", dims, bn.gamma()),
                        ctx.floatTensor(p + "_bn_bias", dims, bn.beta()),
                        ctx.floatTensor(p + "_bn_mean", dims, bn.mean()),
                        ctx.floatTensor(p + "_bn_var", dims, bn.variance())), Map.of("epsilon", bn.epsilon()));
            }
            if (layer.relu()) {
                x = x.apply(RELU);
            }
        }
        OnnxRef probs = x.apply(SOFTMAX, Map.of("axis", 1));
        probs.assignTo(probabilities);
        ctx.floatScalar("one", 1f)
                .apply(SUB, probs.apply(REDUCE_MAX, Map.of("axes", new long[] {1}, "keepdims", 0)))
                .assignTo(uncertainty);

        Map<String, String> metadata = Map.of(
                ArtifactContract.META_MODEL_NAME, modelName,
                ArtifactContract.META_MODEL_KIND, weights.modelKind(),
                ArtifactContract.META_PREPROCESSING, ArtifactContract.PREPROCESSING);
        return ctx.buildModel(modelName, producerVersion(), metadata).toByteArray();
    }

    private static String producerVersion() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
