package org.cytolabel.core.ontology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cytolabel.core.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled Cell Ontology and label map: consistent with each other, with hierarchy facts checked by hand. */
class OntologyTests {
    private static CellOntology cl;
    private static LabelMap labels;

    @BeforeAll
    static void load() {
        cl = CellOntology.load(TestData.file(TestData.CL_OBO));
        labels = LabelMap.load(TestData.file(TestData.LABEL_TO_CL));
    }

    @Test
    void everyMappedIdExistsAndIsNotObsolete() {
        List<String> problems = new ArrayList<>();
        for (String dataset : labels.datasets()) {
            for (Map.Entry<String, String> e : labels.labels(dataset).entrySet()) {
                var term = cl.term(e.getValue());
                if (term.isEmpty()) {
                    problems.add(dataset + "/" + e.getKey() + " -> " + e.getValue() + " is not in the ontology");
                } else if (term.get().obsolete()) {
                    problems.add(dataset + "/" + e.getKey() + " -> " + e.getValue() + " is obsolete");
                }
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(52, labels.size());
    }

    @Test
    void everyMappedIdIsACell() {
        for (String id : labels.allClIds()) {
            assertTrue(cl.isSelfOrDescendant(id, "CL:0000000"), id + " should descend from 'cell'");
        }
    }

    @Test
    void ancestorsOfCd4AlphaBetaTCell() {
        Set<String> a = cl.ancestors("CL:0000624");
        assertEquals(Set.of("CL:0000000", "CL:0000003", "CL:0000084", "CL:0000219", "CL:0000226", "CL:0000255",
                "CL:0000542", "CL:0000548", "CL:0000738", "CL:0000789", "CL:0000791", "CL:0000842", "CL:0000988",
                "CL:0002242", "CL:0002371", "CL:0002419"), a);
        assertFalse(a.contains("CL:0000624"), "ancestors exclude the term itself");
        assertEquals(Set.of(), cl.ancestors("CL:0000000"), "'cell' is the root");
    }

    @Test
    void descendantsOfCd4AlphaBetaTCell() {
        Set<String> d = cl.descendants("CL:0000624");
        assertEquals(32, d.size());
        assertTrue(d.containsAll(Set.of("CL:0000792", "CL:0000895", "CL:0000897")), "Treg, naive and memory CD4");
        assertFalse(d.contains("CL:0000625"), "CD8 is a sibling, not a descendant");
        assertFalse(d.contains("CL:0000624"));
        assertEquals(153, cl.descendants("CL:0000084").size());
        assertEquals(6, cl.descendants("CL:0000897").size());
    }

    @Test
    void selfOrDescendant() {
        assertTrue(cl.isSelfOrDescendant("CL:0000624", "CL:0000624"));
        assertTrue(cl.isSelfOrDescendant("CL:0000897", "CL:0000624"), "CD4 memory is a CD4 alpha-beta T cell");
        assertTrue(cl.isSelfOrDescendant("CL:0000900", "CL:0000625"), "naive CD8 is a CD8 alpha-beta T cell");
        assertFalse(cl.isSelfOrDescendant("CL:0000084", "CL:0000624"), "a parent is not a descendant");
        assertFalse(cl.isSelfOrDescendant("CL:0000625", "CL:0000624"));
        assertFalse(cl.isSelfOrDescendant("CL:9999999", "CL:0000000"));
        assertTrue(cl.isSelfOrDescendant("CL:9999999", "CL:9999999"));
    }

    @Test
    void termsAndNames() {
        assertEquals(2804, cl.size());
        assertEquals("CD4-positive, alpha-beta T cell", cl.name("CL:0000624"));
        assertEquals("T cell", cl.name("CL:0000084"));
        assertEquals("", cl.name("CL:9999999"));
        assertEquals(List.of("CL:0000624", "CL:0000813"), cl.term("CL:0000897").orElseThrow().parents());
        assertEquals(List.of("CL:0000010"), cl.term("CL:0000001").orElseThrow().parents(),
                "trailing '! comment' is stripped");
        assertEquals(List.of("CL:0000789", "CL:0002419"), cl.term("CL:0000791").orElseThrow().parents(),
                "qualifiers like {is_inferred=\"true\"} are stripped");
        assertTrue(cl.term("CL:0000002").orElseThrow().obsolete());
        assertFalse(cl.term("CL:0000624").orElseThrow().obsolete());
        assertTrue(cl.term("has_part").isEmpty(), "[Typedef] stanzas are not terms");
    }

    @Test
    void labelLookups() {
        assertEquals("CL:0000624", labels.clId("zheng2017_sorted_MUDAN", "thelper").orElseThrow());
        assertEquals("CL:0000236", labels.clId("B cells").orElseThrow());
        assertTrue(labels.clId("no_such_dataset", "thelper").isEmpty());
        assertTrue(labels.clId("kang2018_muscat", "thelper").isEmpty());
        assertTrue(LabelMap.empty().clId("B cells").isEmpty());
        assertEquals(0, LabelMap.empty().size());
    }
}
