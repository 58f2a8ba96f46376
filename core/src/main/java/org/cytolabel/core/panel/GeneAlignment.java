package org.cytolabel.core.panel;

import java.util.Arrays;
import java.util.List;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/**
 * How a client's genes map onto a model's gene panel, computed once per request or stream by
 * {@link GeneAligner}.
 *
 * @param clientToModel   for client gene i, the model column it feeds, or -1 (unknown gene, or a
 *                        repeat of a gene already mapped)
 * @param modelGenes      genes in the model's panel
 * @param clientGenes     genes the client sent
 * @param matched         model genes found among the client's
 * @param duplicates      client genes dropped because an earlier client gene already feeds the same
 *                        model column
 * @param missingExamples a few model genes the client did not send, in panel order
 */
public record GeneAlignment(int[] clientToModel, int modelGenes, int clientGenes, int matched,
        int duplicates, List<String> missingExamples) {

    public GeneAlignment {
        missingExamples = List.copyOf(missingExamples);
        if (clientToModel.length != clientGenes) {
            throw new IllegalArgumentException(clientToModel.length + " mappings for " + clientGenes
                    + " client genes");
        }
    }

    /** Share of the model's genes the client sent, 0..1. */
    public double fraction() {
        return modelGenes == 0 ? 0 : (double) matched / modelGenes;
    }

    /**
     * The client's counts in the model's column order: unmatched client columns dropped, model
     * genes the client lacks absent (zero), column indices sorted within each row.
     */
    public CsrMatrix toModelOrder(CsrMatrix clientCounts) {
        requireColumns(clientCounts);
        int[] src = clientCounts.indices();
        float[] val = clientCounts.values();
        int rows = clientCounts.rows();
        int[] ptr = new int[rows + 1];
        int[] idx = new int[clientCounts.nnz()];
        float[] out = new float[clientCounts.nnz()];
        boolean monotone = isMonotone();
        long[] keys = new long[0];
        int n = 0;
        for (int r = 0; r < rows; r++) {
            int from = clientCounts.indptr()[r];
            int to = clientCounts.indptr()[r + 1];
            if (monotone) {
                for (int k = from; k < to; k++) {
                    int m = clientToModel[src[k]];
                    if (m >= 0) {
                        idx[n] = m;
                        out[n++] = val[k];
                    }
                }
            } else {
                if (keys.length < to - from) {
                    keys = new long[to - from];
                }
                int len = 0;
                for (int k = from; k < to; k++) {
                    int m = clientToModel[src[k]];
                    if (m >= 0) {
                        keys[len++] = ((long) m << 32) | (k - from);
                    }
                }
                Arrays.sort(keys, 0, len);
                for (int j = 0; j < len; j++) {
                    idx[n] = (int) (keys[j] >>> 32);
                    out[n++] = val[from + (int) keys[j]];
                }
            }
            ptr[r + 1] = n;
        }
        return new CsrMatrix(rows, modelGenes, ptr, Arrays.copyOf(idx, n), Arrays.copyOf(out, n));
    }

    /**
     * Writes row {@code row} of the client's counts into {@code dense} at {@code offset} in model
     * column order ({@code modelGenes} floats); the caller zeroes that range first.
     */
    public void scatterRow(CsrMatrix client, int row, float[] dense, int offset) {
        requireColumns(client);
        for (int k = client.indptr()[row]; k < client.indptr()[row + 1]; k++) {
            int m = clientToModel[client.indices()[k]];
            if (m >= 0) {
                dense[offset + m] = client.values()[k];
            }
        }
    }

    /** True when matched client genes keep the model's order, so rows need no sorting. */
    private boolean isMonotone() {
        int last = -1;
        for (int m : clientToModel) {
            if (m >= 0) {
                if (m < last) {
                    return false;
                }
                last = m;
            }
        }
        return true;
    }

    private void requireColumns(CsrMatrix m) {
        if (m.cols() != clientGenes) {
            throw CytoLabelException.invalid("the counts have " + m.cols() + " gene columns but "
                    + clientGenes + " gene ids were sent; send one gene id per column");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeneAlignment a && Arrays.equals(clientToModel, a.clientToModel)
                && modelGenes == a.modelGenes && clientGenes == a.clientGenes
                && matched == a.matched && duplicates == a.duplicates
                && missingExamples.equals(a.missingExamples);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(clientToModel) + modelGenes + 7 * matched;
    }

    @Override
    public String toString() {
        return "GeneAlignment[" + matched + " of " + modelGenes + " model genes from " + clientGenes
                + " client genes, " + duplicates + " duplicates, missing e.g. " + missingExamples + "]";
    }
}
