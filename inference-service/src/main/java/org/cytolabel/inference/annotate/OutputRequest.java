package org.cytolabel.inference.annotate;

import java.util.LinkedHashSet;
import java.util.Set;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;

/**
 * What a client wants per cell beyond the label: the best {@code topK} labels, the full probability
 * vector, the confidence below which a cell is called {@value CellCalls#UNASSIGNED}, and the
 * model's extra outputs: embedding, the attention mask (top N genes or every non-zero entry),
 * saliency (top N genes by |value| or the full vector) and ensemble members' probabilities.
 */
public record OutputRequest(int topK, boolean probabilities, float unassignedBelow, boolean embedding, int maskTopN,
        boolean maskNonZero, int saliencyTopN, boolean saliencyFull, boolean memberProbabilities) {
    /** ONNX output name of scNym-style saliency. */
    public static final String OUTPUT_SALIENCY = "saliency";
    public static final OutputRequest DEFAULT = new OutputRequest(0, false, 0f);
    /** Most genes a top-N request may ask for. */
    public static final int MAX_TOP_N = 1000;

    public OutputRequest {
        if (topK < 0) {
            throw CytoLabelException.invalid("top_k must be 0 or more, got " + topK);
        }
        if (!(unassignedBelow >= 0f && unassignedBelow <= 1f)) {
            throw CytoLabelException.invalid("unassigned_below must be a probability in [0, 1], got "
                    + unassignedBelow);
        }
        if (maskTopN < 0 || maskTopN > MAX_TOP_N || saliencyTopN < 0 || saliencyTopN > MAX_TOP_N) {
            throw CytoLabelException.invalid("mask_top_n and saliency_top_n must be within 0.." + MAX_TOP_N
                    + " (use mask_nonzero or saliency_full for everything), got " + maskTopN + " and " + saliencyTopN);
        }
    }

    public OutputRequest(int topK, boolean probabilities, float unassignedBelow) {
        this(topK, probabilities, unassignedBelow, false, 0, false, 0, false, false);
    }

    public boolean wantsMask() {
        return maskTopN > 0 || maskNonZero;
    }

    public boolean wantsSaliency() {
        return saliencyTopN > 0 || saliencyFull;
    }

    /**
     * The graph outputs to fetch for this request from a model that has {@code available}: the
     * probabilities (when the model classifies) and uncertainty always; the others when asked. An
     * ask for an output the model lacks is refused, naming what the model has.
     */
    public Set<String> fetch(Set<String> available, String model) {
        Set<String> out = new LinkedHashSet<>();
        if (available.contains(ArtifactContract.OUTPUT_PROBABILITIES)) {
            out.add(ArtifactContract.OUTPUT_PROBABILITIES);
        }
        if (available.contains(ArtifactContract.OUTPUT_UNCERTAINTY)) {
            out.add(ArtifactContract.OUTPUT_UNCERTAINTY);
        }
        boolean embeddingOnly = !available.contains(ArtifactContract.OUTPUT_PROBABILITIES);
        need(embedding || embeddingOnly, ArtifactContract.OUTPUT_EMBEDDING, available, model, out);
        need(wantsMask(), ArtifactContract.OUTPUT_MASK, available, model, out);
        need(wantsSaliency(), OUTPUT_SALIENCY, available, model, out);
        need(memberProbabilities, ArtifactContract.OUTPUT_MEMBER_PROBABILITIES, available, model, out);
        if (embeddingOnly && (topK > 0 || probabilities || unassignedBelow > 0)) {
            throw CytoLabelException.invalid(model + " is an encoder: it gives embeddings, not labels; drop top_k,"
                    + " probabilities and unassigned_below, or use a classifier");
        }
        return out;
    }

    private static void need(boolean asked, String output, Set<String> available, String model, Set<String> out) {
        if (!asked) {
            return;
        }
        if (!available.contains(output)) {
            throw CytoLabelException.invalid(model + " has no '" + output + "' output (it has " + available
                    + "); ask for it only from models that produce it (see the model card's outputs)");
        }
        out.add(output);
    }
}
