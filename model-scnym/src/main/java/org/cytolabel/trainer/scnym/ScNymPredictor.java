package org.cytolabel.trainer.scnym;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.trainer.model.EngineLock;

/**
 * Eval-mode passes of a {@link ScNymBlock} over raw counts, a chunk of cells at a time: logits,
 * embeddings, domain predictions and input saliency. Batch norm uses its running statistics and
 * dropout is the identity, exactly the network the ONNX export writes out.
 */
final class ScNymPredictor {
    private static final int CHUNK = 512;

    private final ScNymBlock block;
    private final NDManager parent;

    ScNymPredictor(ScNymBlock block, NDManager parent) {
        this.block = block;
        this.parent = parent;
    }

    /** Classification logits before any temperature, {@code [cells][classes]}. */
    float[][] logits(CsrMatrix counts) {
        return map(counts, (ps, x) -> block.logits(ps, block.embed(ps, x, false), false));
    }

    /** {@code softmax(logits / temperature)}, computed in float by the engine as the export does. */
    float[][] probabilities(CsrMatrix counts, float temperature) {
        return map(counts, (ps, x) -> {
            NDArray z = block.logits(ps, block.embed(ps, x, false), false);
            return (temperature == 1f ? z : z.div(temperature)).softmax(1);
        });
    }

    /** The encoder's output, {@code [cells][hidden]}. */
    float[][] embeddings(CsrMatrix counts) {
        return map(counts, (ps, x) -> block.embed(ps, x, false));
    }

    /** The domain adversary's predicted domain per cell. */
    int[] domains(CsrMatrix counts) {
        float[][] d = map(counts, (ps, x) -> block.domainLogits(ps, block.embed(ps, x, false), false));
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = argmax(d[i]);
        }
        return out;
    }

    /**
     * Per cell, the gradient of its predicted class's logit (before temperature) with respect to
     * the normalised input (log1p CPM), by DJL autograd through the eval-mode network. The engine
     * allows one gradient collector at a time in a JVM, so this holds the {@link EngineLock}.
     */
    float[][] saliency(CsrMatrix counts, long seed) {
        float[][] out = new float[counts.rows()][];
        int genes = counts.cols();
        try (EngineLock lock = EngineLock.seeded(seed, org.cytolabel.trainer.train.TrainingListener.none())) {
            for (int from = 0; from < counts.rows(); from += CHUNK) {
                int to = Math.min(counts.rows(), from + CHUNK);
                try (NDManager m = parent.newSubManager()) {
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray x = CpmPreprocessing.normalize(m.create(counts.sliceRows(from, to).toDense(),
                            new Shape(to - from, genes)));
                    x.setRequiresGradient(true);
                    try (GradientCollector collector = Engine.getEngine(EngineLock.ENGINE).newGradientCollector()) {
                        NDArray logits = block.logits(ps, block.embed(ps, x, false), false);
                        NDArray chosen = logits.mul(logits.argMax(1).oneHot(block.classes())).sum();
                        collector.backward(chosen);
                    }
                    split(x.getGradient().toFloatArray(), genes, out, from);
                }
            }
        }
        return out;
    }

    private interface Pass {
        NDArray apply(ParameterStore ps, NDArray normalised);
    }

    private float[][] map(CsrMatrix counts, Pass pass) {
        float[][] out = new float[counts.rows()][];
        for (int from = 0; from < counts.rows(); from += CHUNK) {
            int to = Math.min(counts.rows(), from + CHUNK);
            try (NDManager m = parent.newSubManager()) {
                NDArray x = CpmPreprocessing.normalize(m.create(counts.sliceRows(from, to).toDense(),
                        new Shape(to - from, counts.cols())));
                NDArray y = pass.apply(new ParameterStore(m, false), x);
                split(y.toFloatArray(), (int) y.getShape().get(1), out, from);
            }
        }
        return out;
    }

    private static void split(float[] flat, int width, float[][] out, int from) {
        for (int r = 0; r < flat.length / width; r++) {
            out[from + r] = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
        }
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }
}
