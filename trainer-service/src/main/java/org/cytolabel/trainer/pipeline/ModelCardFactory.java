package org.cytolabel.trainer.pipeline;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.proto.model.v1.Evaluation;
import org.cytolabel.proto.model.v1.Label;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.Preprocessing;
import org.cytolabel.proto.model.v1.TensorSpec;
import org.cytolabel.proto.model.v1.TrainingData;
import org.cytolabel.trainer.export.ParityResult;
import org.cytolabel.trainer.model.FittedModel;

/** Writes the model card for a trained, exported and evaluated model. */
final class ModelCardFactory {
    private ModelCardFactory() {
    }

    static ModelCard build(TrainingPlan plan, PreparedData data, SplitAssignment split, FittedModel model,
            List<String> clIds, LabelOntology labels, List<Evaluation> evaluations,
            byte[] onnx, double trainSeconds, ParityResult parity) {
        int g = data.panel().size();
        int c = data.classNames().size();
        ModelCard.Builder card = ModelCard.newBuilder()
                .setName(plan.publishAs())
                .setModelKind(plan.modelKind())
                .putAllHyperParameters(model.hyperParameters())
                .putAllNotes(model.notes())
                .putHyperParameters("best_epoch", Integer.toString(model.bestEpoch()))
                .setGenePanel(data.panel().toProto())
                .setPreprocessing(Preprocessing.newBuilder().setInput("raw_counts")
                        .setTargetSum(ArtifactContract.TARGET_SUM).setLog1P(true))
                .addInputs(tensor(ArtifactContract.INPUT_COUNTS, -1, g, "raw counts in the gene panel's order"))
                .addAllOutputs(outputs(onnx))
                .setTrainingData(trainingData(plan, data, split))
                .addAllEvaluations(evaluations)
                .setSeed(plan.seed())
                .putAllSoftwareVersions(SoftwareVersions.all())
                .putSoftwareVersions("parity_max_abs_diff", String.format("%.3e", parity.maxAbsDifference()))
                .putHyperParameters("train_seconds", String.format("%.1f", trainSeconds))
                .setCreatedAt(now())
                .setDescription(plan.modelKind() + " classifier of " + c + " cell types over " + g + " genes, "
                        + "trained on " + data.sources().stream().map(s -> s.getName()).toList());
        for (int i = 0; i < c; i++) {
            String id = clIds.get(i);
            card.addLabels(Label.newBuilder().setName(data.classNames().get(i)).setCellOntologyId(id)
                    .setCellOntologyName(labels.name(id)));
        }
        return card.build();
    }

    private static TrainingData trainingData(TrainingPlan plan, PreparedData data, SplitAssignment split) {
        Map<String, Long> perClass = new TreeMap<>();
        for (int r : split.train()) {
            perClass.merge(data.classNames().get(data.labels()[r]), 1L, Long::sum);
        }
        return TrainingData.newBuilder()
                .addAllDatasets(data.sources())
                .setLabelColumn(plan.labelColumn())
                .setSplit(split.description())
                .putAllCellsPerClass(perClass)
                .setTrainCells(split.train().length)
                .setValidationCells(split.validation().length)
                .setTestCells(split.test().length)
                .build();
    }

    private static final java.util.Map<String, String> OUTPUT_TEXT = java.util.Map.of(
            ArtifactContract.OUTPUT_PROBABILITIES, "class probabilities",
            ArtifactContract.OUTPUT_UNCERTAINTY, "1 - max (mean) probability",
            ArtifactContract.OUTPUT_MASK, "feature attention mask over the panel's genes (rows sum to 1)",
            ArtifactContract.OUTPUT_EMBEDDING, "cell embedding",
            ArtifactContract.OUTPUT_MEMBER_PROBABILITIES, "per-member probabilities of the ensemble",
            "saliency", "gradient of the predicted class's score with respect to each input gene");

    /** The graph's outputs as the card lists them, read from the ONNX bytes themselves. */
    static List<TensorSpec> outputs(byte[] onnx) {
        try {
            var graph = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(onnx).getGraph();
            List<TensorSpec> out = new java.util.ArrayList<>();
            for (var o : graph.getOutputList()) {
                TensorSpec.Builder t = TensorSpec.newBuilder().setName(o.getName()).setDtype("float32")
                        .setDescription(OUTPUT_TEXT.getOrDefault(o.getName(), ""));
                for (var d : o.getType().getTensorType().getShape().getDimList()) {
                    t.addShape(d.hasDimValue() ? d.getDimValue() : -1);
                }
                out.add(t.build());
            }
            return out;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("the exported model is not a readable ONNX graph", e);
        }
    }

    private static TensorSpec tensor(String name, long n, long d, String description) {
        return TensorSpec.newBuilder().setName(name).setDtype("float32").addShape(n).addShape(d)
                .setDescription(description).build();
    }

    private static Timestamp now() {
        Instant t = Instant.now();
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
