package org.cytolabel.cli;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.List;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.proto.model.v1.DatasetFingerprint;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.Preprocessing;
import org.cytolabel.proto.model.v1.TensorSpec;
import org.cytolabel.proto.model.v1.TrainingData;
import org.cytolabel.trainer.pretrain.PretrainConfig;
import org.cytolabel.trainer.pretrain.PretrainedEncoder;

/** The model card of a published scPretrain encoder: a gene panel, no labels, an embedding output. */
final class EncoderCard {
    private EncoderCard() {
    }

    static ModelCard of(String name, PretrainedEncoder encoder, List<CellDataset> sources, PretrainConfig cfg,
            byte[] onnx) {
        Instant now = Instant.now();
        TrainingData.Builder td = TrainingData.newBuilder().setSplit("self-supervised: k-means pseudo-labels");
        for (CellDataset d : sources) {
            td.addDatasets(DatasetFingerprint.newBuilder().setName(d.name()).setCells(d.cells())
                    .setGenes(d.genes().size()));
        }
        return ModelCard.newBuilder()
                .setName(name)
                .setModelKind(PretrainedEncoder.KIND)
                .setGenePanel(PretrainCommand.panel(encoder.genes()).toProto())
                .setPreprocessing(Preprocessing.newBuilder().setInput("raw_counts")
                        .setTargetSum(ArtifactContract.TARGET_SUM).setLog1P(true))
                .addInputs(TensorSpec.newBuilder().setName(ArtifactContract.INPUT_COUNTS).setDtype("float32")
                        .addShape(-1).addShape(encoder.genes().size()).setDescription("raw counts in panel order"))
                .addOutputs(TensorSpec.newBuilder().setName(ArtifactContract.OUTPUT_EMBEDDING).setDtype("float32")
                        .addShape(-1).addShape(encoder.hidden()).setDescription("cell embedding (sigmoid units)"))
                .putHyperParameters("hidden", Integer.toString(cfg.hidden()))
                .putHyperParameters("iterations", Integer.toString(cfg.iterations()))
                .putHyperParameters("epochs_per_iteration", Integer.toString(cfg.epochsPerIteration()))
                .putHyperParameters("max_cells_per_dataset", Integer.toString(cfg.maxCellsPerDataset()))
                .putHyperParameters("divisors", java.util.Arrays.toString(cfg.divisors()))
                .setTrainingData(td)
                .setSeed(cfg.seed())
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setDescription("scPretrain encoder over " + encoder.genes().size() + " genes (union of "
                        + sources.stream().map(CellDataset::name).toList() + "), " + onnx.length + " bytes")
                .build();
    }
}
