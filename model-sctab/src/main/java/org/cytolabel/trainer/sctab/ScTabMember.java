package org.cytolabel.trainer.sctab;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.train.EpochReport;

/** One trained TabNet (an ensemble member) and the DJL model owning its native memory. */
final class ScTabMember implements AutoCloseable {
    private static final int PREDICT_CHUNK = 512;

    private final Model model;
    private final TabNetBlock block;
    private final int genes;
    private final int bestEpoch;
    private final List<EpochReport> history;
    private final TabNetWeights weights;

    ScTabMember(Model model, TabNetBlock block, int genes, int bestEpoch, List<EpochReport> history) {
        this.model = model;
        this.block = block;
        this.genes = genes;
        this.bestEpoch = bestEpoch;
        this.history = List.copyOf(history);
        this.weights = block.weights();
    }

    /** Eval-mode softmax probabilities and masks for raw counts. */
    ScTabPrediction predict(CsrMatrix counts) {
        return predict(model.getNDManager(), block, genes, counts);
    }

    static ScTabPrediction predict(NDManager parent, TabNetBlock block, int genes, CsrMatrix counts) {
        float[][] probs = new float[counts.rows()][];
        float[][] masks = new float[counts.rows()][];
        for (int from = 0; from < counts.rows(); from += PREDICT_CHUNK) {
            int to = Math.min(counts.rows(), from + PREDICT_CHUNK);
            try (NDManager m = parent.newSubManager()) {
                NDArray x = normalize(m.create(counts.sliceRows(from, to).toDense(), new Shape(to - from, genes)));
                NDList out = block.forward(new ParameterStore(m, false), new NDList(x), false);
                float[] p = out.get(0).softmax(1).toFloatArray();
                float[] mask = out.get(1).toFloatArray();
                int c = (int) out.get(0).getShape().get(1);
                for (int r = from; r < to; r++) {
                    probs[r] = Arrays.copyOfRange(p, (r - from) * c, (r - from + 1) * c);
                    masks[r] = Arrays.copyOfRange(mask, (r - from) * genes, (r - from + 1) * genes);
                }
            }
        }
        return new ScTabPrediction(probs, masks);
    }

    /** The contract's preprocessing, step for step as the ONNX {@code Preprocessing} fragment does it. */
    static NDArray normalize(NDArray counts) {
        NDArray size = counts.sum(new int[] {1}, true).maximum(1f);
        return counts.div(size).mul(ArtifactContract.TARGET_SUM).add(1f).log();
    }

    TabNetWeights weights() {
        return weights;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    List<EpochReport> history() {
        return history;
    }

    @Override
    public void close() {
        model.close();
    }
}
