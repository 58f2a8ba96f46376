package org.cytolabel.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
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
    void journalIsWal() {
        assertEquals("wal", ((SqliteMetadataStore) open()).journalMode());
    }
}
