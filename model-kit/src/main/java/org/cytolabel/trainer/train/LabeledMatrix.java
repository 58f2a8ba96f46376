package org.cytolabel.trainer.train;

import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Cells with class ids: raw counts already in the model's gene order and one label in
 * {@code [0, numClasses)} per row.
 */
public record LabeledMatrix(CsrMatrix counts, int[] labels, int numClasses) {

    public LabeledMatrix {
        if (numClasses < 2) {
            throw CytoLabelException.invalid("a classifier needs at least 2 classes, got " + numClasses);
        }
        if (labels.length != counts.rows()) {
            throw CytoLabelException.invalid(labels.length + " labels for " + counts.rows() + " cells");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw CytoLabelException.invalid("label " + labels[i] + " of cell " + i
                        + " is outside 0.." + (numClasses - 1));
            }
        }
    }

    public int cells() {
        return counts.rows();
    }

    public int genes() {
        return counts.cols();
    }

    /** Cell counts per class id. */
    public int[] classCounts() {
        int[] n = new int[numClasses];
        for (int y : labels) {
            n[y]++;
        }
        return n;
    }
}
