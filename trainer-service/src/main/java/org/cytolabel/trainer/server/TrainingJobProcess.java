package org.cytolabel.trainer.server;

import java.nio.file.Path;
import org.cytolabel.core.ontology.BundledOntology;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.trainer.dataset.DatasetStore;
import org.cytolabel.trainer.pipeline.LabelOntology;
import org.cytolabel.trainer.pipeline.PipelineProgress;
import org.cytolabel.trainer.pipeline.TrainingPipeline;
import org.cytolabel.trainer.pipeline.TrainingPlan;

/**
 * The inside of a training Job ({@code cytolabel run-job}): the same pipeline the in-process runner
 * uses, over the datasets mounted under {@code dataDir} and publishing to {@code registryTarget}.
 */
public final class TrainingJobProcess {
    private TrainingJobProcess() {
    }

    /** Trains, exports, checks and publishes {@code plan}; returns the stored card. */
    public static ModelCard run(TrainingPlan plan, Path dataDir, String registryTarget, PipelineProgress progress) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        try (RegistryClient registry = RegistryClient.connect(registryTarget)) {
            DatasetStore store = new DatasetStore(dataDir, 1);
            LabelOntology labels = new LabelOntology(BundledOntology.cellOntology(), BundledOntology.labelMap());
            return new TrainingPipeline(store, new RegistryPublisher(registry), labels).run(plan, progress);
        }
    }
}
