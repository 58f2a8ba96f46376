package org.cytolabel.registry.server;

import static org.cytolabel.registry.client.RegistryClient.parseRef;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.registry.v1.ModelVersionSummary;
import org.cytolabel.registry.TestCards;
import org.cytolabel.registry.TestMetadata;
import org.cytolabel.registry.client.FetchedModel;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eight writers publish versions of three models and move their {@code prod} alias at once,
 * through real gRPC servers. With PostgreSQL two registry servers share the database and the
 * blob directory (four writers each), so the database's optimistic checks, not a lock in one
 * process, decide. Each round: every writer publishes, then all read the alias, then all try to
 * move it from what they read to their new version; of the writers on one model exactly one may
 * win per round, the others must get FAILED_PRECONDITION.
 */
class ConcurrentWritersTest {
    private static final int WRITERS = 8;
    private static final int ROUNDS = 6;
    private static final List<String> NAMES = List.of("conc-a", "conc-b", "conc-c");
    private static final int BYTES = 96 * 1024;

    @TempDir
    Path dir;

    /** A won move: in {@code round}, from {@code expected} (-1: the alias did not exist) to {@code target}. */
    record Move(String name, int round, int expected, int target) {
    }

    record Published(String name, int version, String sha256, int writer, int round) {
    }

    static byte[] artifact(int writer, int round) {
        return TestCards.bytes(BYTES + writer * 1000 + round, 1000L * writer + round);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    void writersPublishAndMoveAliasesAtOnce(String kind) throws Exception {
        long started = System.nanoTime();
        int serverCount = kind.equals("postgres") ? 2 : 1;
        try (TestMetadata db = TestMetadata.of(kind, "concurrent_writers")) {
            RegistryConfig config = new RegistryConfig("127.0.0.1", 0, dir, -1).withMetadata(db.config());
            List<RegistryServer> servers = new ArrayList<>();
            List<RegistryClient> clients = new ArrayList<>();
            try {
                for (int s = 0; s < serverCount; s++) {
                    servers.add(RegistryServer.start(config));
                }
                for (int w = 0; w < WRITERS; w++) {
                    clients.add(RegistryClient.connect("127.0.0.1:" + servers.get(w % serverCount).port()));
                }
                List<Published> published = Collections.synchronizedList(new ArrayList<>());
                List<Move> won = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger lost = new AtomicInteger();
                CyclicBarrier barrier = new CyclicBarrier(WRITERS);
                ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
                try {
                    List<Future<?>> futures = new ArrayList<>();
                    for (int w = 0; w < WRITERS; w++) {
                        int writer = w;
                        RegistryClient client = clients.get(w);
                        String name = NAMES.get(w % NAMES.size());
                        futures.add(pool.submit(() -> {
                            for (int round = 0; round < ROUNDS; round++) {
                                byte[] onnx = artifact(writer, round);
                                ModelCard stored = client.publish(RegistryClient.withDigest(TestCards.card(name), onnx), onnx);
                                published.add(new Published(name, stored.getVersion(), stored.getSha256(), writer, round));
                                barrier.await(60, TimeUnit.SECONDS);
                                int expected = currentTarget(client, name);
                                barrier.await(60, TimeUnit.SECONDS);
                                try {
                                    int previous = client.setAlias(name, "prod", stored.getVersion(), expected);
                                    assertEquals(Math.max(expected, 0), previous);
                                    won.add(new Move(name, round, expected, stored.getVersion()));
                                } catch (CytoLabelException e) {
                                    assertEquals(ErrorKind.FAILED_PRECONDITION, e.kind(), e.getMessage());
                                    lost.incrementAndGet();
                                }
                                barrier.await(60, TimeUnit.SECONDS);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) {
                        try {
                            f.get(5, TimeUnit.MINUTES);
                        } catch (ExecutionException e) {
                            throw new AssertionError("a writer failed", e.getCause());
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }

                RegistryClient reader = clients.get(0);
                // no duplicate version numbers; each model's versions are exactly 1..n; the listing holds exactly these
                Map<String, List<Integer>> versionsByName = new TreeMap<>();
                Map<String, Published> byRef = new ConcurrentHashMap<>();
                for (Published p : published) {
                    versionsByName.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p.version());
                    assertEquals(null, byRef.put(p.name() + ":" + p.version(), p), "version handed out twice: " + p);
                }
                assertEquals(WRITERS * ROUNDS, published.size());
                for (Map.Entry<String, List<Integer>> e : versionsByName.entrySet()) {
                    List<Integer> sorted = e.getValue().stream().sorted().toList();
                    assertEquals(IntStream.rangeClosed(1, sorted.size()).boxed().toList(), sorted, e.getKey());
                }
                List<ModelVersionSummary> listed = reader.list("");
                assertEquals(byRef.keySet().stream().sorted().toList(),
                        listed.stream().map(v -> v.getName() + ":" + v.getVersion()).sorted().toList());

                // every version intact: bytes hash to the card's sha256 and are the bytes its writer sent
                for (Published p : published) {
                    FetchedModel m = clients.get(p.writer()).fetch(parseRef(p.name() + ":" + p.version()));
                    assertEquals(p.sha256(), TestCards.sha256(m.onnx()));
                    assertEquals(m.card().getSha256(), TestCards.sha256(m.onnx()));
                    assertArrayEquals(artifact(p.writer(), p.round()), m.onnx());
                }

                // exactly one winner per model and round, and the winners form one chain ending at the alias
                for (String name : NAMES) {
                    List<Move> chain = won.stream().filter(m -> m.name().equals(name))
                            .sorted((a, b) -> Integer.compare(a.round(), b.round())).toList();
                    assertEquals(ROUNDS, chain.size(), name + " winners: " + chain);
                    int expected = -1;
                    for (int round = 0; round < ROUNDS; round++) {
                        Move m = chain.get(round);
                        assertEquals(round, m.round(), name + ": two winners in one round: " + chain);
                        assertEquals(expected, m.expected(), name + ": a move won from a stale version: " + chain);
                        expected = m.target();
                    }
                    ModelCard prod = reader.resolve(parseRef(name + "@prod"));
                    assertEquals(expected, prod.getVersion(), name + ": the alias is the last successful move");
                    assertTrue(byRef.containsKey(name + ":" + prod.getVersion()), "the alias points at a published version");
                }
                assertEquals(NAMES.size() * ROUNDS, won.size());
                assertEquals((WRITERS - NAMES.size()) * ROUNDS, lost.get(), "all but one writer per model lose each round");
                assertTrue(lost.get() > 0, "some optimistic moves lost");
                System.out.printf("concurrency [%s, %d server(s)]: %d writers, %d publishes, %d alias moves: %d won,"
                        + " %d lost (FAILED_PRECONDITION), 0 silent; %d versions verified; %.1f s%n", kind, serverCount,
                        WRITERS, published.size(), won.size() + lost.get(), won.size(), lost.get(), published.size(),
                        (System.nanoTime() - started) / 1e9);
            } finally {
                clients.forEach(RegistryClient::close);
                servers.forEach(RegistryServer::close);
            }
        }
    }

    /** The version {@code name@prod} points at, or -1 when the alias does not exist yet. */
    private static int currentTarget(RegistryClient client, String name) {
        try {
            return client.resolve(parseRef(name + "@prod")).getVersion();
        } catch (CytoLabelException e) {
            assertEquals(ErrorKind.NOT_FOUND, e.kind(), e.getMessage());
            return -1;
        }
    }
}
