package org.cytolabel.inference.annotate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cytolabel.proto.model.v1.Label;

/** Turns rows of class probabilities into per-cell calls with the model's labels. */
final class CellCalls {
    static final String UNASSIGNED = "Unassigned";

    private final List<Label> labels;
    private final OutputRequest outputs;

    CellCalls(List<Label> labels, OutputRequest outputs) {
        this.labels = List.copyOf(labels);
        this.outputs = outputs;
    }

    /** The call for row {@code row} of {@code probs} (rows of {@code labels.size()} entries). */
    CellCall call(String cellId, float[] probs, int row) {
        int c = labels.size();
        int off = row * c;
        int best = 0;
        for (int j = 1; j < c; j++) {
            if (probs[off + j] > probs[off + best]) {
                best = j;
            }
        }
        float top = probs[off + best];
        boolean unassigned = top < outputs.unassignedBelow();
        Label l = labels.get(best);
        return new CellCall(cellId,
                unassigned ? UNASSIGNED : l.getName(),
                unassigned ? "" : l.getCellOntologyId(),
                top,
                topK(probs, off),
                outputs.probabilities() ? Arrays.copyOfRange(probs, off, off + c) : null);
    }

    private List<ScoredLabel> topK(float[] probs, int off) {
        int k = Math.min(outputs.topK(), labels.size());
        if (k == 0) {
            return List.of();
        }
        Integer[] order = new Integer[labels.size()];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        // Stable: ties keep label order, like the argmax above.
        Arrays.sort(order, (a, b) -> Float.compare(probs[off + b], probs[off + a]));
        List<ScoredLabel> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            Label l = labels.get(order[i]);
            out.add(new ScoredLabel(l.getName(), l.getCellOntologyId(), probs[off + order[i]]));
        }
        return out;
    }
}
