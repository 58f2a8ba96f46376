package org.cytolabel.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.cytolabel.core.TestData;
import org.cytolabel.core.error.CytoLabelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenXReaderTest {
    @TempDir
    Path tmp;

    /**
     * data/10x/kang2018_ctrl_stim holds the example_sce cells: h5py/scipy agree that barcodes,
     * features (id, symbol) and counts are identical, cell for cell, to the h5ad's X, obs_names and
     * var ENSEMBL / SYMBOL columns.
     */
    @Test
    void kang10xEqualsTheH5adExampleCells() {
        CellDataset tenx = TenXReader.read(TestData.file(TestData.KANG_10X));
        CellDataset h5ad = DatasetReader.read(TestData.file(TestData.KANG_EXAMPLE));
        assertEquals("kang2018_ctrl_stim", tenx.name());
        assertEquals(h5ad.cellIds(), tenx.cellIds());
        assertEquals(h5ad.genes(), tenx.genes());
        H5adFileTest.assertSame(h5ad.counts(), tenx.counts());
        for (String column : List.of("cluster_id", "sample_id", "group_id")) {
            assertEquals(h5ad.obsColumn(column), tenx.obsColumn(column), column);
        }
        assertEquals(3, tenx.obs().size());
    }

    /**
     * A Cell Ranger 2 style directory written here from 20 real cells: genes.tsv with two
     * columns, uncompressed files, a 'real' matrix in shuffled order with one count split into two
     * duplicate entries, and metadata with a quoted comma and a cell it does not list.
     */
    @Test
    void readsGenesTsvShuffledRealEntriesAndDuplicates() throws IOException {
        CellDataset src = DatasetReader.read(TestData.file(TestData.KANG_EXAMPLE))
                .selectCells(IntStream.range(0, 20).toArray());
        CsrMatrix m = src.counts();
        List<String> entries = new ArrayList<>();
        for (int r = 0; r < m.rows(); r++) {
            for (int k = m.indptr()[r]; k < m.indptr()[r + 1]; k++) {
                float v = m.values()[k];
                String gene = Integer.toString(m.indices()[k] + 1);
                if (r == 3 && k == m.indptr()[r]) {
                    entries.add(gene + " " + (r + 1) + " " + (v - 0.5));
                    entries.add(gene + " " + (r + 1) + " 0.5");
                } else {
                    entries.add(gene + " " + (r + 1) + " " + v);
                }
            }
        }
        Collections.shuffle(entries, new Random(7));
        List<String> mtx = new ArrayList<>();
        mtx.add("%%MatrixMarket matrix coordinate real general");
        mtx.add("% written by TenXReaderTest");
        mtx.add(m.cols() + " " + m.rows() + " " + entries.size());
        mtx.addAll(entries);
        Files.write(tmp.resolve("matrix.mtx"), mtx);
        List<String> genes = new ArrayList<>();
        for (int g = 0; g < m.cols(); g++) {
            genes.add(src.genes().ensemblIds().get(g) + "\t" + src.genes().symbols().get(g));
        }
        Files.write(tmp.resolve("genes.tsv"), genes);
        Files.write(tmp.resolve("barcodes.tsv"), src.cellIds());
        List<String> meta = new ArrayList<>(List.of("barcode,label,note"));
        for (int r = 1; r < 20; r++) {
            meta.add(src.cellIds().get(r) + "," + src.obsColumn("cluster_id").get(r) + ",\"a, b\"");
        }
        Files.write(tmp.resolve(TenXReader.METADATA), meta);

        CellDataset d = DatasetReader.read(tmp);
        H5adFileTest.assertSame(m, d.counts());
        assertEquals(src.genes(), d.genes());
        assertEquals(src.cellIds(), d.cellIds());
        assertEquals("", d.obsColumn("label").get(0), "cell 0 is not in the metadata");
        assertEquals(src.obsColumn("cluster_id").subList(1, 20), d.obsColumn("label").subList(1, 20));
        assertEquals("a, b", d.obsColumn("note").get(5));
    }

    @Test
    void truncatedMatrixIsRefusedClearly() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("cut"));
        Path src = TestData.file(TestData.KANG_10X);
        for (String f : List.of("features.tsv.gz", "barcodes.tsv.gz")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        byte[] mtx = Files.readAllBytes(src.resolve("matrix.mtx.gz"));
        Files.write(dir.resolve("matrix.mtx.gz"), Arrays.copyOf(mtx, mtx.length / 2));
        var e = assertThrows(CytoLabelException.class, () -> TenXReader.read(dir));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shortMatrixAndMismatchedFilesAreRefusedClearly() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("short"));
        gz(dir.resolve("matrix.mtx.gz"), "%%MatrixMarket matrix coordinate integer general\n2 2 3\n1 1 4\n2 2 1\n");
        gz(dir.resolve("features.tsv.gz"), "ENSG00000000001\tA\tGene Expression\nENSG00000000002\tB\tGene Expression\n");
        gz(dir.resolve("barcodes.tsv.gz"), "c1\nc2\n");
        var e = assertThrows(CytoLabelException.class, () -> TenXReader.read(dir));
        assertTrue(e.getMessage().contains("holds 2 entries but its size line says 3"), e.getMessage());

        gz(dir.resolve("matrix.mtx.gz"), "%%MatrixMarket matrix coordinate integer general\n2 3 1\n1 1 4\n");
        e = assertThrows(CytoLabelException.class, () -> TenXReader.read(dir));
        assertTrue(e.getMessage().contains("come from different runs"), e.getMessage());
    }

    @Test
    void featuresWithOnlyEnsemblIdsFillBothLists() throws IOException {
        Path f = Files.writeString(tmp.resolve("features.tsv"), "ENSG00000198851.4\nENSG00000156738\n");
        GeneList g = TenXReader.readFeatures(f);
        assertEquals(List.of("ENSG00000198851.4", "ENSG00000156738"), g.symbols());
        assertEquals(g.symbols(), g.ensemblIds());
    }

    private static void gz(Path p, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
