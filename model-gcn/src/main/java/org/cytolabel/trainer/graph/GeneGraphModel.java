package org.cytolabel.trainer.graph;

import ai.djl.Model;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.train.EpochReport;

/** A trained "fc", "ae-fc" or "gcn" classifier and the DJL model that owns its native memory. */
final class GeneGraphModel implements FittedModel {
    private final Model model;
    private final GeneGraphNetwork network;
    private final GeneGraphConfig config;
    private final int bestEpoch;
    private final List<EpochReport> history;
    private final Map<String, String> hyperParameters;
    private final Map<String, String> notes;
    private boolean closed;

    GeneGraphModel(Model model, GeneGraphNetwork network, GeneGraphConfig config, int bestEpoch,
            List<EpochReport> history, Map<String, String> hyperParameters, Map<String, String> notes) {
        this.model = model;
        this.network = network;
        this.config = config;
        this.bestEpoch = bestEpoch;
        this.history = List.copyOf(history);
        this.hyperParameters = Map.copyOf(hyperParameters);
        this.notes = Map.copyOf(notes);
    }

    @Override
    public String kind() {
        return config.kind();
    }

    @Override
    public synchronized float[][] predictProbabilities(CsrMatrix counts) {
        if (closed) {
            throw new IllegalStateException("this model has been closed");
        }
        if (counts.cols() != network.panelGenes()) {
            throw CytoLabelException.invalid("the model takes " + network.panelGenes()
                    + " genes in its panel order, got a matrix with " + counts.cols() + " columns");
        }
        return GeneGraphTrainer.predict(network, model.getNDManager(), counts);
    }

    @Override
    public synchronized byte[] exportOnnx(String modelName) {
        if (closed) {
            throw new IllegalStateException("this model has been closed");
        }
        return GeneGraphExporter.export(network, modelName, config.kind());
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

    /**
     * Graph facts for the model card: source, panel genes covered, edges kept and dropped, unknown
     * genes dropped, model genes, the prior graph's padded slots and bytes, the learned graph's
     * genes and its attention bytes per 256 cells; for "ae-fc" the autoencoder's final MSE.
     */
    @Override
    public Map<String, String> notes() {
        return notes;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
