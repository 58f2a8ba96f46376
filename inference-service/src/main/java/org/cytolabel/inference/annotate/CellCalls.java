package org.cytolabel.inference.annotate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.inference.runtime.ModelOutputs;
import org.cytolabel.proto.model.v1.Label;

/** Turns rows of a model's outputs into per-cell calls with the model's labels and genes. */
final class CellCalls {
    static final String UNASSIGNED = "Unassigned";

    private final List<Label> labels;
    private final List<String> genes;
    private final OutputRequest outputs;

    CellCalls(List<Label> labels, List<String> genes, OutputRequest outputs) {
        this.labels = List.copyOf(labels);
        this.genes = List.copyOf(genes);
        this.outputs = outputs;
    }

    /** The call for row {@code row} of a run's outputs. */
    CellCall call(String cellId, ModelOutputs out, int row) {
        String label = "";
        String clId = "";
        float top = Float.NaN;
        List<ScoredLabel> topK = List.of();
        float[] full = null;
        if (out.values().containsKey(ArtifactContract.OUTPUT_PROBABILITIES)) {
            float[] probs = out.get(ArtifactContract.OUTPUT_PROBABILITIES);
            int c = labels.size();
            int off = row * c;
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (probs[off + j] > probs[off + best]) {
                    best = j;
                }
            }
            top = probs[off + best];
            boolean unassigned = top < outputs.unassignedBelow();
            Label l = labels.get(best);
            label = unassigned ? UNASSIGNED : l.getName();
            clId = unassigned ? "" : l.getCellOntologyId();
            topK = topK(probs, off);
            full = outputs.probabilities() ? Arrays.copyOfRange(probs, off, off + c) : null;
        }
        float uncertainty = out.values().containsKey(ArtifactContract.OUTPUT_UNCERTAINTY)
                ? out.get(ArtifactContract.OUTPUT_UNCERTAINTY)[row] : Float.NaN;
        float[] embedding = row(out, ArtifactContract.OUTPUT_EMBEDDING, row);
        float[] maskRow = row(out, ArtifactContract.OUTPUT_MASK, row);
        List<GeneWeight> mask = maskRow == null ? List.of()
                : outputs.maskNonZero() ? largest(maskRow, Integer.MAX_VALUE, true)
                        : largest(maskRow, outputs.maskTopN(), true);
        float[] saliencyRow = row(out, OutputRequest.OUTPUT_SALIENCY, row);
        List<GeneWeight> saliency = saliencyRow == null || outputs.saliencyTopN() == 0 ? List.of()
                : largest(saliencyRow, outputs.saliencyTopN(), false);
        return new CellCall(cellId, label, clId, top, topK, full, uncertainty, embedding, mask, saliency,
                outputs.saliencyFull() ? saliencyRow : null,
                row(out, ArtifactContract.OUTPUT_MEMBER_PROBABILITIES, row));
    }

    private static float[] row(ModelOutputs out, String name, int row) {
        if (!out.values().containsKey(name)) {
            return null;
        }
        int w = out.width(name);
        return Arrays.copyOfRange(out.get(name), row * w, (row + 1) * w);
    }

    /**
     * Up to {@code n} genes by value (largest first; by |value| unless {@code nonZeroOnly}, which
     * also drops exact zeros, as a sparse mask needs). Ties keep panel order.
     */
    private List<GeneWeight> largest(float[] v, int n, boolean nonZeroOnly) {
        List<Integer> idx = new ArrayList<>();
        for (int g = 0; g < v.length; g++) {
            if (!nonZeroOnly || v[g] != 0f) {
                idx.add(g);
            }
        }
        idx.sort((a, b) -> Float.compare(Math.abs(v[b]), Math.abs(v[a])));
        List<GeneWeight> out = new ArrayList<>(Math.min(n, idx.size()));
        for (int i = 0; i < Math.min(n, idx.size()); i++) {
            int g = idx.get(i);
            out.add(new GeneWeight(g < genes.size() ? genes.get(g) : "", g, v[g]));
        }
        return out;
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
