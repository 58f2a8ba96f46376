package org.cytolabel.cli;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cytolabel.cli.client.TrainerClient;
import org.cytolabel.proto.model.v1.Evaluation;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.service.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Upload a dataset (h5ad or 10x directory) to a trainer, train, and publish the model.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--trainer", defaultValue = "localhost:50052", description = "Trainer address (default: ${DEFAULT-VALUE}).")
    String trainer;

    @Option(names = "--data", required = true, description = "An .h5ad file or a 10x Cell Ranger directory.")
    Path data;

    @Option(names = "--label-column", required = true, description = "The obs column with cell-type labels.")
    String labelColumn;

    @Option(names = "--model", defaultValue = "mlp", description = "Model kind: linear, mlp, scnym, sctab, gcn, fc, ae-fc, scpretrain, celltypist, xgboost"
            + " (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--name", required = true, description = "Publish the model under this name.")
    String name;

    @Option(names = "--alias", defaultValue = "", description = "Move this alias (e.g. production) to the new version.")
    String alias;

    @Option(names = "--split-column", defaultValue = "", description = "Hold out whole groups (donors, samples).")
    String splitColumn;

    @Option(names = "--test-groups", split = ",", description = "Groups of --split-column used as the test set.")
    List<String> testGroups = List.of();

    @Option(names = "--test-fraction", description = "Held-out fraction when no test groups are named (default 0.2).")
    Double testFraction;

    @Option(names = "--epochs", defaultValue = "0")
    int epochs;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--unlabeled", split = ",",
            description = "Unlabeled target data (h5ad or 10x) for models that learn from it (scnym, scpretrain).")
    List<Path> unlabeled = List.of();

    @Option(names = "--domain-column", defaultValue = "",
            description = "obs column of domains (batches) across labeled and unlabeled cells (scnym).")
    String domainColumn;

    @Option(names = "--hp", description = "Hyper-parameter key=value (lr, weight_decay, batch_size, hidden, ...).")
    Map<String, String> hyperParameters = Map.of();

    @Override
    public Integer call() {
        ManagedChannel channel = Transport.channel(trainer);
        try {
            TrainerClient client = new TrainerClient(channel);
            String datasetName = data.getFileName().toString().replaceFirst("\\.h5ad$", "");
            DatasetInfo info = client.upload(data, datasetName);
            System.out.printf("uploaded %s: %d cells x %d genes%n", info.getDatasetId(), info.getCells(), info.getGenes());
            TrainingRequest.Builder req = TrainingRequest.newBuilder().setModelKind(model).addDatasetIds(info.getDatasetId())
                    .setLabelColumn(labelColumn).setSplitColumn(splitColumn).addAllTestGroups(testGroups)
                    .setMaxEpochs(epochs).setSeed(seed).setPublishAs(name).setAlias(alias)
                    .putAllHyperParameters(hyperParameters).setDomainColumn(domainColumn);
            for (Path u : unlabeled) {
                DatasetInfo ui = client.upload(u, u.getFileName().toString().replaceFirst("\\.h5ad$", ""));
                System.out.printf("uploaded unlabeled %s: %d cells%n", ui.getDatasetId(), ui.getCells());
                req.addUnlabeledDatasetIds(ui.getDatasetId());
            }
            if (testFraction != null) {
                req.setTestFraction(testFraction);
            }
            ModelCard card = client.train(System.out, req.build());
            System.out.printf("published %s:%d (sha256 %s)%n", card.getName(), card.getVersion(), card.getSha256());
            for (Evaluation e : card.getEvaluationsList()) {
                System.out.printf("  %-10s cells %5d  accuracy %.4f  macro-F1 %.4f  ontology macro-F1 %.4f  ECE %.4f%n",
                        e.getSplit(), e.getCells(), e.getAccuracy(), e.getMacroF1(), e.getOntologyMacroF1(), e.getEce());
            }
            return 0;
        } finally {
            Transport.close(channel);
        }
    }
}
