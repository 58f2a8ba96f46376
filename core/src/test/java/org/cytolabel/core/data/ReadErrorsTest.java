package org.cytolabel.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.cytolabel.core.TestData;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Broken inputs give a CytoLabelException saying what is wrong and what to do, never jhdf's. */
class ReadErrorsTest {
    @TempDir
    Path tmp;

    private static CytoLabelException refused(Path p) {
        var e = assertThrows(CytoLabelException.class, () -> DatasetReader.read(p));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        return e;
    }

    @Test
    void missingFile() {
        var e = refused(tmp.resolve("nope.h5ad"));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void emptyFile() throws IOException {
        Path p = Files.createFile(tmp.resolve("empty.h5ad"));
        var e = refused(p);
        assertTrue(e.getMessage().contains("is empty (0 bytes)"), e.getMessage());
        assertTrue(e.getMessage().contains("write it again"), e.getMessage());
    }

    @Test
    void notHdf5() throws IOException {
        Path p = Files.writeString(tmp.resolve("cells.h5ad"), "cell,CD3E\nc1,4\n");
        var e = refused(p);
        assertTrue(e.getMessage().contains("is not an HDF5 file"), e.getMessage());
    }

    /** The first part of a real file, as an interrupted upload or copy leaves it. */
    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.9, 0.999})
    void truncatedFile(double kept) throws IOException {
        byte[] all = Files.readAllBytes(TestData.file(TestData.KANG_EXAMPLE));
        Path p = Files.write(tmp.resolve("cut.h5ad"),
                Arrays.copyOf(all, (int) (all.length * kept)));
        var e = refused(p);
        // 50% fails inside jhdf (h5py writes the group tree last); 99.9% opens in jhdf but the
        // superblock's end-of-file address (h5py: "stored_eof = 1023790") gives it away
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("copy or download it again"), e.getMessage());
    }

    @Test
    void damagedFileKeepsJhdfFailureAsCauseOnly() throws IOException {
        byte[] bytes = Files.readAllBytes(TestData.file(TestData.KANG_EXAMPLE));
        // zero the second half: the size is right, the group tree is gone
        Arrays.fill(bytes, bytes.length / 2, bytes.length, (byte) 0);
        var e = refused(Files.write(tmp.resolve("zeroed.h5ad"), bytes));
        assertTrue(e.getMessage().contains("truncated or damaged"), e.getMessage());
        assertTrue(e.getCause() != null && e.getCause().getClass().getName().startsWith("io.jhdf"),
                "the jhdf failure is kept as the cause, not shown as the message");
    }

    @Test
    void directoryWithoutMatrix() throws IOException {
        Files.writeString(tmp.resolve("barcodes.tsv"), "AAAC-1\n");
        var e = refused(tmp);
        assertTrue(e.getMessage().contains("needs matrix.mtx(.gz)"), e.getMessage());
        assertTrue(e.getMessage().contains("barcodes.tsv"), e.getMessage());
    }
}
