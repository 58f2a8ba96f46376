package org.cytolabel.trainer.train;

import java.util.Map;
import org.cytolabel.trainer.export.OnnxExporter;
import org.cytolabel.trainer.model.FittedModel;

/** A trained linear or MLP classifier; holds native memory until closed. */
public interface TrainedClassifier extends FittedModel {

    /** The kept (best-epoch) weights as plain arrays, for export. */
    ClassifierWeights weights();

    TrainingConfig config();

    @Override
    default String kind() {
        return config().modelKind();
    }

    @Override
    default byte[] exportOnnx(String modelName) {
        return OnnxExporter.export(weights(), weights().numGenes(), weights().numClasses(), modelName);
    }

    @Override
    default Map<String, String> hyperParameters() {
        return config().asMap();
    }
}
