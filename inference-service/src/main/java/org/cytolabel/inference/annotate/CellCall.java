package org.cytolabel.inference.annotate;

import java.util.List;

/**
 * The call for one cell: its label and Cell Ontology id (both {@value CellCalls#UNASSIGNED} / empty
 * when the top probability is below the client's threshold; empty for an encoder), the top
 * probability, the best labels when asked, and the optional vectors (else {@code null} / empty):
 * full probabilities, uncertainty (NaN when the model has none), embedding, mask and saliency
 * entries, the full saliency vector and the ensemble members' probabilities.
 */
public record CellCall(String cellId, String label, String cellOntologyId, float probability,
        List<ScoredLabel> topK, float[] probabilities, float uncertainty, float[] embedding, List<GeneWeight> mask,
        List<GeneWeight> saliency, float[] saliencyVector, float[] memberProbabilities) {
    public CellCall {
        topK = List.copyOf(topK);
        mask = List.copyOf(mask);
        saliency = List.copyOf(saliency);
    }

    public CellCall(String cellId, String label, String cellOntologyId, float probability, List<ScoredLabel> topK,
            float[] probabilities) {
        this(cellId, label, cellOntologyId, probability, topK, probabilities, Float.NaN, null, List.of(), List.of(),
                null, null);
    }
}
