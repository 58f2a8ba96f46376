package org.cytolabel.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cytolabel.registry.TestMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The store contract against a real PostgreSQL, each test in its own schema; skipped without one. */
class PostgresMetadataStoreTest extends MetadataStoreContract {
    TestMetadata db;

    @BeforeEach
    void freshSchema(TestInfo info) {
        db = TestMetadata.postgres(info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (db != null) {
            closeStores();
            db.close();
        }
    }

    @Override
    MetadataStore openStore() {
        return PostgresMetadataStore.open(db.config().url(), db.config().user(), db.config().password());
    }

    @Test
    void theSchemaNamedInTheUrlIsCreatedAndHoldsTheTables() {
        MetadataStore store = open();
        store.insert(card("m", 1), Instant.now());
        int tables = ((JdbcMetadataStore) store).run(c -> JdbcMetadataStore.queryInt(c,
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?", db.schema()).orElseThrow());
        assertEquals(4, tables, "schema_version, model_names, versions, aliases in " + db.schema());
    }

    @Test
    void theBlobLockExcludesOtherStoresOnTheSameSchema() throws Exception {
        MetadataStore a = open();
        MetadataStore b = open();
        AtomicInteger inside = new AtomicInteger();
        List<Integer> maxSeen = runTogether(4, t -> (t % 2 == 0 ? a : b).withBlobLock(() -> {
            int n = inside.incrementAndGet();
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inside.decrementAndGet();
            return n;
        }));
        assertEquals(List.of(1, 1, 1, 1), maxSeen);
    }

    @Test
    void aWrongPasswordFailsWithWhatToCheckAndNoSecretInTheMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PostgresMetadataStore.open(
                db.config().url() + "&password=hunter2", db.config().user(), "wrong-password"));
        assertTrue(e.getMessage().contains("check --metadata-url, --metadata-user and the password"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("password=***"), e.getMessage());
    }
}
