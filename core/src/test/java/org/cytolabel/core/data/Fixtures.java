package org.cytolabel.core.data;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.cytolabel.core.TestData;

/**
 * The h5ad fixtures in {@code src/test/resources/org/cytolabel/core/data/fixtures}, made by
 * {@code make_fixtures.py} there from 60 real cells of Kang example_sce (rows 0-29 and 1526-1555)
 * in the X layouts and AnnData encodings the reader must accept.
 */
final class Fixtures {
    /** The rows of kang2018_muscat_example_sce.h5ad the fixtures hold, in order. */
    static final int[] ROWS = IntStream.concat(IntStream.range(0, 30), IntStream.range(1526, 1556))
            .toArray();

    private Fixtures() {
    }

    static Path file(String name) {
        try {
            return Path.of(Fixtures.class.getResource("fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same 60 cells read from the real file. */
    static CellDataset kangRows() {
        return DatasetReader.read(TestData.file(TestData.KANG_EXAMPLE)).selectCells(ROWS);
    }
}
