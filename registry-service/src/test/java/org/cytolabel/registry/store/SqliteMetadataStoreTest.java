package org.cytolabel.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path dir;

    @Override
    MetadataStore openStore() {
        return SqliteMetadataStore.open(dir.resolve("r.db"));
    }

    @Test
    void manyOpenersOfAFreshFileAllSucceed() throws Exception {
        for (int round = 0; round < 25; round++) {
            Path file = dir.resolve("fresh-" + round + ".db");
            List<SqliteMetadataStore> stores = runTogether(8, t -> SqliteMetadataStore.open(file));
            for (SqliteMetadataStore s : stores) {
                assertEquals(Schema.latest(), s.schemaVersion());
            }
        }
    }

    @Test
    void journalIsWal() {
        assertEquals("wal", ((SqliteMetadataStore) open()).journalMode());
    }
}
