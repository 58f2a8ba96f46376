package org.cytolabel.trainer.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.trainer.dataset.DatasetStore;
import org.cytolabel.trainer.export.OnnxRunner;
import org.cytolabel.trainer.export.ParityCheck;
import org.cytolabel.trainer.export.ParityResult;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.LabeledMatrix;
import org.cytolabel.trainer.train.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training job from datasets to a published model: prepare, split, train (DJL), export
 * (ONNX), check parity, evaluate the exported graph, write the card, publish, move the alias.
 */
public final class TrainingPipeline {
    /** Largest difference allowed between DJL and ONNX Runtime probabilities. */
    public static final double PARITY_TOLERANCE = 1e-4;
    private static final Logger LOG = LoggerFactory.getLogger(TrainingPipeline.class);
    private static final int PARITY_CELLS = 256;

    private final DatasetStore datasets;
    private final ModelPublisher publisher;
    private final LabelOntology labels;

    public TrainingPipeline(DatasetStore datasets, ModelPublisher publisher, LabelOntology labels) {
        this.datasets = datasets;
        this.publisher = publisher;
        this.labels = labels;
    }

    public ModelCard run(TrainingPlan plan, PipelineProgress progress) {
        progress.phase(JobPhase.LOADING_DATA, "loading " + plan.datasetIds());
        PreparedData data = DataPreparation.prepare(plan, datasets);
        SplitAssignment split = split(plan, data);
        progress.phase(JobPhase.LOADING_DATA, String.format("%d cells, %d genes, %d classes; %s: %d train, "
                + "%d validation, %d test", data.labels().length, data.panel().size(), data.classNames().size(),
                split.description(), split.train().length, split.validation().length, split.test().length));
        if (split.validation().length == 0) {
            throw CytoLabelException.invalid("the split left no validation cells; set validation_fraction > 0");
        }
        checkCancelled(progress);

        ModelFamily family = ModelFamilies.get(plan.modelKind());
        Map<String, String> overrides = new HashMap<>(plan.hyperParameters());
        if (plan.maxEpochs() > 0 && family.defaults().containsKey("epochs")) {
            overrides.put("epochs", Integer.toString(plan.maxEpochs()));
        }
        HyperParameters hp = HyperParameters.of(plan.modelKind(), family.defaults(), overrides);
        family.validate(hp);
        TrainingData trainingData = trainingData(plan, data, split);
        progress.phase(JobPhase.TRAINING, "training " + plan.modelKind() + " " + hp
                + (trainingData.hasUnlabeled() ? String.format(" with %d unlabeled cells in %d domains",
                        trainingData.unlabeled().rows(), trainingData.numDomains()) : ""));
        long t0 = System.nanoTime();
        try (FittedModel model = family.fit(trainingData, hp, new TrainingListener() {
            @Override
            public void onEpoch(EpochReport report) {
                progress.epoch(report);
            }

            @Override
            public boolean isCancelled() {
                return progress.isCancelled();
            }
        })) {
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            progress.phase(JobPhase.EXPORTING, "exporting to ONNX (best epoch " + model.bestEpoch() + ")");
            byte[] onnx = model.exportOnnx(plan.publishAs());
            int[] paritySample = split.test().length > 0 ? split.test() : split.validation();
            CsrMatrix parityCells = data.counts().selectRows(head(paritySample, PARITY_CELLS));
            ParityResult parity = ParityCheck.compare(model, onnx, parityCells);
            ParityCheck.require(parity, PARITY_TOLERANCE);
            progress.phase(JobPhase.EXPORTING, String.format("parity DJL vs ONNX Runtime on %d cells: max |diff| "
                    + "%.2e, argmax mismatches %d", parity.cells(), parity.maxAbsDifference(),
                    parity.argmaxMismatches()));
            checkCancelled(progress);

            progress.phase(JobPhase.EVALUATING, "scoring the exported graph");
            List<String> clIds = data.classNames().stream()
                    .map(l -> labels.clId(data.vocabulary(), l, plan.labelOntologyIds())).toList();
            List<org.cytolabel.proto.model.v1.Evaluation> evals = new ArrayList<>();
            evals.add(evaluate("validation", onnx, data, split.validation(), clIds));
            if (split.test().length > 0) {
                evals.add(evaluate("test", onnx, data, split.test(), clIds));
            }
            ModelCard card = ModelCardFactory.build(plan, data, split, model, clIds, labels, evals, onnx,
                    trainSeconds, parity);
            checkCancelled(progress);

            progress.phase(JobPhase.PUBLISHING, "publishing " + plan.publishAs());
            ModelCard stored = publisher.publish(card, onnx);
            if (!plan.alias().isEmpty()) {
                publisher.setAlias(stored.getName(), plan.alias(), stored.getVersion());
                if (!stored.getAliasesList().contains(plan.alias())) {
                    // the registry filled the card's aliases when it stored it, before the alias moved
                    stored = stored.toBuilder().addAliases(plan.alias()).build();
                }
            }
            LOG.info("published {}:{} ({})", stored.getName(), stored.getVersion(), stored.getSha256());
            writeAttachments(model, stored);
            return stored;
        }
    }

    /** The family's files (plots, tables) under {@code <data dir>/reports/<name>-v<version>/}. */
    private void writeAttachments(FittedModel model, ModelCard stored) {
        if (model.attachments().isEmpty()) {
            return;
        }
        Path dir = datasets.root().resolve("reports").resolve(stored.getName() + "-v" + stored.getVersion());
        try {
            Files.createDirectories(dir);
            for (var e : model.attachments().entrySet()) {
                Files.write(dir.resolve(Path.of(e.getKey()).getFileName().toString()), e.getValue());
            }
            LOG.info("wrote {} report file(s) of {}:{} to {}", model.attachments().size(), stored.getName(),
                    stored.getVersion(), dir);
        } catch (IOException e) {
            LOG.warn("could not write the report files of {}:{} to {}: {}", stored.getName(), stored.getVersion(),
                    dir, e.toString());
        }
    }

    /** The family's view of the prepared data: train/validation sets, groups, unlabeled cells, domains. */
    private static TrainingData trainingData(TrainingPlan plan, PreparedData data, SplitAssignment split) {
        LabeledMatrix train = subset(data, split.train());
        LabeledMatrix validation = subset(data, split.validation());
        TrainingData td = TrainingData.labeled(train, validation, data.panel().genes().symbols(), data.classNames(),
                plan.seed());
        if (!data.groups().isEmpty()) {
            List<String> names = java.util.Arrays.stream(split.train()).mapToObj(r -> data.groups().get(r)).distinct()
                    .sorted().toList();
            int[] groups = java.util.Arrays.stream(split.train()).map(r -> names.indexOf(data.groups().get(r)))
                    .toArray();
            td = td.withGroups(groups, names);
        }
        int[] trainDomains = java.util.Arrays.stream(split.train()).map(r -> data.labeledDomains()[r]).toArray();
        return new TrainingData(td.train(), td.validation(), td.genes(), td.classNames(), td.trainGroups(),
                td.groupNames(), data.unlabeled(), trainDomains, data.unlabeledDomains(), data.domainNames().size(),
                plan.seed());
    }

    private org.cytolabel.proto.model.v1.Evaluation evaluate(String name, byte[] onnx, PreparedData data, int[] rows,
            List<String> clIds) {
        float[][] probs = OnnxRunner.run(onnx, data.counts().selectRows(rows));
        int[] truth = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            truth[i] = data.labels()[rows[i]];
        }
        return Evaluation.score(name, probs, truth, data.classNames(), clIds, labels.ontology());
    }

    private static SplitAssignment split(TrainingPlan plan, PreparedData data) {
        if (plan.splitColumn().isEmpty()) {
            return Splits.stratified(data.labels(), plan.testFraction(), plan.validationFraction(), plan.seed());
        }
        return Splits.byGroup(data.labels(), data.groups(), new HashSet<>(plan.testGroups()), plan.testFraction(),
                plan.validationFraction(), plan.seed());
    }

    private static LabeledMatrix subset(PreparedData data, int[] rows) {
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            y[i] = data.labels()[rows[i]];
        }
        return new LabeledMatrix(data.counts().selectRows(rows), y, data.classNames().size());
    }

    private static int[] head(int[] a, int n) {
        return java.util.Arrays.copyOf(a, Math.min(n, a.length));
    }

    private static void checkCancelled(PipelineProgress progress) {
        if (progress.isCancelled()) {
            throw new CytoLabelException(ErrorKind.CANCELLED, "the job was cancelled");
        }
    }
}
