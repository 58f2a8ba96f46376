package org.cytolabel.core.ontology;

import java.util.List;
import java.util.Objects;

/**
 * One Cell Ontology term as read from an OBO {@code [Term]} stanza.
 *
 * @param id       the CURIE, e.g. {@code CL:0000624}
 * @param name     the label, e.g. {@code CD4-positive, alpha-beta T cell}
 * @param parents  direct {@code is_a} parents, in file order
 * @param obsolete whether the stanza says {@code is_obsolete: true}
 */
public record OntologyTerm(String id, String name, List<String> parents, boolean obsolete) {
    public OntologyTerm {
        Objects.requireNonNull(id, "id");
        name = name == null ? "" : name;
        parents = List.copyOf(parents);
    }
}
