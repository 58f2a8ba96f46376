package org.cytolabel.trainer.baseline;

import java.util.Arrays;
import java.util.TreeSet;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/**
 * CellTypist's feature selection: per class, the {@code top} genes with the largest absolute
 * coefficient; the union over classes, in gene order. Ties go to the lower gene index so the
 * selection is deterministic.
 */
public final class FeatureSelection {

    private FeatureSelection() {
    }

    /**
     * @param weight row-major {@code [classes][genes]} coefficients
     * @return the selected gene indices, ascending
     */
    public static int[] topGenesPerClass(float[] weight, int classes, int genes, int top) {
        if (top < 1) {
            throw CytoLabelException.invalid("top_genes must be at least 1, got " + top);
        }
        if (weight.length != classes * genes) {
            throw CytoLabelException.invalid("weight has " + weight.length + " entries, not " + classes + " x " + genes);
        }
        if (top >= genes) {
            int[] all = new int[genes];
            Arrays.setAll(all, j -> j);
            return all;
        }
        TreeSet<Integer> union = new TreeSet<>();
        Integer[] order = new Integer[genes];
        for (int c = 0; c < classes; c++) {
            final int base = c * genes;
            Arrays.setAll(order, j -> j);
            Arrays.sort(order, (a, b) -> {
                int byMagnitude = Float.compare(Math.abs(weight[base + b]), Math.abs(weight[base + a]));
                return byMagnitude != 0 ? byMagnitude : Integer.compare(a, b);
            });
            for (int k = 0; k < top; k++) {
                union.add(order[k]);
            }
        }
        return union.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The columns {@code genes} of {@code x} (ascending indices), renumbered 0.. in that order. */
    public static CsrMatrix columns(CsrMatrix x, int[] genes) {
        int[] newIndex = new int[x.cols()];
        Arrays.fill(newIndex, -1);
        for (int i = 0; i < genes.length; i++) {
            newIndex[genes[i]] = i;
        }
        int[] ptr = new int[x.rows() + 1];
        int kept = 0;
        for (int k = 0; k < x.nnz(); k++) {
            if (newIndex[x.indices()[k]] >= 0) {
                kept++;
            }
        }
        int[] idx = new int[kept];
        float[] val = new float[kept];
        int n = 0;
        for (int r = 0; r < x.rows(); r++) {
            for (int k = x.indptr()[r]; k < x.indptr()[r + 1]; k++) {
                int c = newIndex[x.indices()[k]];
                if (c >= 0) {
                    idx[n] = c;
                    val[n++] = x.values()[k];
                }
            }
            ptr[r + 1] = n;
        }
        return new CsrMatrix(x.rows(), genes.length, ptr, idx, val);
    }
}
