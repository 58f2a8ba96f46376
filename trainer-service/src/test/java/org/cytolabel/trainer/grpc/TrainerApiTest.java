package org.cytolabel.trainer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cytolabel.core.TestData;
import org.cytolabel.proto.model.v1.Evaluation;
import org.cytolabel.proto.model.v1.Label;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.JobEvent.Phase;
import org.cytolabel.proto.trainer.v1.ListDatasetsRequest;
import org.cytolabel.proto.trainer.v1.ObsColumn;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Trainer API over loopback gRPC against a real registry: the Kang 2018 10x directory is
 * uploaded, an MLP is trained on the control cells and tested on the IFN-β stimulated ones (split
 * S2 of DESIGN.md, the domain shift), and the published model is looked up in the registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainerApiTest {
    private static final Map<String, Long> KANG_TYPES = Map.of("B cells", 298L, "CD14+ Monocytes", 400L,
            "CD4 T cells", 400L, "CD8 T cells", 209L, "FCGR3A+ Monocytes", 249L);
    private static final Map<String, Long> KANG_SAMPLES = Map.of("ctrl101", 454L, "ctrl107", 296L,
            "stim101", 500L, "stim107", 306L);
    private static final Map<String, String> KANG_CL_IDS = Map.of("B cells", "CL:0000236",
            "CD14+ Monocytes", "CL:0001054", "CD4 T cells", "CL:0000624", "CD8 T cells", "CL:0000625",
            "FCGR3A+ Monocytes", "CL:0002396");

    @TempDir
    static Path dir;

    private TrainerCluster cluster;
    private DatasetInfo kang;
    private List<JobEvent> s2;
    private double s2Seconds;

    @BeforeAll
    void uploadAndTrainS2() {
        cluster = TrainerCluster.start(dir);
        kang = cluster.uploadFiles("kang2018_ctrl_stim", "10x",
                TrainerCluster.filesOf(TestData.file(TestData.KANG_10X)));
        long t0 = System.nanoTime();
        String job = cluster.submit(TrainingRequest.newBuilder().setModelKind("mlp").addDatasetIds(kang.getDatasetId())
                .setLabelColumn("cluster_id").setSplitColumn("group_id").addTestGroups("stim").setSeed(0)
                .setPublishAs("kang-s2").setAlias("production").build());
        s2 = cluster.watch(job);
        s2Seconds = (System.nanoTime() - t0) / 1e9;
        long start = s2.get(0).getAt().getSeconds();
        s2.forEach(e -> System.out.printf(Locale.ROOT, "  #%d +%ds %s %s%n", e.getSequence(),
                e.getAt().getSeconds() - start, e.getPhase(), e.getMessage()));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void uploadOfKang10xDescribesCellsGenesAndObs() {
        assertEquals(1556, kang.getCells());
        assertEquals(1267, kang.getGenes());
        assertEquals("10x", kang.getFormat());
        assertEquals(64, kang.getSha256().length());
        assertEquals("kang2018_ctrl_stim-" + kang.getSha256().substring(0, 12), kang.getDatasetId());
        Map<String, ObsColumn> cols = new TreeMap<>();
        kang.getObsColumnsList().forEach(c -> cols.put(c.getName(), c));
        assertEquals(List.of("cluster_id", "group_id", "sample_id"), List.copyOf(cols.keySet()));
        assertEquals(Map.of("ctrl", 750L, "stim", 806L), cols.get("group_id").getCategoryCountsMap());
        assertEquals(2, cols.get("group_id").getNCategories());
        assertEquals(KANG_TYPES, cols.get("cluster_id").getCategoryCountsMap());
        assertEquals(KANG_SAMPLES, cols.get("sample_id").getCategoryCountsMap());
    }

    @Test
    void sameBytesUploadedTwiceAreOneDataset() {
        DatasetInfo again = cluster.uploadFiles("kang2018_ctrl_stim", "10x",
                TrainerCluster.filesOf(TestData.file(TestData.KANG_10X)));
        assertEquals(kang, again);
        List<DatasetInfo> listed = cluster.blocking().listDatasets(ListDatasetsRequest.getDefaultInstance())
                .getDatasetsList();
        assertEquals(1, listed.stream().filter(d -> d.getDatasetId().equals(kang.getDatasetId())).count());
        assertEquals(kang, listed.stream().filter(d -> d.getDatasetId().equals(kang.getDatasetId())).findFirst()
                .orElseThrow());
    }

    @Test
    void watchStreamsEveryPhaseInOrder() {
        for (int i = 0; i < s2.size(); i++) {
            assertEquals(i + 1, s2.get(i).getSequence(), "sequence numbers count up from 1 without gaps");
            assertEquals(s2.get(0).getJobId(), s2.get(i).getJobId());
        }
        List<Phase> phases = new ArrayList<>();
        for (JobEvent e : s2) {
            if (phases.isEmpty() || phases.get(phases.size() - 1) != e.getPhase()) {
                phases.add(e.getPhase());
            }
        }
        assertEquals(List.of(Phase.QUEUED, Phase.LOADING_DATA, Phase.TRAINING, Phase.EXPORTING, Phase.EVALUATING,
                Phase.PUBLISHING, Phase.SUCCEEDED), phases);

        List<JobEvent> epochs = s2.stream().filter(e -> e.getPhase() == Phase.TRAINING && e.getEpoch() > 0).toList();
        assertFalse(epochs.isEmpty());
        for (int i = 0; i < epochs.size(); i++) {
            JobEvent e = epochs.get(i);
            assertEquals(i + 1, e.getEpoch(), "epochs 1..k in order");
            assertEquals(40, e.getMaxEpochs(), "the mlp's default epoch budget");
            assertTrue(e.getLossesOrThrow("train") > 0 && Double.isFinite(e.getLossesOrThrow("train")));
            assertTrue(e.getLossesOrThrow("validation") > 0 && Double.isFinite(e.getLossesOrThrow("validation")));
            assertTrue(e.getValidationMacroF1() > 0 && e.getValidationMacroF1() <= 1);
        }
        ModelCard card = s2.get(s2.size() - 1).getCard();
        int best = Integer.parseInt(card.getHyperParametersOrThrow("best_epoch"));
        assertEquals(epochs.stream().mapToDouble(JobEvent::getValidationMacroF1).max().orElseThrow(),
                epochs.get(best - 1).getValidationMacroF1(), "the card's best epoch is the best validation F1");
    }

    @Test
    void finalEventCarriesThePublishedCard() {
        JobEvent last = s2.get(s2.size() - 1);
        assertEquals(Phase.SUCCEEDED, last.getPhase());
        ModelCard card = last.getCard();
        assertEquals("kang-s2", card.getName());
        assertEquals(1, card.getVersion());
        assertEquals("kang-s2", last.getModel().getName());
        assertEquals(1, last.getModel().getVersion());
        assertEquals(List.of("production"), card.getAliasesList());
        assertEquals("mlp", card.getModelKind());
        assertEquals(1267, card.getGenePanel().getSymbolsCount());
        assertEquals("cluster_id", card.getTrainingData().getLabelColumn());
        assertEquals(806, card.getTrainingData().getTestCells(), "every stimulated cell is a test cell");
        assertEquals(750, card.getTrainingData().getTrainCells() + card.getTrainingData().getValidationCells());
        assertEquals(74, card.getTrainingData().getValidationCells(), "per type, round(10%) of the control cells");
        assertTrue(card.getTrainingData().getSplit().contains("test [stim]"), card.getTrainingData().getSplit());
        assertEquals(kang.getSha256(), card.getTrainingData().getDatasets(0).getSha256());
    }

    /**
     * Measured macro-F1 0.8707, accuracy 0.8759 on the 806 stimulated cells (seed 0, default mlp:
     * early stopping on the validation macro-F1 of 74 control cells chose epoch 8 of 16), the same
     * on every run. Seeds 1 and 2 score 0.820 and 0.810 (mean 0.833 ± 0.033), below Python's MLP
     * 2x256 (40 epochs, last epoch, all 750 control cells): 0.897 ± 0.003. The floor holds seed 0.
     */
    @Test
    void mlpTrainedOnControlCellsAnnotatesStimulatedCells() {
        ModelCard card = s2.get(s2.size() - 1).getCard();
        Evaluation test = evaluation(card, "test");
        System.out.printf(Locale.ROOT, "S2 mlp: test macro-F1 %.4f, accuracy %.4f, ontology macro-F1 %.4f, ECE %.4f,"
                + " best epoch %s, %.1f s from submit to SUCCEEDED%n per class %s%n", test.getMacroF1(),
                test.getAccuracy(), test.getOntologyMacroF1(), test.getEce(),
                card.getHyperParametersOrThrow("best_epoch"), s2Seconds, new TreeMap<>(test.getPerClassF1Map()));
        assertEquals(806, test.getCells());
        assertTrue(test.getMacroF1() >= 0.85, "S2 test macro-F1 " + test.getMacroF1());
        assertTrue(test.getAccuracy() >= 0.86, "S2 test accuracy " + test.getAccuracy());
        assertTrue(test.getOntologyMacroF1() >= test.getMacroF1() - 1e-9);
        assertEquals(KANG_TYPES.keySet(), test.getPerClassF1Map().keySet());
        assertEquals(74, evaluation(card, "validation").getCells());
    }

    @Test
    void cardLabelsCarryCellOntologyIds() {
        ModelCard card = s2.get(s2.size() - 1).getCard();
        Map<String, String> ids = new TreeMap<>();
        for (Label l : card.getLabelsList()) {
            ids.put(l.getName(), l.getCellOntologyId());
            assertFalse(l.getCellOntologyName().isEmpty(), l.getName() + " has a Cell Ontology name");
        }
        assertEquals(KANG_CL_IDS, ids);
        assertEquals("CD14-positive monocyte", card.getLabelsList().stream()
                .filter(l -> l.getName().equals("CD14+ Monocytes")).findFirst().orElseThrow().getCellOntologyName());
    }

    @Test
    void registryResolvesTheAliasToTheSameBytes() {
        ModelCard card = s2.get(s2.size() - 1).getCard();
        ModelCard resolved = cluster.registry.resolve(RegistryClient.parseRef("kang-s2@production"));
        assertEquals(1, resolved.getVersion());
        assertEquals(card.getSha256(), resolved.getSha256());
        assertEquals(List.of("production"), resolved.getAliasesList());
        var fetched = cluster.registry.fetch(RegistryClient.parseRef("kang-s2:1"));
        assertEquals(card.getSha256(), TrainerCluster.sha256(fetched.onnx()));
    }

    @Test
    void splitBySampleWithoutNamedTestGroupsHoldsOutWholeSamples() {
        String job = cluster.submit(TrainingRequest.newBuilder().setModelKind("linear")
                .addDatasetIds(kang.getDatasetId()).setLabelColumn("cluster_id").setSplitColumn("sample_id")
                .setMaxEpochs(3).setSeed(7).setPublishAs("kang-by-sample").build());
        List<JobEvent> events = cluster.watch(job);
        JobEvent last = events.get(events.size() - 1);
        assertEquals(Phase.SUCCEEDED, last.getPhase(), last.getMessage());
        var data = last.getCard().getTrainingData();
        String split = data.getSplit();
        System.out.println("split by sample: " + split + "; train " + data.getTrainCells() + ", validation "
                + data.getValidationCells() + ", test " + data.getTestCells());
        List<String> test = groups(split, "test \\[([^\\]]*)\\]");
        List<String> validation = groups(split, "validation groups \\[([^\\]]*)\\]");
        assertFalse(test.isEmpty());
        assertFalse(validation.isEmpty(), "two or more samples remain after the test ones: one whole sample validates");
        assertTrue(KANG_SAMPLES.keySet().containsAll(test) && KANG_SAMPLES.keySet().containsAll(validation));
        assertTrue(test.stream().noneMatch(validation::contains));
        assertEquals(cells(test), data.getTestCells(), "test cells are exactly the test samples' cells");
        assertEquals(cells(validation), data.getValidationCells());
        assertEquals(1556, data.getTrainCells() + data.getValidationCells() + data.getTestCells());
        assertTrue(data.getTestCells() >= 0.2 * 1556, "the default test fraction 0.2 is reached");
        assertEquals(3, Integer.parseInt(last.getCard().getHyperParametersOrThrow("epochs")));
        assertTrue(last.getCard().getAliasesList().isEmpty());
    }

    private static long cells(List<String> samples) {
        return samples.stream().mapToLong(KANG_SAMPLES::get).sum();
    }

    private static List<String> groups(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return m.group(1).isBlank() ? List.of() : Arrays.stream(m.group(1).split(",")).map(String::strip).toList();
    }

    private static Evaluation evaluation(ModelCard card, String split) {
        return card.getEvaluationsList().stream().filter(e -> e.getSplit().equals(split)).findFirst().orElseThrow();
    }
}
