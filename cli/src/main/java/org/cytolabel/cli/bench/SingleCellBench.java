package org.cytolabel.cli.bench;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.proto.annotation.v1.AnnotateBatchRequest;
import org.cytolabel.proto.annotation.v1.AnnotateBatchResponse;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.annotation.v1.OutputOptions;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.service.StatusMapping;

/**
 * Latency of the unary {@code AnnotateBatch} with one cell per request, one request at a time. Each
 * request carries the full header (model and every gene id), as a stateless caller's would; the
 * time runs from building the request to having the response.
 */
final class SingleCellBench {
    private final AnnotatorGrpc.AnnotatorBlockingStub stub;
    private final AnnotateHeader header;

    SingleCellBench(Channel channel, ModelRef model, MatrixCellSource cells) {
        this.stub = AnnotatorGrpc.newBlockingStub(channel);
        this.header = AnnotateHeader.newBuilder().setModel(model).addAllGeneIds(cells.geneIds())
                .setOutputs(OutputOptions.newBuilder().setTopK(3)).build();
    }

    /** {@code warmup} untimed requests, then {@code requests} timed ones on cells 0, 1, 2, ... */
    Measurement run(MatrixCellSource cells, int requests, int warmup, ProgressBar progress) {
        for (int i = 0; i < warmup; i++) {
            call(cells, i % cells.cells());
        }
        long[] latencies = new long[requests];
        CpuClock.Snapshot cpu = CpuClock.now();
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            call(cells, i % cells.cells());
            latencies[i] = System.nanoTime() - t0;
            progress.step(1);
        }
        long wall = System.nanoTime() - start;
        return new Measurement(requests, wall, CpuClock.since(cpu), latencies);
    }

    private void call(MatrixCellSource cells, int row) {
        AnnotateBatchRequest request = AnnotateBatchRequest.newBuilder().setHeader(header)
                .setCells(chunk(cells, row)).build();
        AnnotateBatchResponse response;
        try {
            response = stub.annotateBatch(request);
        } catch (StatusRuntimeException e) {
            throw StatusMapping.fromStatus(e);
        }
        if (response.getResult().getCellsCount() != 1) {
            throw new IllegalStateException("AnnotateBatch returned " + response.getResult().getCellsCount()
                    + " cells for 1");
        }
    }

    private static CellChunk chunk(MatrixCellSource cells, int row) {
        CsrMatrix m = cells.counts(row, row + 1);
        CellChunk.Builder b = CellChunk.newBuilder().addAllCellIds(cells.cellIds(row, row + 1))
                .addIndptr(0).addIndptr(m.nnz());
        for (int i = 0; i < m.nnz(); i++) {
            b.addIndices(m.indices()[i]).addValues(m.values()[i]);
        }
        return b.build();
    }
}
