package org.cytolabel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cytolabel.cli.client.AnnotateClient;
import org.cytolabel.cli.client.CellSource;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.cli.demo.LocalCluster;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.annotation.v1.OutputOptions;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.trainer.pretrain.PretrainedEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An encoder pretrained on real unlabeled cells, published, and its embeddings streamed over gRPC. */
class PretrainCommandTest {
    @TempDir
    Path work;

    @Test
    void publishedEncoderServesTheTrainersEmbeddings() {
        Path file = work.resolve("enc.scpt");
        CellDataset cells = DatasetReader.read(TestData.file(TestData.PBMC_CITESEQ));
        try (LocalCluster cluster = LocalCluster.start(work.resolve("cluster"))) {
            int code = Main.commandLine().execute("pretrain", "--data", TestData.file(TestData.PBMC_CITESEQ).toString(),
                    "--save", file.toString(), "--registry", cluster.registryTarget(), "--name", "citeseq-encoder",
                    "--alias", "production", "--iterations", "1", "--epochs", "1", "--max-cells", "400");
            assertEquals(0, code);
            List<CellPrediction> served = new ArrayList<>();
            try (CellSource source = CellSource.of(cells); ProgressBar bar = new ProgressBar("embedding", cells.cells(),
                    "cells")) {
                AnnotateClient.annotate(cluster.inferenceChannel(), source,
                        AnnotateClient.Options.of(RegistryClient.parseRef("citeseq-encoder@production")).withTopK(0)
                                .withChunkSize(150).withExtras(OutputOptions.newBuilder().setEmbedding(true).build()),
                        r -> served.addAll(r.getCellsList()), bar);
            }
            PretrainedEncoder encoder = PretrainedEncoder.load(file);
            float[][] djl = encoder.embed(cells.counts());
            assertEquals(cells.cells(), served.size());
            double max = 0;
            for (int i = 0; i < served.size(); i++) {
                assertEquals(cells.cellIds().get(i), served.get(i).getCellId(), "in order");
                assertEquals("", served.get(i).getLabel(), "an encoder gives no label");
                assertEquals(encoder.hidden(), served.get(i).getEmbeddingCount());
                for (int d = 0; d < encoder.hidden(); d++) {
                    max = Math.max(max, Math.abs(djl[i][d] - served.get(i).getEmbedding(d)));
                }
            }
            assertTrue(max <= 1e-5, "served embedding vs the trainer's (DJL) embedding: max |diff| " + max);
        }
    }
}
