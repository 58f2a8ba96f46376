package org.cytolabel.trainer.graph;

import ai.djl.Model;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.model.FittedModelBase;
import org.cytolabel.trainer.train.EpochReport;

/**
 * A trained "fc", "ae-fc" or "gcn" classifier and the DJL model that owns its native memory. Its
 * notes carry the graph facts for the model card: source, panel genes covered, edges kept and
 * dropped, unknown genes dropped, model genes, the prior graph's padded slots and bytes, the
 * learned graph's genes and its attention bytes per 256 cells; for "ae-fc" the autoencoder's MSE.
 */
final class GeneGraphModel extends FittedModelBase {
    private final Model model;
    private final GeneGraphNetwork network;
    private final GeneGraphConfig config;
    private boolean closed;

    GeneGraphModel(Model model, GeneGraphNetwork network, GeneGraphConfig config, int bestEpoch,
            List<EpochReport> history, Map<String, String> hyperParameters, Map<String, String> notes) {
        super(bestEpoch, history, hyperParameters, notes, Map.of());
        this.model = model;
        this.network = network;
        this.config = config;
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
    public synchronized void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
