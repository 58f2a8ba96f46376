package org.cytolabel.trainer.pretrain;

import static org.cytolabel.core.onnx.OnnxOperator.GEMM;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_MAX;
import static org.cytolabel.core.onnx.OnnxOperator.RELU;
import static org.cytolabel.core.onnx.OnnxOperator.SOFTMAX;
import static org.cytolabel.core.onnx.OnnxOperator.SUB;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.optimizer.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;
import org.cytolabel.core.onnx.Preprocessing;

/**
 * The fine-tuned scPretrain classifier: the encoder ({@code genes -> hidden}, sigmoid; pretrained
 * or random) followed by a deeper head ({@code hidden -> headHidden}, ReLU, {@code -> classes}).
 * Raw counts in, the contract's preprocessing inside, so DJL and the ONNX export compute the same
 * float32 steps.
 */
final class FineTuneNetwork {
    private static final int CHUNK = 512;
    final Dense encoder;
    final Dense hidden;
    final Dense output;

    FineTuneNetwork(NDManager manager, int genes, int width, int headHidden, int classes, float[] encoderWeight,
            float[] encoderBias, Random rnd) {
        this.encoder = encoderWeight == null ? Dense.random("ft_encoder", manager, genes, width, rnd)
                : Dense.of("ft_encoder", manager, genes, width, encoderWeight, encoderBias);
        this.hidden = Dense.random("ft_hidden", manager, width, headHidden, rnd);
        this.output = Dense.random("ft_output", manager, headHidden, classes, rnd);
    }

    /** {embedding, logits} of raw counts. */
    NDArray[] forward(NDArray counts) {
        NDArray embedding = Activation.sigmoid(encoder.forward(Normalization.apply(counts)));
        NDArray logits = output.forward(Activation.relu(hidden.forward(embedding)));
        return new NDArray[] {embedding, logits};
    }

    void step(Optimizer optimizer) {
        encoder.step(optimizer);
        hidden.step(optimizer);
        output.step(optimizer);
    }

    /** Eval-mode {probabilities, embeddings} per cell. */
    float[][][] predict(CsrMatrix counts) {
        float[][] probs = new float[counts.rows()][];
        float[][] emb = new float[counts.rows()][];
        NDManager root = encoder.weight.getManager();
        int c = output.outputs;
        int h = encoder.outputs;
        for (int from = 0; from < counts.rows(); from += CHUNK) {
            int to = Math.min(counts.rows(), from + CHUNK);
            try (NDManager m = root.newSubManager()) {
                NDArray x = m.create(Normalization.densify(counts, null, from, to), new Shape(to - from, counts.cols()));
                NDArray[] out = forward(x);
                float[] p = out[1].softmax(1).toFloatArray();
                float[] e = out[0].toFloatArray();
                for (int r = from; r < to; r++) {
                    probs[r] = java.util.Arrays.copyOfRange(p, (r - from) * c, (r - from + 1) * c);
                    emb[r] = java.util.Arrays.copyOfRange(e, (r - from) * h, (r - from + 1) * h);
                }
            }
        }
        return new float[][][] {probs, emb};
    }

    List<float[]> snapshot() {
        List<float[]> s = new ArrayList<>();
        for (Dense d : List.of(encoder, hidden, output)) {
            s.add(d.weightValues());
            s.add(d.biasValues());
        }
        return s;
    }

    void restore(List<float[]> s) {
        encoder.set(s.get(0), s.get(1));
        hidden.set(s.get(2), s.get(3));
        output.set(s.get(4), s.get(5));
    }

    /** The artifact-contract graph with outputs probabilities, uncertainty and embedding. */
    byte[] exportOnnx(String modelName, Map<String, String> metadata) {
        int genes = encoder.inputs;
        int classes = output.outputs;
        OnnxContext ctx = new OnnxContext();
        OnnxRef counts = ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", genes);
        OnnxRef probabilities = ctx.floatOutput(ArtifactContract.OUTPUT_PROBABILITIES, "N", classes);
        OnnxRef uncertainty = ctx.floatOutput(ArtifactContract.OUTPUT_UNCERTAINTY, "N");
        OnnxRef embeddingOut = ctx.floatOutput(ArtifactContract.OUTPUT_EMBEDDING, "N", encoder.outputs);
        OnnxRef embedding = PretrainedEncoder.encoderGraph(Preprocessing.apply(counts), encoder.weightValues(),
                encoder.biasValues(), genes, encoder.outputs);
        embedding.assignTo(embeddingOut);
        OnnxRef h = gemm(ctx, embedding, hidden, "head_hidden").apply(RELU);
        OnnxRef probs = gemm(ctx, h, output, "head_output").apply(SOFTMAX, Map.of("axis", 1));
        probs.assignTo(probabilities);
        ctx.floatScalar("one", 1f)
                .apply(SUB, probs.apply(REDUCE_MAX, Map.of("axes", new long[] {1}, "keepdims", 0)))
                .assignTo(uncertainty);
        return ctx.buildModel(modelName, "dev", metadata).toByteArray();
    }

    private static OnnxRef gemm(OnnxContext ctx, OnnxRef x, Dense layer, String name) {
        OnnxRef w = ctx.floatTensor(name + "_weight", new long[] {layer.inputs, layer.outputs}, layer.weightValues());
        OnnxRef b = ctx.floatTensor(name + "_bias", new long[] {layer.outputs}, layer.biasValues());
        return x.apply(GEMM, List.of(w, b), Map.of());
    }
}
