package org.cytolabel.cli.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.cytolabel.cli.client.AnnotateClient;
import org.cytolabel.cli.client.CellSource;
import org.cytolabel.cli.client.PredictionCsv;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.cli.client.TrainerClient;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.ontology.BundledOntology;
import org.cytolabel.core.ontology.CellOntology;
import org.cytolabel.core.ontology.LabelMap;
import org.cytolabel.core.plot.ConfusionMatrixPlot;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.model.v1.Label;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.trainer.pipeline.Splits;

/**
 * The end-to-end demo: three services on loopback; upload FACS-sorted PBMC; train and publish
 * (alias {@code production}); annotate the held-out 20% and the PBMC 68k cells through gRPC;
 * print accuracy, macro-F1 and ontology-aware macro-F1.
 */
public final class Demo {
    public static final String SORTED = "h5ad/zheng2017_sorted_MUDAN_referenceCounts.h5ad";
    public static final String PBMC68K = "h5ad/zheng2017_pbmc68k_reduced_counts_scanpy.h5ad";
    private static final double TEST_FRACTION = 0.2;
    private static final double VALIDATION_FRACTION = 0.1;

    /** What to run: data directory, working directory, model kind, seed, epochs (0: model default). */
    public record Config(Path dataDir, Path workDir, String modelKind, long seed, int epochs) {
    }

    /** The two score rows, the published cards, and the prediction files written. */
    public record Result(Scores heldOut, Scores pbmc68k, ModelCard heldOutCard, ModelCard panelCard, Path heldOutCsv,
            Path pbmc68kCsv) {
    }

    private Demo() {
    }

    public static Result run(Config c, PrintStream out) {
        try (LocalCluster cluster = LocalCluster.start(c.workDir())) {
            return run(c, cluster, out);
        }
    }

    /** Runs the demo against services that are already up (the cluster stays open). */
    public static Result run(Config c, LocalCluster cluster, PrintStream out) {
        CellOntology ontology = BundledOntology.cellOntology();
        LabelMap labelMap = BundledOntology.labelMap();
        out.printf("registry %s, trainer %s, inference %s (loopback gRPC)%n", cluster.registryTarget(),
                cluster.trainerTarget(), cluster.inferenceTarget());
        TrainerClient trainer = new TrainerClient(cluster.trainerChannel());
        DatasetInfo sorted = trainer.upload(c.dataDir().resolve(SORTED), "zheng2017_sorted_MUDAN");
        DatasetInfo pbmc68k = trainer.upload(c.dataDir().resolve(PBMC68K), "zheng2017_pbmc68k_reduced");
        out.printf("uploaded %s (%d cells x %d genes) and %s (%d cells x %d genes)%n", sorted.getDatasetId(),
                sorted.getCells(), sorted.getGenes(), pbmc68k.getDatasetId(), pbmc68k.getCells(), pbmc68k.getGenes());

        List<JobEvent> epochs = new ArrayList<>();
        ModelCard heldOutCard = trainer.train(out, request(c, sorted, "pbmc").setTestFraction(TEST_FRACTION)
                .build(), epochs);
        DemoPlots.trainingCurve(c.workDir().resolve("training_curve_pbmc.png"), epochs, "pbmc (" + c.modelKind() + ")");
        ModelCard panelCard = trainer.train(out, request(c, sorted, "pbmc-68k-panel").setTestFraction(0)
                .addPanelIntersectDatasetIds(pbmc68k.getDatasetId()).build());

        // S1: the same stratified split the trainer used, recomputed here from the same file and seed.
        CellDataset all = DatasetReader.read(c.dataDir().resolve(SORTED));
        List<String> labels = all.obsColumn("cell_type");
        List<String> classes = List.copyOf(new TreeSet<>(labels));
        int[] y = labels.stream().mapToInt(classes::indexOf).toArray();
        int[] test = Splits.stratified(y, TEST_FRACTION, VALIDATION_FRACTION, c.seed()).test();
        CellDataset heldOut = all.selectCells(test);
        Path heldOutCsv = c.workDir().resolve("predictions_sorted_pbmc_heldout.csv");
        List<CellPrediction> p1 = annotate(cluster, CellSource.of(heldOut), "pbmc@production", heldOutCsv);
        List<String> trueS1 = heldOut.obsColumn("cell_type");
        Scores s1 = Scores.of("sorted PBMC, held-out 20% (S1)", "pbmc:" + heldOutCard.getVersion(), trueS1,
                p1.stream().map(CellPrediction::getLabel).toList(),
                trueS1.stream().map(l -> labelMap.clId("zheng2017_sorted_MUDAN", l).orElse("")).toList(),
                p1.stream().map(CellPrediction::getCellOntologyId).toList(), ontology);

        // S4: PBMC 68k cells whose Cell Ontology id occurs in training, over the shared genes.
        Path pbmc68kCsv = c.workDir().resolve("predictions_pbmc68k.csv");
        CellDataset q = DatasetReader.read(c.dataDir().resolve(PBMC68K));
        List<CellPrediction> p4 = annotate(cluster, CellSource.of(q), "pbmc-68k-panel@production", pbmc68kCsv);
        Scores s4 = score68k(q, p4, panelCard, labelMap, ontology, "pbmc-68k-panel:" + panelCard.getVersion());

        ConfusionMatrixPlot.write(c.workDir().resolve("confusion_sorted_pbmc_heldout.png"), s1.report().confusion(),
                s1.report().classNames(), "sorted PBMC held-out, " + c.modelKind());
        ConfusionMatrixPlot.write(c.workDir().resolve("confusion_pbmc68k.png"), s4.report().confusion(),
                s4.report().classNames(), "PBMC 68k (shared types), " + c.modelKind());
        DemoPlots.reliability(c.workDir().resolve("reliability_sorted_pbmc_heldout.png"), p1, trueS1,
                "sorted PBMC held-out, " + c.modelKind());
        out.println();
        out.println(Scores.header());
        out.println(s1.row());
        out.println(s4.row());
        heldOutCard.getEvaluationsList().stream().filter(e -> e.getSplit().equals("test")).findFirst()
                .ifPresent(e -> out.printf("(trainer's own score of the exported graph on the same held-out cells: "
                        + "macro-F1 %.4f, accuracy %.4f, ECE %.4f)%n", e.getMacroF1(), e.getAccuracy(), e.getEce()));
        out.printf("predictions and confusion matrices in %s%n", c.workDir().toAbsolutePath());
        return new Result(s1, s4, heldOutCard, panelCard, heldOutCsv, pbmc68kCsv);
    }

    private static TrainingRequest.Builder request(Config c, DatasetInfo data, String name) {
        return TrainingRequest.newBuilder().setModelKind(c.modelKind()).addDatasetIds(data.getDatasetId())
                .setLabelColumn("cell_type").setValidationFraction(VALIDATION_FRACTION).setSeed(c.seed())
                .setMaxEpochs(c.epochs()).setPublishAs(name).setAlias("production");
    }

    static List<CellPrediction> annotate(LocalCluster cluster, CellSource source, String model, Path csv) {
        List<CellPrediction> all = new ArrayList<>();
        ModelRef ref = org.cytolabel.registry.client.RegistryClient.parseRef(model);
        try (source; PredictionCsv writer = new PredictionCsv(csv);
                ProgressBar bar = new ProgressBar("  annotating", source.cells(), "cells")) {
            AnnotateClient.annotate(cluster.inferenceChannel(), source, AnnotateClient.Options.of(ref).withChunkSize(256),
                    r -> {
                        writer.write(r);
                        all.addAll(r.getCellsList());
                    }, bar);
        }
        return all;
    }

    private static Scores score68k(CellDataset q, List<CellPrediction> preds, ModelCard card, LabelMap labelMap,
            CellOntology ontology, String model) {
        Set<String> trainedIds = new HashSet<>();
        for (Label l : card.getLabelsList()) {
            trainedIds.add(l.getCellOntologyId());
        }
        List<String> truthLabels = q.obsColumn("bulk_labels");
        List<String> tIds = new ArrayList<>();
        List<String> pIds = new ArrayList<>();
        for (int i = 0; i < q.cells(); i++) {
            String id = labelMap.clId("zheng2017_pbmc68k_reduced", truthLabels.get(i)).orElse("");
            if (trainedIds.contains(id)) {
                tIds.add(id);
                pIds.add(preds.get(i).getCellOntologyId());
            }
        }
        List<String> tNames = tIds.stream().map(ontology::name).toList();
        List<String> pNames = pIds.stream().map(ontology::name).toList();
        return Scores.of("PBMC 68k, cell types seen in training (S4)", model, tNames, pNames, tIds, pIds, ontology);
    }
}
