package org.cytolabel.cli.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cytolabel.cli.client.TrainerClient;
import org.cytolabel.cli.demo.LocalCluster;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.registry.client.FetchedModel;
import org.cytolabel.registry.client.RegistryClient;

/** Uploads the training set, trains and publishes each model kind as the demo does, and fetches the ONNX back. */
final class BenchModels {
    private static final double TEST_FRACTION = 0.2;
    private static final double VALIDATION_FRACTION = 0.1;

    private BenchModels() {
    }

    static List<BenchModel> trainAndFetch(LocalCluster cluster, Path h5ad, List<String> kinds, int epochs, long seed,
            PrintStream out) {
        TrainerClient trainer = new TrainerClient(cluster.trainerChannel());
        DatasetInfo data = trainer.upload(h5ad, "zheng2017_sorted_MUDAN");
        out.printf("uploaded %s (%d cells x %d genes)%n", data.getDatasetId(), data.getCells(), data.getGenes());
        List<BenchModel> models = new ArrayList<>();
        try (RegistryClient registry = RegistryClient.connect(cluster.registryTarget())) {
            for (String kind : kinds) {
                ModelCard published = trainer.train(out, TrainingRequest.newBuilder().setModelKind(kind)
                        .addDatasetIds(data.getDatasetId()).setLabelColumn("cell_type")
                        .setTestFraction(TEST_FRACTION).setValidationFraction(VALIDATION_FRACTION).setSeed(seed)
                        .setMaxEpochs(epochs).setPublishAs("bench-" + kind).setAlias("production").build());
                BenchModel model = new BenchModel(kind, published, null);
                FetchedModel fetched = registry.fetch(model.ref());
                models.add(new BenchModel(kind, fetched.card(), fetched.onnx()));
                out.printf("fetched %s from the registry (%,d bytes)%n", model.label(), fetched.onnx().length);
            }
        }
        return models;
    }
}
