package org.cytolabel.inference.annotate;

import org.cytolabel.core.error.CytoLabelException;

/**
 * What a client wants per cell beyond the label: the best {@code topK} labels, the full probability
 * vector, and the confidence below which a cell is called {@value CellCalls#UNASSIGNED}.
 */
public record OutputRequest(int topK, boolean probabilities, float unassignedBelow) {
    public static final OutputRequest DEFAULT = new OutputRequest(0, false, 0f);

    public OutputRequest {
        if (topK < 0) {
            throw CytoLabelException.invalid("top_k must be 0 or more, got " + topK);
        }
        if (!(unassignedBelow >= 0f && unassignedBelow <= 1f)) {
            throw CytoLabelException.invalid("unassigned_below must be a probability in [0, 1], got "
                    + unassignedBelow);
        }
    }
}
