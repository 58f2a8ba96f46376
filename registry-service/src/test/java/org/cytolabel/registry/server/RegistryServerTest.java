package org.cytolabel.registry.server;

import static org.cytolabel.registry.TestCards.bytes;
import static org.cytolabel.registry.TestCards.card;
import static org.cytolabel.registry.TestCards.files;
import static org.cytolabel.registry.client.RegistryClient.parseRef;
import static org.cytolabel.registry.client.RegistryClient.withDigest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.registry.v1.ModelEvent;
import org.cytolabel.proto.registry.v1.ModelEvent.Kind;
import org.cytolabel.proto.registry.v1.ModelVersionSummary;
import org.cytolabel.registry.client.FetchedModel;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry over real sockets on 127.0.0.1, driven by {@link RegistryClient}. */
class RegistryServerTest {
    @TempDir
    Path dir;
    RegistryServer server;
    RegistryClient client;

    @BeforeEach
    void start() {
        server = RegistryServer.start(new RegistryConfig("127.0.0.1", 0, dir, -1));
        client = RegistryClient.connect("127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private void restart() {
        stop();
        start();
    }

    static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private ModelCard publish(String name, byte[] onnx) {
        return client.publish(withDigest(card(name), onnx), onnx);
    }

    @Test
    void publishedBytesAndCardComeBackExactly() throws Exception {
        byte[] onnx = bytes(2_500_000, 1); // three 1 MiB chunks, the last partial
        ModelCard card = withDigest(card("pbmc-mlp"), onnx);
        ModelCard stored = client.publish(card, onnx);
        assertEquals(1, stored.getVersion());
        assertTrue(stored.hasCreatedAt());
        assertEquals(card.toBuilder().setVersion(1).setCreatedAt(stored.getCreatedAt()).build(), stored);

        for (String ref : List.of("pbmc-mlp", "pbmc-mlp:1")) {
            FetchedModel fetched = client.fetch(parseRef(ref));
            assertArrayEquals(onnx, fetched.onnx(), ref);
            assertEquals(stored, fetched.card(), ref);
        }
        Path file = dir.resolve("download/model.onnx");
        assertEquals(stored, client.fetchTo(parseRef("pbmc-mlp"), file));
        assertArrayEquals(onnx, Files.readAllBytes(file));

        String hex = stored.getSha256();
        Path json = dir.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + ".card.json");
        assertTrue(Files.readString(json).contains("\"name\": \"pbmc-mlp\""));
    }

    @Test
    void versionsAliasesListAndDelete() {
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, publish("pbmc", bytes(1000, i)).getVersion());
        }
        assertEquals(1, publish("kang", bytes(1000, 9)).getVersion());

        assertEquals(0, client.setAlias("pbmc", "production", 1, -1));
        ModelCard prod = client.resolve(parseRef("pbmc@production"));
        assertEquals(1, prod.getVersion());
        assertEquals(List.of("production"), prod.getAliasesList());
        assertEquals(1, client.setAlias("pbmc", "production", 2, 1));
        assertEquals(2, client.resolve(parseRef("pbmc@production")).getVersion());

        CytoLabelException lost = assertThrows(CytoLabelException.class,
                () -> client.setAlias("pbmc", "production", 3, 1));
        assertEquals(ErrorKind.FAILED_PRECONDITION, lost.kind());
        assertEquals(Status.Code.FAILED_PRECONDITION, ((StatusRuntimeException) lost.getCause()).getStatus().getCode());
        CytoLabelException exists = assertThrows(CytoLabelException.class,
                () -> client.setAlias("pbmc", "production", 3, -1));
        assertEquals(ErrorKind.FAILED_PRECONDITION, exists.kind());
        assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(CytoLabelException.class,
                () -> client.setAlias("pbmc", "3", 3, 0)).kind());
        assertEquals(0, client.setAlias("pbmc", "staging", 3, 0));

        List<ModelVersionSummary> all = client.list("");
        assertEquals(List.of("kang:1", "pbmc:1", "pbmc:2", "pbmc:3"),
                all.stream().map(v -> v.getName() + ":" + v.getVersion()).toList());
        ModelVersionSummary v2 = client.list("pbmc").get(1);
        assertEquals(List.of("production"), v2.getAliasesList());
        assertEquals(1000, v2.getSizeBytes());
        assertEquals(6, v2.getGenes());
        assertEquals(3, v2.getLabels());
        assertEquals("mlp", v2.getModelKind());

        assertEquals(List.of("production"), client.deleteVersion("pbmc", 2));
        assertEquals(List.of(1, 3), client.list("pbmc").stream().map(ModelVersionSummary::getVersion).toList());
        CytoLabelException gone = assertThrows(CytoLabelException.class,
                () -> client.resolve(parseRef("pbmc@production")));
        assertEquals(ErrorKind.NOT_FOUND, gone.kind());
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(CytoLabelException.class,
                () -> client.fetch(parseRef("pbmc:2"))).kind());
        assertEquals(4, publish("pbmc", bytes(1000, 4)).getVersion());
        assertEquals(4, files(dir.resolve("blobs")).stream().filter(p -> !p.toString().endsWith(".json")).count());
    }

    @Test
    void tamperedArtifactsAreRefusedWithDataLossAndNothingIsStored() {
        byte[] onnx = bytes(1_500_000, 2);
        ModelCard card = withDigest(card("pbmc"), onnx);
        byte[] changed = onnx.clone();
        changed[1_200_000] ^= 1;
        ModelCard wrongSha = card.toBuilder().setSha256("0".repeat(64)).build();
        byte[] truncated = java.util.Arrays.copyOf(onnx, onnx.length - 1);
        for (Runnable attempt : List.<Runnable>of(() -> client.publish(card, changed),
                () -> client.publish(wrongSha, onnx), () -> client.publish(card, truncated))) {
            CytoLabelException e = assertThrows(CytoLabelException.class, attempt::run);
            assertEquals(ErrorKind.DATA_INTEGRITY, e.kind());
            assertEquals(Status.Code.DATA_LOSS, ((StatusRuntimeException) e.getCause()).getStatus().getCode());
            assertTrue(e.getMessage().contains("nothing was stored"), e.getMessage());
        }
        assertEquals(List.of(), client.list(""));
        assertEquals(List.of(), files(dir.resolve("blobs")));
        assertEquals(List.of(), files(dir.resolve("tmp")));
    }

    @Test
    void bytesDamagedOnDiskAreNeverServedAsGood() throws Exception {
        byte[] onnx = bytes(5000, 5);
        ModelCard stored = publish("pbmc", onnx);
        Path blob = dir.resolve("blobs/sha256/" + stored.getSha256().substring(0, 2) + "/" + stored.getSha256());
        byte[] damaged = onnx.clone();
        damaged[100] ^= 1;
        Files.write(blob, damaged);
        CytoLabelException e = assertThrows(CytoLabelException.class, () -> client.fetch(parseRef("pbmc")));
        assertEquals(ErrorKind.DATA_INTEGRITY, e.kind());
    }

    @Test
    void unknownModelsAreNotFoundWithWhatExists() {
        publish("pbmc", bytes(100, 1));
        CytoLabelException noModel = assertThrows(CytoLabelException.class, () -> client.fetch(parseRef("nope")));
        assertEquals(ErrorKind.NOT_FOUND, noModel.kind());
        assertEquals(Status.Code.NOT_FOUND, ((StatusRuntimeException) noModel.getCause()).getStatus().getCode());
        assertTrue(noModel.getMessage().contains("no model named 'nope'; models: pbmc"), noModel.getMessage());
        CytoLabelException noVersion = assertThrows(CytoLabelException.class, () -> client.resolve(parseRef("pbmc:7")));
        assertTrue(noVersion.getMessage().contains("has no version 7; versions of 'pbmc': 1; aliases: none"),
                noVersion.getMessage());
        CytoLabelException noAlias = assertThrows(CytoLabelException.class, () -> client.resolve(parseRef("pbmc@prod")));
        assertEquals(ErrorKind.NOT_FOUND, noAlias.kind());
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(CytoLabelException.class,
                () -> client.deleteVersion("pbmc", 5)).kind());
    }

    @Test
    void watchDeliversInitialStateThenLiveEventsInOrder() throws Exception {
        publish("pbmc", bytes(100, 1));
        client.setAlias("pbmc", "production", 1, -1);
        BlockingQueue<ModelEvent> all = new LinkedBlockingQueue<>();
        BlockingQueue<ModelEvent> pbmcOnly = new LinkedBlockingQueue<>();
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        AutoCloseable w1 = client.watch("", true, all::add, errors::add);
        AutoCloseable w2 = client.watch("pbmc", false, pbmcOnly::add, errors::add);
        try {
            List<ModelEvent> initial = take(all, 3);
            assertEquals(List.of(Kind.PUBLISHED, Kind.ALIAS_MOVED, Kind.SYNCED), kinds(initial));
            assertEquals(1, initial.get(0).getVersion());
            assertEquals("production", initial.get(1).getAlias());
            assertEquals(1, initial.get(1).getVersion());
            waitUntil(() -> server.registry().events().subscriberCount() == 2, "both watches are subscribed");

            publish("kang", bytes(100, 2));
            publish("pbmc", bytes(100, 3));
            client.setAlias("pbmc", "production", 2, 1);
            client.deleteVersion("pbmc", 1);

            List<ModelEvent> live = take(all, 4);
            assertEquals(List.of(Kind.PUBLISHED, Kind.PUBLISHED, Kind.ALIAS_MOVED, Kind.DELETED), kinds(live));
            assertEquals(List.of("kang", "pbmc", "pbmc", "pbmc"), live.stream().map(ModelEvent::getName).toList());
            assertEquals(2, live.get(2).getVersion());
            assertEquals(1, live.get(2).getPreviousVersion());
            assertEquals(1, live.get(3).getVersion());
            long previous = initial.get(2).getSequence();
            for (ModelEvent e : live) {
                assertTrue(e.getSequence() > previous, "sequence increases: " + e);
                previous = e.getSequence();
            }
            assertEquals(List.of(Kind.PUBLISHED, Kind.ALIAS_MOVED, Kind.DELETED), kinds(take(pbmcOnly, 3)));
        } finally {
            w1.close();
            w2.close();
        }
        waitUntil(() -> server.registry().events().subscriberCount() == 0, "cancelled watches are unsubscribed");
        assertEquals(List.of(), new ArrayList<>(errors));
    }

    @Test
    void everythingSurvivesARestart() {
        byte[] v1 = bytes(200_000, 1);
        byte[] v2 = bytes(300_000, 2);
        publish("pbmc", v1);
        ModelCard stored2 = publish("pbmc", v2);
        client.setAlias("pbmc", "production", 2, -1);

        restart();

        assertEquals(2, client.list("pbmc").size());
        FetchedModel prod = client.fetch(parseRef("pbmc@production"));
        assertArrayEquals(v2, prod.onnx());
        assertEquals(stored2.toBuilder().addAliases("production").build(), prod.card());
        assertArrayEquals(v1, client.fetch(parseRef("pbmc:1")).onnx());
        assertEquals(3, publish("pbmc", bytes(10, 3)).getVersion());
    }

    @Test
    void shuttingDownEndsWatchesWithUnavailable() throws Exception {
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        BlockingQueue<ModelEvent> events = new LinkedBlockingQueue<>();
        client.watch("", true, events::add, errors::add);
        assertEquals(Kind.SYNCED, take(events, 1).get(0).getKind());
        server.close();
        Throwable t = errors.poll(10, TimeUnit.SECONDS);
        assertNotNull(t, "the call ended with an error");
        assertEquals(ErrorKind.UNAVAILABLE, ((CytoLabelException) t).kind());
    }

    static List<ModelEvent> take(BlockingQueue<ModelEvent> q, int n) throws InterruptedException {
        List<ModelEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ModelEvent e = q.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "event " + (i + 1) + " of " + n + " did not arrive; got " + out);
            out.add(e);
        }
        return out;
    }

    static List<Kind> kinds(List<ModelEvent> events) {
        return events.stream().map(ModelEvent::getKind).toList();
    }
}
