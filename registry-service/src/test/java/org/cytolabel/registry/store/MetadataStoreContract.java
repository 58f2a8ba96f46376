package org.cytolabel.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.registry.TestCards;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetadataStore} must do, run against each implementation by a subclass. The
 * concurrency tests call the store from several threads at once with no lock of the registry in
 * between, so the database alone must keep version numbers unique and alias moves optimistic.
 */
abstract class MetadataStoreContract {
    static final int THREADS = 8;

    private final List<MetadataStore> opened = new ArrayList<>();

    /** Opens the store under test; a second call opens the same database again. */
    abstract MetadataStore openStore();

    MetadataStore open() {
        MetadataStore s = openStore();
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(MetadataStore::close);
    }

    static ModelCard card(String name, int seed) {
        return RegistryClient.withDigest(TestCards.card(name), TestCards.bytes(64, seed));
    }

    @Test
    void versionsCountFromOnePerNameAndAreNotReused() {
        MetadataStore store = open();
        assertEquals(Schema.latest(), ((JdbcMetadataStore) store).schemaVersion());
        Instant t = Instant.parse("2025-01-02T03:04:05.123456Z");
        assertEquals(1, store.insert(card("a", 1), t).getVersion());
        assertEquals(2, store.insert(card("a", 2), t).getVersion());
        assertEquals(1, store.insert(card("b", 3), t).getVersion());
        store.delete("a", 2);
        assertEquals(3, store.insert(card("a", 4), t).getVersion());
        assertEquals(OptionalInt.of(3), store.latest("a"));
        assertEquals(OptionalInt.empty(), store.latest("zz"));
        assertEquals(List.of("a", "b"), store.names());
        List<VersionSummary> a = store.versions("a");
        assertEquals(List.of(1, 3), a.stream().map(VersionSummary::version).toList());
        assertEquals(t, a.get(0).createdAt());
        assertEquals(6, a.get(0).genes());
        assertEquals(3, a.get(0).labels());
        assertEquals(64, a.get(0).sizeBytes());
        assertEquals(card("a", 4).toBuilder().setVersion(3).build(), store.card("a", 3).orElseThrow());
        assertTrue(store.card("a", 2).isEmpty());
    }

    @Test
    void aliasMovesAreOptimistic() {
        MetadataStore store = open();
        for (int i = 0; i < 3; i++) {
            store.insert(card("m", i), Instant.now());
        }
        assertEquals(0, store.moveAlias("m", "prod", 1, -1));
        CytoLabelException exists = assertThrows(CytoLabelException.class, () -> store.moveAlias("m", "prod", 2, -1));
        assertEquals(ErrorKind.FAILED_PRECONDITION, exists.kind());
        assertTrue(exists.getMessage().contains("already exists (points at version 1)"), exists.getMessage());
        assertEquals(1, store.moveAlias("m", "prod", 2, 1));
        CytoLabelException lost = assertThrows(CytoLabelException.class, () -> store.moveAlias("m", "prod", 3, 1));
        assertEquals(ErrorKind.FAILED_PRECONDITION, lost.kind());
        assertTrue(lost.getMessage().contains("points at version 2"), lost.getMessage());
        CytoLabelException absent = assertThrows(CytoLabelException.class, () -> store.moveAlias("m", "qa", 3, 2));
        assertTrue(absent.getMessage().contains("points at nothing"), absent.getMessage());
        assertEquals(2, store.moveAlias("m", "prod", 3, 0));
        assertEquals(0, store.moveAlias("m", "canary", 1, 0));
        CytoLabelException missing = assertThrows(CytoLabelException.class, () -> store.moveAlias("m", "x", 9, 0));
        assertEquals(ErrorKind.NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().contains("versions of 'm': 1, 2, 3"), missing.getMessage());
        assertEquals(OptionalInt.of(3), store.aliasTarget("m", "prod"));
        assertEquals(List.of(new AliasRow("m", "canary", 1), new AliasRow("m", "prod", 3)), store.aliases("m"));
    }

    @Test
    void deleteRemovesAliasesAndDataSurvivesReopen() {
        ModelCard c = card("m", 1);
        MetadataStore first = open();
        first.insert(c, Instant.now());
        first.insert(card("m", 2), Instant.now());
        first.moveAlias("m", "prod", 1, 0);
        first.moveAlias("m", "canary", 1, 0);
        first.moveAlias("m", "staging", 2, 0);
        first.close();

        MetadataStore store = open();
        assertEquals(Set.of(c.getSha256(), card("m", 2).getSha256()), store.referencedBlobs());
        DeletedVersion d = store.delete("m", 1);
        assertEquals(List.of("canary", "prod"), d.removedAliases());
        assertEquals(c.getSha256(), d.sha256());
        assertEquals(List.of(new AliasRow("m", "staging", 2)), store.aliases(""));
        assertEquals(List.of("staging"), store.versions("m").get(0).aliases());
        assertFalse(store.references(c.getSha256()));
        assertTrue(store.references(card("m", 2).getSha256()));
        CytoLabelException again = assertThrows(CytoLabelException.class, () -> store.delete("m", 1));
        assertEquals(ErrorKind.NOT_FOUND, again.kind());
        assertTrue(again.getMessage().contains("staging -> 2"), again.getMessage());
        assertTrue(store.describe("zz").contains("there is no model named 'zz'; models: m"));
        assertEquals(3, store.insert(card("m", 3), Instant.now()).getVersion(), "numbers survive a reopen");
    }

    @Test
    void listingsSortBytewiseAndLargeSizesFit() {
        MetadataStore store = open();
        for (String name : List.of("ab", "a_b", "a0", "a.c", "a-b")) {
            store.insert(card(name, name.hashCode()), Instant.now());
        }
        assertEquals(List.of("a-b", "a.c", "a0", "a_b", "ab"), store.names());
        ModelCard big = card("big", 1).toBuilder().setSizeBytes(5_000_000_000L).build();
        store.insert(big, Instant.now());
        assertEquals(5_000_000_000L, store.versions("big").get(0).sizeBytes());
        assertEquals(5_000_000_000L, store.card("big", 1).orElseThrow().getSizeBytes());
    }

    @Test
    void reopeningConcurrentlyMigratesOnce() throws Exception {
        List<MetadataStore> stores = runTogether(4, i -> open());
        for (MetadataStore s : stores) {
            assertEquals(Schema.latest(), ((JdbcMetadataStore) s).schemaVersion());
        }
        stores.get(0).insert(card("m", 1), Instant.now());
        assertEquals(List.of("m"), stores.get(3).names());
    }

    @Test
    void concurrentInsertsNeverShareAVersionNumber() throws Exception {
        MetadataStore store = open();
        int perThread = 3;
        List<List<Integer>> got = runTogether(THREADS, t -> {
            List<Integer> versions = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                versions.add(store.insert(card("m", t * 100 + i), Instant.now()).getVersion());
            }
            return versions;
        });
        Set<Integer> all = new TreeSet<>();
        got.forEach(all::addAll);
        assertEquals(THREADS * perThread, all.size(), "no duplicates: " + got);
        assertEquals(THREADS * perThread, ((TreeSet<Integer>) all).last());
        assertEquals(THREADS * perThread, store.versions("m").size());
    }

    @Test
    void ofConcurrentMovesFromOneVersionExactlyOneWins() throws Exception {
        MetadataStore store = open();
        for (int i = 1; i <= THREADS + 1; i++) {
            store.insert(card("m", i), Instant.now());
        }
        // creating: all expect the alias not to exist
        List<Integer> created = runTogether(THREADS, t -> outcome(() -> store.moveAlias("m", "canary", t + 1, -1)));
        assertEquals(1, created.stream().filter(r -> r == 0).count(), "one creation wins: " + created);
        int canary = store.aliasTarget("m", "canary").orElseThrow();
        assertEquals(created.indexOf(0) + 1, canary, "the winner's target is what the alias holds");

        // moving: several rounds, all from the version the alias holds at the start of the round
        store.moveAlias("m", "prod", 1, -1);
        for (int round = 0; round < 3; round++) {
            int from = store.aliasTarget("m", "prod").orElseThrow();
            List<Integer> targets = new ArrayList<>();
            for (int v = 1; v <= THREADS + 1; v++) {
                if (v != from) {
                    targets.add(v);
                }
            }
            List<Integer> results = runTogether(THREADS, t -> outcome(() -> store.moveAlias("m", "prod", targets.get(t), from)));
            assertEquals(1, results.stream().filter(r -> r == from).count(), "round " + round + ": " + results);
            assertEquals(THREADS - 1, results.stream().filter(r -> r == LOST).count(), "round " + round + ": " + results);
            assertEquals(targets.get(results.indexOf(from)), store.aliasTarget("m", "prod").orElseThrow());
        }
    }

    static final int LOST = -100;

    /** The previous version a move returned, or {@link #LOST} when it failed its optimistic check. */
    static int outcome(Callable<Integer> move) throws Exception {
        try {
            return move.call();
        } catch (CytoLabelException e) {
            assertEquals(ErrorKind.FAILED_PRECONDITION, e.kind(), e.getMessage());
            return LOST;
        }
    }

    @FunctionalInterface
    interface Task<T> {
        T run(int thread) throws Exception;
    }

    /** Runs {@code n} tasks on {@code n} threads released at the same instant; their results in thread order. */
    static <T> List<T> runTogether(int n, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CyclicBarrier start = new CyclicBarrier(n);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int t = i;
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return task.run(t);
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(f.get(60, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
