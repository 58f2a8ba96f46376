package org.cytolabel.inference.annotate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.cytolabel.core.data.CountCheck;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.panel.GeneAligner;
import org.cytolabel.core.panel.GeneAlignment;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.inference.batch.BatchSettings;
import org.cytolabel.inference.batch.Batchers;
import org.cytolabel.inference.batch.ModelBatcher;
import org.cytolabel.inference.runtime.DenseBatch;
import org.cytolabel.proto.model.v1.Label;

/**
 * One client's stream of cells against one exact model version. The gene alignment is computed once
 * from the header; each chunk is validated, put in the model's gene order and handed to the model's
 * shared {@link ModelBatcher}, which runs it with other streams' cells. Chunks must be submitted one
 * at a time, in order (the caller serialises them); each result carries its chunk's index in the
 * stream and the version that produced it.
 */
public final class AnnotationStream implements AutoCloseable {
    /** Most cells per ORT run. */
    public static final int MAX_BATCH_CELLS = BatchSettings.DEFAULT_MAX_BATCH;

    private final LoadedModel model;
    private final GeneAlignment alignment;
    private final CellCalls calls;
    private final Set<String> fetch;
    private final AnnotationMetrics metrics;
    private final Batchers batchers;
    private final ModelBatcher batcher;
    private final int labels;
    private long nextChunk;
    private long cellsSeen;
    private boolean countsChecked;
    private boolean closed;

    private AnnotationStream(LoadedModel model, GeneAlignment alignment, OutputRequest outputs,
            AnnotationMetrics metrics, Batchers batchers) {
        this.model = model;
        this.alignment = alignment;
        this.metrics = metrics;
        this.calls = new CellCalls(model.card().getLabelsList(), model.card().getGenePanel().getSymbolsList(), outputs);
        this.fetch = outputs.fetch(model.model().outputNames(), model.name() + ":" + model.version());
        this.labels = model.card().getLabelsCount();
        int genes = alignment.modelGenes();
        if (genes > DenseBatch.CAPACITY) {
            throw CytoLabelException.integrity(model.name() + " has " + genes + " genes; at most "
                    + DenseBatch.CAPACITY + " are supported");
        }
        this.batchers = batchers;
        this.batcher = batchers.join(model.model(), model.name() + ":" + model.version(), genes);
    }

    /** Resolves the header's model, leases its session and aligns the client's genes to its panel. */
    public static AnnotationStream open(ModelResolver resolver, StreamHeader header, AnnotationMetrics metrics,
            Batchers batchers) {
        LoadedModel model = resolver.open(header.model());
        try {
            GenePanel panel = GenePanel.fromProto(model.card().getGenePanel());
            GeneAlignment alignment = GeneAligner.align(panel, header.geneIds(), header.minGeneOverlap());
            return new AnnotationStream(model, alignment, header.outputs(), metrics, batchers);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public LoadedModel model() {
        return model;
    }

    public GeneAlignment alignment() {
        return alignment;
    }

    public List<Label> labels() {
        return model.card().getLabelsList();
    }

    /** The shared batcher this stream's cells go through (its queue gates the stream's reading). */
    public ModelBatcher batcher() {
        return batcher;
    }

    /** Chunks submitted so far (the index the next chunk gets). */
    public long chunks() {
        return nextChunk;
    }

    /**
     * Validates the next chunk (a CytoLabelException, INVALID_ARGUMENT, says what is wrong with it) and
     * queues its cells; the future completes with the chunk's calls, or fails with the run's error.
     * {@code cancelled} drops the chunk's cells that have not run yet.
     */
    public CompletableFuture<ChunkAnnotation> submit(CountsChunk chunk, BooleanSupplier cancelled) {
        return submit(chunk, cancelled, System.nanoTime());
    }

    /** As {@link #submit(CountsChunk, BooleanSupplier)} for a chunk that arrived at {@code arrivedNanos}. */
    public CompletableFuture<ChunkAnnotation> submit(CountsChunk chunk, BooleanSupplier cancelled, long arrivedNanos) {
        long start = arrivedNanos;
        long index = nextChunk;
        CsrMatrix counts = ChunkValidator.toCsr(index, chunk, alignment.clientGenes());
        if (!countsChecked && counts.rows() > 0) {
            CountCheck.requireRawCounts(counts, "chunk " + index);
            countsChecked = true;
        }
        ChunkValidator.requireCountValues(index, counts);
        CsrMatrix inModelOrder = alignment.toModelOrder(counts);
        long firstCell = cellsSeen;
        nextChunk++;
        cellsSeen += counts.rows();
        return batcher.submit(inModelOrder, fetch, cancelled, arrivedNanos).thenApply(result -> {
            int n = inModelOrder.rows();
            if (n > 0 && fetch.contains(ArtifactContract.OUTPUT_PROBABILITIES)
                    && result.get(ArtifactContract.OUTPUT_PROBABILITIES).length != n * labels) {
                throw new IllegalStateException(model.name() + ":" + model.version() + " returned "
                        + result.get(ArtifactContract.OUTPUT_PROBABILITIES).length + " probabilities for " + n
                        + " cells x " + labels + " labels");
            }
            List<CellCall> out = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                out.add(calls.call(cellId(chunk, firstCell, r), result, r));
            }
            metrics.cellsAnnotated(model.name(), n);
            metrics.chunkComputed(model.name(), System.nanoTime() - start);
            return new ChunkAnnotation(index, model.version(), out);
        });
    }

    private static String cellId(CountsChunk chunk, long firstCell, int row) {
        // Without ids, cells are named by their 0-based position in the stream.
        return chunk.cellIds().isEmpty() ? Long.toString(firstCell + row) : chunk.cellIds().get(row);
    }

    /** Leaves the batcher and releases the session lease (idempotent). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            batchers.leave(model.model());
            model.close();
        }
    }
}
