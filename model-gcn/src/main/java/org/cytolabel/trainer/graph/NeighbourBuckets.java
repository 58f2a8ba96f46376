package org.cytolabel.trainer.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A sparse graph laid out for gather-only products (no scatter, no dense {@code G x G}): rows are
 * grouped by degree into buckets whose width is the degree rounded up to a power of two; each
 * bucket holds, per row, its neighbours padded with the row itself at weight 0. A product
 * {@code (A X)[i] = sum_j A_ij X[j]} is then, per bucket, a gather of {@code X} rows by the
 * {@code [rows, width]} neighbour table, a weighted sum over the width, and the buckets'
 * concatenation reordered to gene order by {@link #positions()}. Padded slots are at most twice
 * the stored entries plus one per row. The same layout runs in DJL and in the ONNX export, so both
 * sum the same terms in the same groups.
 */
final class NeighbourBuckets {

    /**
     * One bucket.
     *
     * @param rows       the genes (rows of the matrix) in this bucket
     * @param width      padded neighbours per row
     * @param neighbours {@code [rows.length][width]} row-major neighbour gene indices
     * @param weights    matching weights (0 in padding)
     */
    record Bucket(int[] rows, int width, int[] neighbours, float[] weights) {
    }

    private final List<Bucket> buckets;
    private final int[] positions;
    private final int genes;

    private NeighbourBuckets(List<Bucket> buckets, int[] positions, int genes) {
        this.buckets = List.copyOf(buckets);
        this.positions = positions;
        this.genes = genes;
    }

    static NeighbourBuckets of(GeneGraph graph) {
        int g = graph.genes();
        int[] ptr = graph.rowPointers();
        int[] cols = graph.columns();
        float[] w = graph.weights();
        TreeMap<Integer, List<Integer>> byWidth = new TreeMap<>();
        for (int i = 0; i < g; i++) {
            int degree = ptr[i + 1] - ptr[i];
            int width = Integer.highestOneBit(Math.max(1, degree));
            if (width < degree) {
                width <<= 1;
            }
            byWidth.computeIfAbsent(width, k -> new ArrayList<>()).add(i);
        }
        List<Bucket> out = new ArrayList<>();
        int[] positions = new int[g];
        int offset = 0;
        for (var e : byWidth.entrySet()) {
            int width = e.getKey();
            int[] rows = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            int[] nb = new int[rows.length * width];
            float[] wt = new float[rows.length * width];
            for (int r = 0; r < rows.length; r++) {
                int i = rows[r];
                positions[i] = offset + r;
                int k = 0;
                for (int p = ptr[i]; p < ptr[i + 1]; p++, k++) {
                    nb[r * width + k] = cols[p];
                    wt[r * width + k] = w[p];
                }
                for (; k < width; k++) {
                    nb[r * width + k] = i;
                }
            }
            out.add(new Bucket(rows, width, nb, wt));
            offset += rows.length;
        }
        return new NeighbourBuckets(out, positions, g);
    }

    List<Bucket> buckets() {
        return buckets;
    }

    /** Per gene, its row in the concatenation of the buckets' outputs. */
    int[] positions() {
        return positions.clone();
    }

    int genes() {
        return genes;
    }

    /** Padded neighbour slots over all buckets. */
    long slots() {
        long s = 0;
        for (Bucket b : buckets) {
            s += (long) b.rows().length * b.width();
        }
        return s;
    }

    /**
     * Bytes the layout takes in the exported model: int64 neighbour tables and positions, and per
     * slot a float32 coefficient vector of {@code nodeDim} values (weight times the neighbour's
     * embedding), plus a per-row {@code nodeDim} bias term.
     */
    long exportBytes(int nodeDim) {
        return slots() * (Long.BYTES + (long) nodeDim * Float.BYTES) + (long) genes * Long.BYTES
                + (long) genes * nodeDim * Float.BYTES;
    }
}
