package org.cytolabel.trainer.scnym;

import ai.djl.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.train.EpochReport;

/**
 * A trained scNym classifier: the best epoch's weights, its softmax temperature, and the DJL
 * model that owns their native memory. Predictions are eval-mode
 * {@code softmax(logits / T)}; the extra outputs are the embedding and the input saliency.
 */
public final class ScNymModel implements FittedModel {
    private final Model model;
    private final ScNymPredictor predictor;
    private final ScNymWeights weights;
    private final int bestEpoch;
    private final List<EpochReport> history;
    private final Map<String, String> hyperParameters;
    private final Map<String, String> notes;
    private final Map<String, byte[]> attachments;
    private final long seed;
    private boolean closed;

    ScNymModel(Model model, ScNymPredictor predictor, ScNymWeights weights, int bestEpoch, List<EpochReport> history,
            Map<String, String> hyperParameters, Map<String, String> notes, Map<String, byte[]> attachments, long seed) {
        this.model = model;
        this.predictor = predictor;
        this.weights = weights;
        this.bestEpoch = bestEpoch;
        this.history = List.copyOf(history);
        this.hyperParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hyperParameters));
        this.notes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(notes));
        this.attachments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attachments));
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

    @Override
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public List<EpochReport> history() {
        return history;
    }

    @Override
    public Map<String, String> hyperParameters() {
        return hyperParameters;
    }

    @Override
    public Map<String, String> notes() {
        return notes;
    }

    @Override
    public Map<String, byte[]> attachments() {
        return attachments;
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
