package org.cytolabel.inference.annotate;

import java.util.List;

/**
 * The call for one cell: its label and Cell Ontology id (both {@value CellCalls#UNASSIGNED} / empty
 * when the top probability is below the client's threshold), the top probability, the best labels
 * when asked, and the full probability vector when asked (else {@code null}).
 */
public record CellCall(String cellId, String label, String cellOntologyId, float probability,
        List<ScoredLabel> topK, float[] probabilities) {
    public CellCall {
        topK = List.copyOf(topK);
    }
}
