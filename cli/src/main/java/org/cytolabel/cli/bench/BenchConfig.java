package org.cytolabel.cli.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code cytolabel bench} runs.
 *
 * @param dataDir        the bundled data directory (holds h5ad/)
 * @param workDir        where the services keep state; null: a temporary directory, deleted at the end
 * @param out            the Markdown report
 * @param cells          resampled cells to push through each configuration
 * @param epochs         maximum training epochs per model
 * @param seed           seeds training, resampling and the GEMM data
 * @param models         model kinds to train and measure
 * @param batches        ORT batch sizes in process, chunk sizes over gRPC
 * @param streams        concurrent Annotate streams per gRPC row
 * @param intraOpThreads ORT intra-op threads per session, in process and in the server
 * @param singleRequests timed one-cell AnnotateBatch requests per model
 * @param repeats        timed passes per row (the table shows the median and the range)
 */
record BenchConfig(Path dataDir, Path workDir, Path out, int cells, int epochs, long seed, List<String> models,
        List<Integer> batches, List<Integer> streams, int intraOpThreads, int singleRequests, int repeats) {

    BenchConfig {
        models = List.copyOf(models);
        batches = List.copyOf(batches);
        streams = List.copyOf(streams);
    }

    /** Untimed cells before each in-process row. */
    int inProcessWarmup(int batch) {
        return Math.min(cells, Math.max(4 * batch, cells / 50));
    }

    /** Untimed cells streamed before each gRPC row. */
    int grpcWarmup(int batch, int streamCount) {
        return Math.min(cells, Math.max(2 * batch * streamCount, cells / 50));
    }

    /** Untimed single-cell requests before the timed ones. */
    int singleWarmup() {
        return Math.max(20, singleRequests / 10);
    }
}
