package org.cytolabel.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.registry.TestCards;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetadataStoreTest {
    @TempDir
    Path dir;

    private static ModelCard card(String name, int seed) {
        return RegistryClient.withDigest(TestCards.card(name), TestCards.bytes(64, seed));
    }

    @Test
    void versionsCountFromOnePerNameAndAreNotReused() {
        try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("r.db"))) {
            assertEquals(Schema.latest(), store.schemaVersion());
            assertEquals("wal", store.journalMode());
            Instant t = Instant.parse("2025-01-02T03:04:05Z");
            assertEquals(1, store.insert(card("a", 1), t).getVersion());
            assertEquals(2, store.insert(card("a", 2), t).getVersion());
            assertEquals(1, store.insert(card("b", 3), t).getVersion());
            store.delete("a", 2);
            assertEquals(3, store.insert(card("a", 4), t).getVersion());
            assertEquals(OptionalInt.of(3), store.latest("a"));
            assertEquals(List.of("a", "b"), store.names());
            List<VersionSummary> a = store.versions("a");
            assertEquals(List.of(1, 3), a.stream().map(VersionSummary::version).toList());
            assertEquals(t, a.get(0).createdAt());
            assertEquals(6, a.get(0).genes());
            assertEquals(3, a.get(0).labels());
            assertEquals(card("a", 4).toBuilder().setVersion(3).build(), store.card("a", 3).orElseThrow());
        }
    }

    @Test
    void aliasMovesAreOptimistic() {
        try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("r.db"))) {
            for (int i = 0; i < 3; i++) {
                store.insert(card("m", i), Instant.now());
            }
            assertEquals(0, store.moveAlias("m", "prod", 1, -1));
            CytoLabelException exists = assertThrows(CytoLabelException.class, () -> store.moveAlias("m", "prod", 2, -1));
            assertEquals(ErrorKind.FAILED_PRECONDITION, exists.kind());
            assertEquals(1, store.moveAlias("m", "prod", 2, 1));
            CytoLabelException lost = assertThrows(CytoLabelException.class, () -> store.moveAlias("m", "prod", 3, 1));
            assertEquals(ErrorKind.FAILED_PRECONDITION, lost.kind());
            assertTrue(lost.getMessage().contains("points at version 2"), lost.getMessage());
            assertEquals(2, store.moveAlias("m", "prod", 3, 0));
            CytoLabelException missing = assertThrows(CytoLabelException.class, () -> store.moveAlias("m", "x", 9, 0));
            assertEquals(ErrorKind.NOT_FOUND, missing.kind());
            assertTrue(missing.getMessage().contains("versions of 'm': 1, 2, 3"), missing.getMessage());
            assertEquals(OptionalInt.of(3), store.aliasTarget("m", "prod"));
        }
    }

    @Test
    void deleteRemovesAliasesAndDataSurvivesReopen() {
        ModelCard c = card("m", 1);
        try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("r.db"))) {
            store.insert(c, Instant.now());
            store.insert(card("m", 2), Instant.now());
            store.moveAlias("m", "prod", 1, 0);
            store.moveAlias("m", "canary", 1, 0);
            store.moveAlias("m", "staging", 2, 0);
        }
        try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("r.db"))) {
            assertEquals(Set.of(c.getSha256(), card("m", 2).getSha256()), store.referencedBlobs());
            DeletedVersion d = store.delete("m", 1);
            assertEquals(List.of("canary", "prod"), d.removedAliases());
            assertEquals(c.getSha256(), d.sha256());
            assertEquals(List.of(new AliasRow("m", "staging", 2)), store.aliases(""));
            assertEquals(List.of("staging"), store.versions("m").get(0).aliases());
            assertTrue(!store.references(c.getSha256()));
            CytoLabelException again = assertThrows(CytoLabelException.class, () -> store.delete("m", 1));
            assertEquals(ErrorKind.NOT_FOUND, again.kind());
            assertTrue(again.getMessage().contains("staging -> 2"), again.getMessage());
            assertTrue(store.describe("zz").contains("there is no model named 'zz'; models: m"));
        }
    }
}
