package org.cytolabel.trainer.pretrain;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.model.FittedModelBase;
import org.cytolabel.trainer.train.EpochReport;

/**
 * A fine-tuned scPretrain classifier and the DJL memory that holds it. Its export has the
 * contract's {@code probabilities} and {@code uncertainty} plus the encoder's {@code embedding}.
 */
public final class ScPretrainModel extends FittedModelBase {
    private final NDManager manager;
    private final FineTuneNetwork network;
    private final int genes;
    private boolean closed;

    ScPretrainModel(NDManager manager, FineTuneNetwork network, int genes, int bestEpoch, List<EpochReport> history,
            Map<String, String> hyperParameters, Map<String, String> notes, Map<String, byte[]> attachments) {
        super(bestEpoch, history, hyperParameters, notes, attachments);
        this.manager = manager;
        this.network = network;
        this.genes = genes;
    }

    @Override
    public String kind() {
        return ScPretrainFamily.KIND;
    }

    @Override
    public synchronized float[][] predictProbabilities(CsrMatrix counts) {
        return predict(counts)[0];
    }

    /** The encoder's output per cell, {@code [N][hidden]}. */
    public synchronized float[][] embed(CsrMatrix counts) {
        return predict(counts)[1];
    }

    private float[][][] predict(CsrMatrix counts) {
        if (closed) {
            throw new IllegalStateException("this scPretrain model has been closed");
        }
        if (counts.cols() != genes) {
            throw CytoLabelException.invalid("the model takes " + genes + " genes in its panel order, got a matrix "
                    + "with " + counts.cols() + " columns");
        }
        return network.predict(counts);
    }

    @Override
    public synchronized Map<String, float[][]> auxiliaryOutputs(CsrMatrix counts) {
        return Map.of(ArtifactContract.OUTPUT_EMBEDDING, predict(counts)[1]);
    }

    @Override
    public synchronized byte[] exportOnnx(String modelName) {
        if (modelName == null || modelName.isBlank()) {
            throw CytoLabelException.invalid("an exported model needs a name (it goes into the ONNX metadata)");
        }
        return network.exportOnnx(modelName, Map.of(ArtifactContract.META_MODEL_NAME, modelName,
                ArtifactContract.META_MODEL_KIND, ScPretrainFamily.KIND,
                ArtifactContract.META_PREPROCESSING, ArtifactContract.PREPROCESSING));
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }
}
