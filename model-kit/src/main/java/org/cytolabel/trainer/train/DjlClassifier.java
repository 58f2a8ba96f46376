package org.cytolabel.trainer.train;

import ai.djl.Model;
import java.util.List;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/** A trained network and the DJL model that owns its native memory. */
final class DjlClassifier implements TrainedClassifier {
    private final Model model;
    private final ClassifierNetwork network;
    private final TrainingConfig config;
    private final int bestEpoch;
    private final List<EpochReport> history;
    private final ClassifierWeights weights;
    private boolean closed;

    DjlClassifier(Model model, ClassifierNetwork network, TrainingConfig config, int bestEpoch,
            List<EpochReport> history) {
        this.model = model;
        this.network = network;
        this.config = config;
        this.bestEpoch = bestEpoch;
        this.history = List.copyOf(history);
        this.weights = network.weights();
    }

    @Override
    public synchronized float[][] predictProbabilities(CsrMatrix counts) {
        if (closed) {
            throw new IllegalStateException("this classifier has been closed");
        }
        if (counts.cols() != network.genes()) {
            throw CytoLabelException.invalid("the model takes " + network.genes()
                    + " genes in its panel order, got a matrix with " + counts.cols() + " columns");
        }
        return network.predict(model.getNDManager(), counts);
    }

    @Override
    public ClassifierWeights weights() {
        return weights;
    }

    @Override
    public TrainingConfig config() {
        return config;
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
    public synchronized void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
