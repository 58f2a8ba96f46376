package org.cytolabel.trainer.train;

import java.util.List;
import org.cytolabel.core.data.CsrMatrix;

/** A trained DJL classifier; holds native memory until closed. */
public interface TrainedClassifier extends AutoCloseable {

    /**
     * Class probabilities per cell from raw counts in the model's gene order (eval mode: dropout
     * off, batch norm on its running statistics), {@code [cells][classes]}.
     */
    float[][] predictProbabilities(CsrMatrix counts);

    /** The kept (best-epoch) weights as plain arrays, for export. */
    ClassifierWeights weights();

    TrainingConfig config();

    /** The 1-based epoch whose weights were kept. */
    int bestEpoch();

    List<EpochReport> history();

    @Override
    void close();
}
