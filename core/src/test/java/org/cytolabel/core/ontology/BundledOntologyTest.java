package org.cytolabel.core.ontology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cytolabel.core.TestData;
import org.junit.jupiter.api.Test;

/** The copies inside the jar are the same ontology and table as data/ontology. */
class BundledOntologyTest {

    @Test
    void bundledCopiesMatchTheDataDirectory() {
        CellOntology fromFile = CellOntology.load(TestData.file(TestData.CL_OBO));
        CellOntology bundled = BundledOntology.cellOntology();
        assertEquals(fromFile.size(), bundled.size());
        assertEquals(fromFile.ids(), bundled.ids());
        assertEquals(fromFile.ancestors("CL:0000897"), bundled.ancestors("CL:0000897"));
        assertTrue(bundled.isSelfOrDescendant("CL:0000897", "CL:0000624"));

        LabelMap table = LabelMap.load(TestData.file(TestData.LABEL_TO_CL));
        assertEquals(table.size(), BundledOntology.labelMap().size());
        assertEquals(table.datasets(), BundledOntology.labelMap().datasets());
        assertEquals("CL:0000236", BundledOntology.labelMap().clId("zheng2017_sorted_MUDAN", "bcells").orElseThrow());
    }
}
