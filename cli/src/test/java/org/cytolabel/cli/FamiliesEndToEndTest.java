package org.cytolabel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.cytolabel.cli.client.AnnotateClient;
import org.cytolabel.cli.client.CellSource;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.cli.client.TrainerClient;
import org.cytolabel.cli.demo.LocalCluster;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.panel.GeneAligner;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.annotation.v1.GeneWeight;
import org.cytolabel.proto.annotation.v1.OutputOptions;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.registry.client.FetchedModel;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.trainer.export.OnnxRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every model family through the real services: trained by the trainer API on Kang control cells
 * (stimulated cells held out, and given unlabeled to the families that learn from them), published,
 * and annotated over gRPC with the family's extra outputs, which must equal what ONNX Runtime
 * computes in-process on the published artifact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FamiliesEndToEndTest {
    @TempDir
    static Path work;

    private LocalCluster cluster;
    private TrainerClient trainer;
    private DatasetInfo kang;
    private CellDataset stim;

    @BeforeAll
    void start() {
        cluster = LocalCluster.start(work);
        trainer = new TrainerClient(cluster.trainerChannel());
        kang = trainer.upload(TestData.file(TestData.KANG_EXAMPLE), "kang_example");
        CellDataset all = DatasetReader.read(TestData.file(TestData.KANG_EXAMPLE));
        List<String> group = all.obsColumn("group_id");
        stim = all.selectCells(IntStream.range(0, all.cells()).filter(i -> group.get(i).equals("stim")).toArray());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private TrainingRequest.Builder ctrlToStim(String kind, String name) {
        return TrainingRequest.newBuilder().setModelKind(kind).addDatasetIds(kang.getDatasetId())
                .setLabelColumn("cluster_id").setSplitColumn("group_id").addTestGroups("stim").setSeed(0)
                .setPublishAs(name).setAlias("production");
    }

    private ModelCard train(TrainingRequest.Builder request, List<JobEvent> epochs) {
        return trainer.train(System.out, request.build(), epochs);
    }

    private List<CellPrediction> annotate(String model, OutputOptions extras) {
        List<CellPrediction> out = new ArrayList<>();
        try (CellSource source = CellSource.of(stim); ProgressBar bar = new ProgressBar("annotating", stim.cells(),
                "cells")) {
            AnnotateClient.annotate(cluster.inferenceChannel(), source, AnnotateClient.Options.of(
                    RegistryClient.parseRef(model)).withChunkSize(200).withTopK(0).withExtras(extras),
                    r -> out.addAll(r.getCellsList()), bar);
        }
        return out;
    }

    /** The published artifact's named output for the stimulated cells, run in-process. */
    private float[][] inProcess(ModelCard card, String output) {
        try (RegistryClient registry = RegistryClient.connect(cluster.registryTarget())) {
            FetchedModel m = registry.fetch(ModelRef.newBuilder().setName(card.getName())
                    .setVersion(card.getVersion()).build());
            CsrMatrix counts = GeneAligner.align(GenePanel.fromProto(m.card().getGenePanel()),
                    stim.genes().identifiers(), 0.5).toModelOrder(stim.counts());
            try (OnnxRunner runner = new OnnxRunner(m.onnx())) {
                return runner.output(counts, output);
            }
        }
    }

    private static double accuracy(List<CellPrediction> cells, List<String> truth) {
        int right = 0;
        for (int i = 0; i < cells.size(); i++) {
            right += cells.get(i).getLabel().equals(truth.get(i)) ? 1 : 0;
        }
        return right / (double) cells.size();
    }

    @Test
    void scnymAdaptsToTheUnlabeledTargetAndServesSaliency() {
        List<JobEvent> epochs = new ArrayList<>();
        ModelCard card = train(ctrlToStim("scnym", "kang-scnym").addUnlabeledDatasetIds(kang.getDatasetId())
                .setDomainColumn("group_id").putHyperParameters("epochs", "12"), epochs);
        assertTrue(epochs.stream().anyMatch(e -> e.getLossesMap().keySet().containsAll(
                Set.of("consistency_loss", "adversary_loss", "domain_accuracy"))), "WatchJob streams scNym's losses");
        assertTrue(card.getNotesMap().containsKey("temperature"), "the fitted temperature is in the card");
        assertTrue(card.getOutputsList().stream().anyMatch(o -> o.getName().equals("saliency")));

        List<CellPrediction> served = annotate("kang-scnym@production",
                OutputOptions.newBuilder().setSaliencyFull(true).setSaliencyTopN(10).build());
        assertEquals(stim.cells(), served.size());
        assertTrue(accuracy(served, stim.obsColumn("cluster_id")) > 0.75, "stimulated cells are labelled");
        float[][] reference = inProcess(card, "saliency");
        double maxDiff = 0;
        for (int i = 0; i < served.size(); i++) {
            List<Float> v = served.get(i).getSaliencyVectorList();
            assertEquals(reference[i].length, v.size());
            for (int g = 0; g < v.size(); g++) {
                maxDiff = Math.max(maxDiff, Math.abs(v.get(g) - reference[i][g]));
            }
            List<GeneWeight> top = served.get(i).getSaliencyList();
            assertEquals(10, top.size());
            for (int k = 1; k < top.size(); k++) {
                assertTrue(Math.abs(top.get(k - 1).getValue()) >= Math.abs(top.get(k).getValue()), "top-N by |value|");
            }
            assertEquals(card.getGenePanel().getSymbols(top.get(0).getIndex()), top.get(0).getGene());
        }
        assertTrue(maxDiff <= 1e-5, "served saliency equals the artifact's (which the trainer held to DJL's"
                + " autograd gradient within 1e-4): max |diff| " + maxDiff);
    }

    @Test
    void sctabServesAnExactlySparseMask() {
        ModelCard card = train(ctrlToStim("sctab", "kang-sctab").putHyperParameters("epochs", "6"), new ArrayList<>());
        List<CellPrediction> served = annotate("kang-sctab@production",
                OutputOptions.newBuilder().setMaskNonzero(true).build());
        float[][] mask = inProcess(card, ArtifactContract.OUTPUT_MASK);
        for (int i = 0; i < served.size(); i++) {
            double sum = 0;
            long nonZero = 0;
            for (float m : mask[i]) {
                sum += m;
                nonZero += m != 0f ? 1 : 0;
            }
            assertEquals(1.0, sum, 1e-4, "mask rows sum to 1");
            assertEquals(nonZero, served.get(i).getMaskCount(), "every non-zero entry, and only those");
            for (GeneWeight w : served.get(i).getMaskList()) {
                assertEquals(mask[i][w.getIndex()], w.getValue(), 1e-6);
            }
            assertEquals(1 - served.get(i).getProbability(), served.get(i).getUncertainty(), 1e-5,
                    "uncertainty is 1 - max (mean) probability");
        }
    }

    @Test
    void scpretrainServesEmbeddings() {
        List<JobEvent> epochs = new ArrayList<>();
        ModelCard card = train(ctrlToStim("scpretrain", "kang-scpretrain").addUnlabeledDatasetIds(kang.getDatasetId())
                .putHyperParameters("epochs", "10").putHyperParameters("pretrain_iterations", "1")
                .putHyperParameters("pretrain_max_cells", "800"), epochs);
        assertTrue(epochs.stream().anyMatch(e -> e.getLossesMap().getOrDefault("phase", -1.0) == 0.0
                && e.getLossesMap().keySet().stream().anyMatch(k -> k.startsWith("loss_"))),
                "WatchJob streams the pretraining rounds with their task losses");
        assertTrue(epochs.stream().anyMatch(e -> e.getLossesMap().getOrDefault("phase", -1.0) == 1.0),
                "then the fine-tuning epochs");
        List<CellPrediction> served = annotate("kang-scpretrain@production",
                OutputOptions.newBuilder().setEmbedding(true).build());
        float[][] embedding = inProcess(card, ArtifactContract.OUTPUT_EMBEDDING);
        double maxDiff = 0;
        for (int i = 0; i < served.size(); i++) {
            assertEquals(embedding[i].length, served.get(i).getEmbeddingCount());
            for (int d = 0; d < embedding[i].length; d++) {
                maxDiff = Math.max(maxDiff, Math.abs(embedding[i][d] - served.get(i).getEmbedding(d)));
            }
        }
        assertTrue(maxDiff <= 1e-5, "served embedding equals the artifact's: " + maxDiff);
    }

    @Test
    void everyOtherFamilyTrainsPublishesAndAnnotates() {
        java.util.Map<String, String> epochs = java.util.Map.of("gcn", "4", "fc", "6", "celltypist", "15", "xgboost", "40");
        for (String kind : List.of("gcn", "fc", "celltypist", "xgboost")) {
            ModelCard card = train(ctrlToStim(kind, "kang-" + kind).putHyperParameters("epochs", epochs.get(kind)),
                    new ArrayList<>());
            assertEquals(kind, card.getModelKind());
            List<CellPrediction> served = annotate("kang-" + kind + "@production", OutputOptions.getDefaultInstance());
            double acc = accuracy(served, stim.obsColumn("cluster_id"));
            assertTrue(acc > 0.6, kind + " accuracy on stimulated cells " + acc);
        }
    }

    @Test
    void askingForAnOutputTheModelLacksIsRefused() {
        train(ctrlToStim("linear", "kang-linear"), new ArrayList<>());
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> annotate("kang-linear@production", OutputOptions.newBuilder().setMaskTopN(5).build()));
        assertTrue(e.getMessage().contains("has no 'mask' output"), e.getMessage());
    }
}
