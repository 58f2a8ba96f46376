package org.cytolabel.core.ontology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OBO and TSV parsers on small hand-written files. */
class CellOntologyTest {
    private static final String OBO = """
            format-version: 1.2
            ontology: test

            [Term]
            id: X:1
            name: root

            [Term]
            id: X:2
            name: middle
            is_a: X:1 ! root

            [Term]
            id: X:3
            name: leaf a
            is_a: X:2 {is_inferred="true"} ! middle

            [Term]
            id: X:4
            name: leaf b
            is_a: X:2
            is_a: X:1 ! root, again

            [Term]
            id: X:5
            name: obsolete thing
            is_obsolete: true

            [Typedef]
            id: part_of
            name: part of
            is_a: X:1
            """;

    @Test
    void parsesTermsParentsAndClosures(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("t.obo"), OBO);
        CellOntology o = CellOntology.load(f);
        assertEquals(5, o.size());
        assertEquals(List.of("X:2", "X:1"), o.term("X:4").orElseThrow().parents());
        assertEquals(Set.of("X:1", "X:2"), o.ancestors("X:3"));
        assertEquals(Set.of("X:2", "X:3", "X:4"), o.descendants("X:1"));
        assertEquals(Set.of(), o.descendants("X:3"));
        assertTrue(o.term("X:5").orElseThrow().obsolete());
        assertTrue(o.term("part_of").isEmpty());
        assertTrue(o.isSelfOrDescendant("X:4", "X:1"));
        assertEquals(Set.of(), o.ancestors("nope"));
    }

    @Test
    void missingFileSaysWhatToPass(@TempDir Path dir) {
        CytoLabelException e = assertThrows(CytoLabelException.class,
                () -> CellOntology.load(dir.resolve("missing.obo")));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("cl-basic.obo"), e.getMessage());
    }

    @Test
    void fileWithoutTermsIsRejected(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("empty.obo"), "format-version: 1.2\n");
        assertEquals(ErrorKind.INVALID_ARGUMENT,
                assertThrows(CytoLabelException.class, () -> CellOntology.load(f)).kind());
    }

    @Test
    void labelMapAcrossDatasetsNeedsAgreement(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("m.tsv"), """
                dataset\tlabel\tcl_id
                a\tT\tCL:0000084
                b\tT\tCL:0000084
                a\tMono\tCL:0000576
                b\tMono\tCL:0001054
                """);
        LabelMap m = LabelMap.load(f);
        assertEquals("CL:0000084", m.clId("T").orElseThrow());
        assertTrue(m.clId("Mono").isEmpty(), "datasets disagree");
        assertEquals("CL:0001054", m.clId("b", "Mono").orElseThrow());
        assertEquals(4, m.size());
    }

    @Test
    void labelMapWithBadHeaderOrRowIsRejected(@TempDir Path dir) throws IOException {
        Path badHeader = Files.writeString(dir.resolve("h.tsv"), "a\tb\tc\nx\ty\tCL:1\n");
        assertTrue(assertThrows(CytoLabelException.class, () -> LabelMap.load(badHeader))
                .getMessage().contains("cl_id"));
        Path shortRow = Files.writeString(dir.resolve("r.tsv"), "dataset\tlabel\tcl_id\nx\ty\n");
        assertTrue(assertThrows(CytoLabelException.class, () -> LabelMap.load(shortRow))
                .getMessage().contains("line 2"));
    }
}
