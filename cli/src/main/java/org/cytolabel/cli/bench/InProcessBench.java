package org.cytolabel.cli.bench;

import java.util.Set;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.panel.GeneAlignment;
import org.cytolabel.inference.runtime.DenseBatch;
import org.cytolabel.inference.runtime.OrtModel;

/**
 * The model alone: CSR rows scattered (through the gene alignment, as the inference service does)
 * into a reused direct buffer and run through one ORT session in batches, one thread calling. With
 * no model it only scatters and clears: what filling ORT's input costs by itself.
 */
final class InProcessBench {
    private final OrtModel model;
    private final GeneAlignment alignment;
    private final String output;
    private final int genes;

    /** Fetches {@code probabilities}, as the inference service does. */
    InProcessBench(OrtModel model, GeneAlignment alignment) {
        this(model, alignment, ArtifactContract.OUTPUT_PROBABILITIES);
    }

    /** Scatter and clear only, no ORT run. */
    static InProcessBench scatterOnly(GeneAlignment alignment) {
        return new InProcessBench(null, alignment, null);
    }

    InProcessBench(OrtModel model, GeneAlignment alignment, String output) {
        this.model = model;
        this.alignment = alignment;
        this.output = output;
        this.genes = alignment.modelGenes();
    }

    /** Runs {@code warmupCells} untimed, then every cell of {@code cells} timed; latencies are per batch. */
    Measurement run(CsrMatrix cells, int batch, int warmupCells, ProgressBar progress) {
        DenseBatch dense = new DenseBatch(Math.multiplyExact(batch, genes));
        pass(cells, Math.min(warmupCells, cells.rows()), batch, dense, null, null);
        long[] latencies = new long[(cells.rows() + batch - 1) / batch];
        CpuClock.Snapshot cpu = CpuClock.now();
        long start = System.nanoTime();
        pass(cells, cells.rows(), batch, dense, latencies, progress);
        long wall = System.nanoTime() - start;
        return new Measurement(cells.rows(), wall, CpuClock.since(cpu), latencies);
    }

    private void pass(CsrMatrix cells, int n, int batch, DenseBatch dense, long[] latencies, ProgressBar progress) {
        int b = 0;
        for (int from = 0; from < n; from += batch) {
            int rows = Math.min(batch, n - from);
            long t0 = System.nanoTime();
            float[] values;
            try {
                dense.scatter(cells, from, rows, alignment.clientToModel(), genes);
                values = model == null ? new float[rows] : model.run(dense, rows, genes, Set.of(output)).get(output);
            } finally {
                dense.clear();
            }
            if (latencies != null) {
                latencies[b++] = System.nanoTime() - t0;
            }
            if (values.length % rows != 0) {
                throw new IllegalStateException(model + " returned " + values.length + " values for "
                        + rows + " cells");
            }
            if (progress != null) {
                progress.step(rows);
            }
        }
    }
}
