package org.cytolabel.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;

/**
 * The DJL block of a linear or MLP classifier, with handles on its layers so their weights can be
 * read out in export order. The block takes raw counts and applies the contract's preprocessing
 * itself, with the same float32 steps as the ONNX {@code Preprocessing} fragment.
 */
final class ClassifierNetwork {
    static final float BN_EPSILON = 1e-5f;
    /** DJL's momentum (PyTorch's 0.1). */
    static final float BN_MOMENTUM = 0.9f;
    private static final int PREDICT_CHUNK = 512;

    private final SequentialBlock block = new SequentialBlock();
    private final List<Linear> linears = new ArrayList<>();
    private final List<BatchNorm> norms = new ArrayList<>();
    private final String kind;
    private final int genes;
    private final int classes;

    ClassifierNetwork(TrainingConfig config, int genes, int classes) {
        this.kind = config.modelKind();
        this.genes = genes;
        this.classes = classes;
        block.add(LambdaBlock.singleton(ClassifierNetwork::normalize, "preprocess"));
        for (int i = 0; i < config.hiddenLayers(); i++) {
            Linear linear = Linear.builder().setUnits(config.hiddenSize()).build();
            BatchNorm norm = BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(BN_MOMENTUM).build();
            linears.add(linear);
            norms.add(norm);
            block.add(linear).add(norm).add(Activation.reluBlock());
            if (config.dropout() > 0) {
                block.add(Dropout.builder().optRate(config.dropout()).build());
            }
        }
        Linear head = Linear.builder().setUnits(classes).build();
        linears.add(head);
        norms.add(null);
        block.add(head);
    }

    /** {@code log(counts / max(rowSum, 1) * 1e4 + 1)}, step for step as the ONNX graph does it. */
    static NDArray normalize(NDArray counts) {
        NDArray size = counts.sum(new int[] {1}, true).maximum(1f);
        return counts.div(size).mul(ArtifactContract.TARGET_SUM).add(1f).log();
    }

    Block block() {
        return block;
    }

    int genes() {
        return genes;
    }

    /** Eval-mode softmax probabilities for raw counts, densified a chunk at a time. */
    float[][] predict(NDManager parent, CsrMatrix counts) {
        float[][] out = new float[counts.rows()][];
        for (int from = 0; from < counts.rows(); from += PREDICT_CHUNK) {
            int to = Math.min(counts.rows(), from + PREDICT_CHUNK);
            try (NDManager m = parent.newSubManager()) {
                NDArray x = m.create(Batches.densify(counts, null, from, to), new Shape(to - from, genes));
                NDArray logits = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
                float[] flat = logits.softmax(1).toFloatArray();
                for (int r = from; r < to; r++) {
                    out[r] = java.util.Arrays.copyOfRange(flat, (r - from) * classes, (r - from + 1) * classes);
                }
            }
        }
        return out;
    }


    /** Copies of every parameter (weights, biases, batch-norm scale, shift and running stats). */
    Map<Parameter, float[]> snapshot() {
        Map<Parameter, float[]> copy = new LinkedHashMap<>();
        for (var p : block.getParameters()) {
            copy.put(p.getValue(), p.getValue().getArray().toFloatArray());
        }
        return copy;
    }

    void restore(Map<Parameter, float[]> snapshot) {
        snapshot.forEach((p, values) -> p.getArray().set(values));
    }

    ClassifierWeights weights() {
        List<ClassifierWeights.DenseLayer> layers = new ArrayList<>();
        int width = genes;
        for (int i = 0; i < linears.size(); i++) {
            var lp = linears.get(i).getParameters();
            float[] w = lp.get("weight").getArray().toFloatArray();
            float[] b = lp.get("bias").getArray().toFloatArray();
            BatchNorm norm = norms.get(i);
            ClassifierWeights.BatchNorm bn = null;
            if (norm != null) {
                var np = norm.getParameters();
                bn = new ClassifierWeights.BatchNorm(np.get("gamma").getArray().toFloatArray(),
                        np.get("beta").getArray().toFloatArray(), np.get("runningMean").getArray().toFloatArray(),
                        np.get("runningVar").getArray().toFloatArray(), BN_EPSILON);
            }
            boolean hidden = i < linears.size() - 1;
            layers.add(new ClassifierWeights.DenseLayer(width, b.length, w, b, bn, hidden));
            width = b.length;
        }
        return new ClassifierWeights(kind, genes, classes, layers);
    }
}
