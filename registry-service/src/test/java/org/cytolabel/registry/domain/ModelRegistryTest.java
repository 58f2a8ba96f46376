package org.cytolabel.registry.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.GenePanel;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.registry.TestCards;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.registry.store.BlobStore;
import org.cytolabel.registry.store.BlobWriter;
import org.cytolabel.registry.store.MetadataStore;
import org.cytolabel.registry.store.SqliteMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    @TempDir
    Path dir;

    private static ModelCard publish(ModelRegistry r, String name, byte[] bytes) {
        return r.publish(RegistryClient.withDigest(TestCards.card(name), bytes), new ByteArrayInputStream(bytes));
    }

    @Test
    void anInvalidCardIsRefusedWithEveryProblemNamed() {
        try (ModelRegistry r = ModelRegistry.open(dir)) {
            ModelCard bad = TestCards.card("Bad Name").toBuilder()
                    .setSha256("xyz")
                    .setGenePanel(GenePanel.newBuilder().addSymbols("CD3E").setSha256("0"))
                    .clearLabels()
                    .build();
            CytoLabelException e = assertThrows(CytoLabelException.class,
                    () -> r.publish(bad, new ByteArrayInputStream(new byte[1])));
            assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
            for (String part : List.of("name 'Bad Name'", "sha256 must be", "size_bytes", "gene_panel.sha256",
                    "labels must")) {
                assertTrue(e.getMessage().contains(part), part + " missing from: " + e.getMessage());
            }
            assertEquals(0, TestCards.files(dir.resolve("blobs")).size());
        }
    }

    @Test
    void refsResolveToVersionAliasOrLatestAndUnknownsListWhatExists() throws Exception {
        try (ModelRegistry r = ModelRegistry.open(dir)) {
            byte[] v1 = TestCards.bytes(300, 1);
            publish(r, "pbmc", v1);
            publish(r, "pbmc", TestCards.bytes(300, 2));
            r.setAlias("pbmc", "production", 1, -1);
            ModelRef byAlias = ModelRef.newBuilder().setName("pbmc").setAlias("production").build();
            assertEquals(1, r.resolve(byAlias).getVersion());
            assertEquals(List.of("production"), r.resolve(byAlias).getAliasesList());
            assertEquals(2, r.resolve(ModelRef.newBuilder().setName("pbmc").build()).getVersion());
            try (OpenedModel m = r.open(ModelRef.newBuilder().setName("pbmc").setVersion(1).build())) {
                assertArrayEquals(v1, m.bytes().readAllBytes());
            }
            CytoLabelException noAlias = assertThrows(CytoLabelException.class,
                    () -> r.resolve(ModelRef.newBuilder().setName("pbmc").setAlias("staging").build()));
            assertEquals(ErrorKind.NOT_FOUND, noAlias.kind());
            assertTrue(noAlias.getMessage().contains("versions of 'pbmc': 1, 2; aliases: production -> 1"),
                    noAlias.getMessage());
            CytoLabelException noModel = assertThrows(CytoLabelException.class,
                    () -> r.resolve(ModelRef.newBuilder().setName("kang").build()));
            assertTrue(noModel.getMessage().contains("no model named 'kang'; models: pbmc"), noModel.getMessage());
        }
    }

    @Test
    void concurrentPublishesGetDistinctVersionsAndOneOptimisticMoveWins() throws Exception {
        try (ModelRegistry r = ModelRegistry.open(dir)) {
            int n = 6;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<ModelCard>> published = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    byte[] bytes = TestCards.bytes(1000, i);
                    published.add(pool.submit(() -> publish(r, "m", bytes)));
                }
                Set<Integer> versions = new TreeSet<>();
                for (Future<ModelCard> f : published) {
                    versions.add(f.get().getVersion());
                }
                assertEquals(Set.of(1, 2, 3, 4, 5, 6), versions);

                r.setAlias("m", "prod", 1, -1);
                List<Future<Integer>> moves = new ArrayList<>();
                for (int v = 2; v <= n; v++) {
                    int target = v;
                    moves.add(pool.submit(() -> r.setAlias("m", "prod", target, 1)));
                }
                int won = 0;
                for (Future<Integer> f : moves) {
                    try {
                        assertEquals(1, f.get());
                        won++;
                    } catch (ExecutionException e) {
                        assertEquals(ErrorKind.FAILED_PRECONDITION, ((CytoLabelException) e.getCause()).kind());
                    }
                }
                assertEquals(1, won);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aPublishWhoseMetadataFailsLeavesNoBlob() {
        SqliteMetadataStore real = SqliteMetadataStore.open(dir.resolve("registry.db"));
        MetadataStore failing = (MetadataStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("insert")) {
                        throw new IllegalStateException("disk full (simulated)");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (ModelRegistry r = new ModelRegistry(new BlobStore(dir), failing, new ModelEvents(8), Clock.systemUTC())) {
            assertThrows(IllegalStateException.class, () -> publish(r, "m", TestCards.bytes(100, 1)));
            assertEquals(0, TestCards.files(dir.resolve("blobs")).size());
            assertEquals(0, TestCards.files(dir.resolve("tmp")).size());
            assertEquals(0, r.list("").size());
            assertEquals(0, r.events().sequence());
        }
    }

    @Test
    void orphanBlobsAndTempFilesAreRemovedAtStartup() throws Exception {
        BlobStore blobs = new BlobStore(dir);
        byte[] bytes = TestCards.bytes(100, 9);
        try (BlobWriter w = blobs.writer(RegistryClient.withDigest(TestCards.card("m"), bytes).getSha256(), 100)) {
            w.write(bytes, 0, 100);
            w.finish();
            blobs.commit(w);
        }
        Files.write(dir.resolve("tmp/upload-123.part"), bytes); // left behind by a crashed process
        BlobWriter live = blobs.writer(RegistryClient.withDigest(TestCards.card("m"), bytes).getSha256(), 100);
        assertEquals(3, TestCards.files(dir).size());
        try (ModelRegistry r = ModelRegistry.open(dir)) {
            // an upload still in progress (its temp file is locked) is left alone
            assertEquals(1, TestCards.files(dir.resolve("tmp")).size());
            live.close();
            publish(r, "kept", TestCards.bytes(50, 10));
        }
        try (ModelRegistry r = ModelRegistry.open(dir)) {
            // the kept blob, its card JSON and the database files remain; the orphan and the temp files went
            assertEquals(2, TestCards.files(dir.resolve("blobs")).size());
            assertEquals(0, TestCards.files(dir.resolve("tmp")).size());
            assertEquals(1, r.list("kept").size());
        }
    }
}
