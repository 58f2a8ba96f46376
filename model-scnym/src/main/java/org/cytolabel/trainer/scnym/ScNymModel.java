package org.cytolabel.trainer.scnym;

import ai.djl.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.model.FittedModelBase;
import org.cytolabel.trainer.train.EpochReport;

/**
 * A trained scNym classifier: the best epoch's weights, its softmax temperature, and the DJL
 * model that owns their native memory. Predictions are eval-mode
 * {@code softmax(logits / T)}; the extra outputs are the embedding and the input saliency.
 */
public final class ScNymModel extends FittedModelBase {
    private final Model model;
    private final ScNymPredictor predictor;
    private final ScNymWeights weights;
    private final long seed;
    private boolean closed;

    ScNymModel(Model model, ScNymPredictor predictor, ScNymWeights weights, int bestEpoch, List<EpochReport> history,
            Map<String, String> hyperParameters, Map<String, String> notes, Map<String, byte[]> attachments, long seed) {
        super(bestEpoch, history, hyperParameters, notes, attachments);
        this.model = model;
        this.predictor = predictor;
        this.weights = weights;
        this.seed = seed;
    }

    @Override
    public String kind() {
        return ScNymFamily.KIND;
    }

    /** The softmax temperature fitted on the validation cells (1 when calibration is off). */
    public double temperature() {
        return weights.temperature();
    }

    public ScNymWeights weights() {
        return weights;
    }

    @Override
    public synchronized float[][] predictProbabilities(CsrMatrix counts) {
        check(counts);
        return predictor.probabilities(counts, (float) weights.temperature());
    }

    /** Eval-mode logits before the temperature. */
    public synchronized float[][] logits(CsrMatrix counts) {
        check(counts);
        return predictor.logits(counts);
    }

    @Override
    public synchronized Map<String, float[][]> auxiliaryOutputs(CsrMatrix counts) {
        check(counts);
        Map<String, float[][]> out = new LinkedHashMap<>();
        out.put(ArtifactContract.OUTPUT_EMBEDDING, predictor.embeddings(counts));
        out.put(ScNymOutputs.SALIENCY, predictor.saliency(counts, seed));
        return out;
    }

    @Override
    public byte[] exportOnnx(String modelName) {
        return ScNymExporter.export(weights, modelName, kind());
    }

    private void check(CsrMatrix counts) {
        if (closed) {
            throw new IllegalStateException("this scNym model has been closed");
        }
        if (counts.cols() != weights.genes()) {
            throw CytoLabelException.invalid("the model takes " + weights.genes()
                    + " genes in its panel order, got a matrix with " + counts.cols() + " columns; align the"
                    + " genes to the model's panel first");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
