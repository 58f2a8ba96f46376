package org.cytolabel.inference.annotate;

/** A label with its Cell Ontology id and probability. */
public record ScoredLabel(String label, String cellOntologyId, float probability) {
}
