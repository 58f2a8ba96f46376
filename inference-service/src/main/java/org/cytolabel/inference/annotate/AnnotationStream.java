package org.cytolabel.inference.annotate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.cytolabel.core.data.CountCheck;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.panel.GeneAligner;
import org.cytolabel.core.panel.GeneAlignment;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.inference.runtime.DenseBatch;
import org.cytolabel.inference.runtime.ModelOutputs;
import org.cytolabel.proto.model.v1.Label;

/**
 * One client's stream of cells against one exact model version. The gene alignment is computed once
 * from the header; each chunk is validated, scattered cell by cell into the compute thread's reused
 * dense buffer ({@link DenseBatch}) in the model's gene order and run through ONNX Runtime in
 * batches. Chunks must be annotated one at a time (the caller serialises them); results carry the
 * chunk's index in the stream.
 */
public final class AnnotationStream implements AutoCloseable {
    /** Most cells per ORT run. */
    public static final int MAX_BATCH_CELLS = 512;

    private final LoadedModel model;
    private final GeneAlignment alignment;
    private final CellCalls calls;
    private final Set<String> fetch;
    private final AnnotationMetrics metrics;
    private final int genes;
    private final int labels;
    private final int batch;
    private long nextChunk;
    private long cellsSeen;
    private boolean countsChecked;

    private AnnotationStream(LoadedModel model, GeneAlignment alignment, OutputRequest outputs,
            AnnotationMetrics metrics) {
        this.model = model;
        this.alignment = alignment;
        this.metrics = metrics;
        this.calls = new CellCalls(model.card().getLabelsList(), model.card().getGenePanel().getSymbolsList(), outputs);
        this.fetch = outputs.fetch(model.model().outputNames(), model.name() + ":" + model.version());
        this.genes = alignment.modelGenes();
        this.labels = model.card().getLabelsCount();
        this.batch = Math.max(1, Math.min(MAX_BATCH_CELLS, DenseBatch.CAPACITY / Math.max(1, genes)));
        if (genes > DenseBatch.CAPACITY) {
            throw CytoLabelException.integrity(model.name() + " has " + genes + " genes; at most "
                    + DenseBatch.CAPACITY + " are supported");
        }
    }

    /** Resolves the header's model, leases its session and aligns the client's genes to its panel. */
    public static AnnotationStream open(ModelResolver resolver, StreamHeader header, AnnotationMetrics metrics) {
        LoadedModel model = resolver.open(header.model());
        try {
            GenePanel panel = GenePanel.fromProto(model.card().getGenePanel());
            GeneAlignment alignment = GeneAligner.align(panel, header.geneIds(), header.minGeneOverlap());
            return new AnnotationStream(model, alignment, header.outputs(), metrics);
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

    /** Chunks annotated so far (the index the next chunk gets). */
    public long chunks() {
        return nextChunk;
    }

    /** Annotates the next chunk; a CytoLabelException (INVALID_ARGUMENT) says what is wrong with it. */
    public ChunkAnnotation annotate(CountsChunk chunk) {
        long start = System.nanoTime();
        long index = nextChunk;
        CsrMatrix counts = ChunkValidator.toCsr(index, chunk, alignment.clientGenes());
        if (!countsChecked && counts.rows() > 0) {
            CountCheck.requireRawCounts(counts, "chunk " + index);
            countsChecked = true;
        }
        ChunkValidator.requireCountValues(index, counts);
        int n = counts.rows();
        List<CellCall> out = new ArrayList<>(n);
        DenseBatch dense = DenseBatch.forThisThread();
        for (int from = 0; from < n; from += batch) {
            int rows = Math.min(batch, n - from);
            ModelOutputs result;
            try {
                dense.scatter(counts, from, rows, alignment.clientToModel(), genes);
                result = model.model().run(dense, rows, genes, fetch);
            } finally {
                dense.clear();
            }
            if (fetch.contains(ArtifactContract.OUTPUT_PROBABILITIES)
                    && result.get(ArtifactContract.OUTPUT_PROBABILITIES).length != rows * labels) {
                throw new IllegalStateException(model.name() + ":" + model.version() + " returned "
                        + result.get(ArtifactContract.OUTPUT_PROBABILITIES).length + " probabilities for " + rows
                        + " cells x " + labels + " labels");
            }
            metrics.batchRun(model.name(), rows);
            for (int r = 0; r < rows; r++) {
                out.add(calls.call(cellId(chunk, from + r), result, r));
            }
        }
        nextChunk++;
        cellsSeen += n;
        metrics.cellsAnnotated(model.name(), n);
        metrics.chunkComputed(model.name(), System.nanoTime() - start);
        return new ChunkAnnotation(index, model.version(), out);
    }

    private String cellId(CountsChunk chunk, int row) {
        // Without ids, cells are named by their 0-based position in the stream.
        return chunk.cellIds().isEmpty() ? Long.toString(cellsSeen + row) : chunk.cellIds().get(row);
    }

    /** Releases the session lease (idempotent). */
    @Override
    public void close() {
        model.close();
    }
}
