package org.cytolabel.cli;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cytolabel.cli.client.AddressList;
import org.cytolabel.cli.client.AnnotateClient;
import org.cytolabel.cli.client.CellSource;
import org.cytolabel.cli.client.PredictionCsv;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.annotation.v1.OutputOptions;
import org.cytolabel.proto.annotation.v1.StreamInfo;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.service.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "annotate", mixinStandardHelpOptions = true,
        description = {"Stream an h5ad file or 10x directory through the inference service; write per-cell "
                + "predictions as CSV.",
            "",
            "Several replicas: --server dns:///name:port (every address the name resolves to, e.g. a Kubernetes "
                + "headless service) or --server host1:port,host2:port; streams are spread round-robin over the "
                + "replicas that are up.",
            "When a stream fails with UNAVAILABLE (a replica restarted or drained, the connection dropped) the "
                + "command reconnects with exponential backoff and resumes at the first chunk not yet answered, on "
                + "the same model version: the CSV has every cell exactly once, in input order."})
final class AnnotateCommand implements Callable<Integer> {
    @Option(names = "--server", defaultValue = "localhost:50053",
            description = "Inference address: host:port; dns:///name:port or host1:port,host2:port balance "
                    + "round-robin over several replicas (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--model", required = true, description = "name, name@alias or name:version, e.g. pbmc@production.")
    String model;

    @Option(names = "--data", required = true, description = "An .h5ad file (streamed) or a 10x directory.")
    Path data;

    @Option(names = "--out", required = true, description = "CSV file to write.")
    Path out;

    @Option(names = "--chunk-size", defaultValue = "1000", description = "Cells per message (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--top-k", defaultValue = "3")
    int topK;

    @Option(names = "--unassigned-below", defaultValue = "0",
            description = "Label cells whose top probability is below this 'Unassigned'.")
    float unassignedBelow;

    @Option(names = "--embedding", description = "Also write each cell's embedding (models with an embedding output).")
    boolean embedding;

    @Option(names = "--mask-top", defaultValue = "0",
            description = "Also write the N genes with the largest attention-mask weight (scTab models).")
    int maskTop;

    @Option(names = "--saliency-top", defaultValue = "0",
            description = "Also write the N genes with the largest |saliency| (scNym models).")
    int saliencyTop;

    @Option(names = "--min-overlap", defaultValue = "0",
            description = "Fraction of the model's genes the data must have (0: the server's default).")
    double minOverlap;

    @Option(names = "--retries", defaultValue = "3",
            description = "Reconnects in a row after UNAVAILABLE, with exponential backoff from 250 ms, resuming "
                    + "where the stream stopped; 0: fail at once (default: ${DEFAULT-VALUE}).")
    int retries;

    @Override
    public Integer call() {
        if (retries < 0) {
            throw CytoLabelException.invalid("--retries must be 0 or more, got " + retries);
        }
        ManagedChannel channel = Transport.channel(AddressList.target(server));
        try (CellSource source = CellSource.open(data); PredictionCsv csv = new PredictionCsv(out);
                ProgressBar bar = new ProgressBar("annotating", source.cells(), "cells")) {
            AnnotateClient.Options o = AnnotateClient.Options.of(RegistryClient.parseRef(model)).withChunkSize(chunkSize)
                    .withTopK(topK).withUnassignedBelow(unassignedBelow).withMinOverlap(minOverlap)
                    .withRetries(retries)
                    .withExtras(OutputOptions.newBuilder().setEmbedding(embedding).setMaskTopN(maskTop)
                            .setSaliencyTopN(saliencyTop).build());
            StreamInfo info = AnnotateClient.annotate(channel, source, o, csv::write, bar);
            System.err.printf("%nmodel %s:%d; %d of the model's %d genes found (%.1f%%)%n", info.getModel().getName(),
                    info.getModel().getVersion(), info.getOverlap().getMatched(), info.getOverlap().getModelGenes(),
                    100 * info.getOverlap().getFraction());
        } finally {
            Transport.close(channel);
        }
        System.out.println("wrote " + out);
        return 0;
    }
}
