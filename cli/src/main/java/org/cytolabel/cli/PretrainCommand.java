package org.cytolabel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.data.GeneList;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.trainer.pretrain.GeneSpace;
import org.cytolabel.trainer.pretrain.PretrainConfig;
import org.cytolabel.trainer.pretrain.PretrainedEncoder;
import org.cytolabel.trainer.pretrain.Pretrainer;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cytolabel pretrain}: scPretrain's self-supervised encoder from unlabeled datasets (the
 * union of their genes, zero where a dataset lacks one), saved for fine-tuning
 * ({@code --hp encoder=FILE} with model kind scpretrain) and, with {@code --registry}, published as
 * a servable encoder whose {@code embedding} output the inference service streams.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain an scPretrain cell encoder on unlabeled data; save it and optionally publish it.")
public final class PretrainCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, split = ",", description = "Unlabeled .h5ad files or 10x directories.")
    List<Path> data;

    @Option(names = "--save", required = true, description = "Write the encoder here (.scpt).")
    Path save;

    @Option(names = "--registry", description = "Publish the encoder to this registry (host:port).")
    String registry;

    @Option(names = "--name", defaultValue = "pbmc-encoder", description = "Model name when publishing (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--alias", defaultValue = "", description = "Move this alias to the published version.")
    String alias;

    @Option(names = "--iterations", defaultValue = "10",
            description = "Re-clustering rounds after the first (paper: 10; default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs per round (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-cells", defaultValue = "4000", description = "Cells per dataset, subsampled (0: all).")
    int maxCells;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Override
    public Integer call() {
        List<CellDataset> sets = new ArrayList<>();
        for (Path p : data) {
            sets.add(DatasetReader.read(p));
        }
        GeneSpace space = GeneSpace.union(sets.stream().map(d -> d.genes().symbols()).toList());
        List<Pretrainer.Dataset> aligned = new ArrayList<>();
        for (CellDataset d : sets) {
            aligned.add(new Pretrainer.Dataset(d.name(), space.align(d.counts(), d.genes().symbols())));
            System.out.printf("%s: %d cells, %d of the %d union genes%n", d.name(), d.cells(), d.genes().size(),
                    space.size());
        }
        PretrainConfig paper = PretrainConfig.paper(seed).withIterations(iterations, epochs);
        PretrainConfig cfg = new PretrainConfig(paper.hidden(), paper.iterations(), paper.epochsPerIteration(),
                paper.batchSize(), paper.learningRate(), paper.pcaComponents(), maxCells, paper.divisors(), seed);
        Pretrainer.Result result;
        try (ProgressBar bar = new ProgressBar("pretraining", iterations + 1L, "rounds")) {
            result = Pretrainer.pretrain(space.genes(), aligned, cfg, new TrainingListener() {
                @Override
                public void onEpoch(EpochReport r) {
                    bar.set(r.epoch());
                    System.err.printf(Locale.ROOT, "%n  round %d: loss %.4f%s", r.epoch(), r.trainLoss(),
                            r.metrics().entrySet().stream().filter(e -> e.getKey().startsWith("ari_"))
                                    .map(e -> String.format(Locale.ROOT, " %s %.3f", e.getKey(), e.getValue()))
                                    .reduce("", String::concat));
                }
            });
        }
        PretrainedEncoder encoder = result.encoder();
        encoder.save(save);
        System.out.println("saved the encoder (" + space.size() + " genes -> " + encoder.hidden() + ") to " + save);
        if (registry != null) {
            byte[] onnx = encoder.exportOnnx(name);
            ModelCard card = EncoderCard.of(name, encoder, sets, cfg, onnx);
            try (RegistryClient client = RegistryClient.connect(registry)) {
                ModelCard stored = client.publish(RegistryClient.withDigest(card, onnx), onnx);
                if (!alias.isEmpty()) {
                    client.setAlias(name, alias, stored.getVersion(), 0);
                }
                System.out.printf("published %s:%d%s%n", stored.getName(), stored.getVersion(),
                        alias.isEmpty() ? "" : " as " + name + "@" + alias);
            }
        }
        return 0;
    }

    /** The panel of an encoder over {@code genes}. */
    static GenePanel panel(List<String> genes) {
        return new GenePanel(GeneList.ofSymbols(genes));
    }
}
