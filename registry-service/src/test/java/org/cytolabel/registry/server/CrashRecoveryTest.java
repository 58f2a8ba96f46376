package org.cytolabel.registry.server;

import static org.cytolabel.registry.TestCards.bytes;
import static org.cytolabel.registry.TestCards.card;
import static org.cytolabel.registry.TestCards.files;
import static org.cytolabel.registry.client.RegistryClient.parseRef;
import static org.cytolabel.registry.server.RegistryServerTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.proto.registry.v1.PublishModelRequest;
import org.cytolabel.proto.registry.v1.PublishModelResponse;
import org.cytolabel.registry.TestCards;
import org.cytolabel.registry.TestMetadata;
import org.cytolabel.registry.client.FetchedModel;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.registry.domain.ModelRegistry;
import org.cytolabel.registry.store.MetadataConfig;
import org.cytolabel.service.Transport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry runs as a separate JVM and is killed with SIGKILL while publishing, (1) half-way
 * through the upload and (2) at the commit point: after the verified blob was moved into place,
 * before its version was recorded (the test-only {@value ModelRegistry#COMMIT_PAUSE_PROPERTY}
 * makes the server pause there). After a restart on the same data directory (and database) the
 * store holds the earlier version intact and nothing of the killed publish: no version, no blob
 * file, no temp file; publishing the same artifact again then works and verifies.
 */
class CrashRecoveryTest {
    private static final int CHUNK = 1 << 20;
    private static final int SIZE = 6 * CHUNK + 12_345;
    private static final Pattern PORT = Pattern.compile("registry serving .* on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    void killedHalfWayThroughTheUpload(String kind) throws Exception {
        crash(kind, false);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    void killedAtTheCommitPoint(String kind) throws Exception {
        crash(kind, true);
    }

    private void crash(String kind, boolean atCommitPoint) throws Exception {
        long started = System.nanoTime();
        Path data = dir.resolve("data");
        byte[] first = bytes(300_000, 1);
        byte[] big = bytes(SIZE, 2);
        ModelCard bigCard = RegistryClient.withDigest(card("pbmc"), big);
        try (TestMetadata db = TestMetadata.of(kind, atCommitPoint ? "crash_commit" : "crash_upload")) {
            Process child = startChild(data, db.config(), atCommitPoint);
            try {
                int port = awaitPort(child);
                ManagedChannel channel = Transport.channel("127.0.0.1:" + port);
                try (RegistryClient client = new RegistryClient(channel)) {
                    if (!atCommitPoint) {
                        assertEquals(1, client.publish(RegistryClient.withDigest(card("pbmc"), first), first).getVersion());
                    }
                    StreamObserver<PublishModelRequest> upload = ModelRegistryGrpc.newStub(channel)
                            .publishModel(new Ignore());
                    upload.onNext(PublishModelRequest.newBuilder().setCard(bigCard).build());
                    if (atCommitPoint) {
                        sendChunks(upload, big, 0, big.length);
                        upload.onCompleted();
                        Path blob = data.resolve("blobs/sha256/" + bigCard.getSha256().substring(0, 2) + "/"
                                + bigCard.getSha256());
                        waitUntil(() -> Files.isRegularFile(blob), "the blob was moved into place");
                        // paused at the commit point: the blob is on disk but no reader can see it
                        assertEquals(List.of(), client.list(""));
                    } else {
                        sendChunks(upload, big, 0, 2 * CHUNK);
                        waitUntil(() -> tempBytes(data.resolve("tmp")) >= 2L * CHUNK, "half the upload reached the disk");
                        sendChunks(upload, big, 2 * CHUNK, 3 * CHUNK); // still streaming when killed
                    }
                    child.destroyForcibly();
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the registry process ended");
                } finally {
                    channel.shutdownNow();
                }
            } finally {
                child.destroyForcibly();
            }
            // the kill hit where it should: a partial upload, or a blob that no version references yet
            if (atCommitPoint) {
                assertTrue(blobHashes(data).contains(bigCard.getSha256()), "the blob was in place when killed");
            } else {
                assertFalse(files(data.resolve("tmp")).isEmpty(), "the kill left a partial upload behind");
            }

            try (RegistryServer server = RegistryServer.start(new RegistryConfig("127.0.0.1", 0, data, -1)
                    .withMetadata(db.config()));
                    RegistryClient client = RegistryClient.connect("127.0.0.1:" + server.port())) {
                assertEquals(List.of(), files(data.resolve("tmp")), "no temp files after restart");
                if (atCommitPoint) {
                    assertEquals(List.of(), client.list(""), "no metadata of the killed publish");
                    assertEquals(Set.of(), blobHashes(data), "the orphan blob was collected");
                } else {
                    assertEquals(List.of("pbmc:1"), client.list("").stream()
                            .map(v -> v.getName() + ":" + v.getVersion()).toList());
                    FetchedModel v1 = client.fetch(parseRef("pbmc:1"));
                    assertArrayEquals(first, v1.onnx());
                    assertEquals(v1.card().getSha256(), TestCards.sha256(v1.onnx()));
                    assertEquals(Set.of(v1.card().getSha256()), blobHashes(data), "only the whole version's blob");
                }
                // the killed publish can simply be repeated
                ModelCard again = client.publish(bigCard, big);
                assertEquals(atCommitPoint ? 1 : 2, again.getVersion());
                FetchedModel fetched = client.fetch(parseRef("pbmc:" + again.getVersion()));
                assertEquals(bigCard.getSha256(), TestCards.sha256(fetched.onnx()));
                assertArrayEquals(big, fetched.onnx());
            }
            System.out.printf("crash [%s, killed %s]: restart clean, %.1f s%n", kind,
                    atCommitPoint ? "at the commit point" : "mid-upload", (System.nanoTime() - started) / 1e9);
        }
    }

    /** The registry's main in a new JVM on the test classpath; its log goes to {@code dir/registry.log}. */
    private Process startChild(Path data, MetadataConfig metadata, boolean pauseAtCommit) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath));
        if (pauseAtCommit) {
            cmd.add("-D" + ModelRegistry.COMMIT_PAUSE_PROPERTY + "=120000");
        }
        cmd.addAll(List.of(RegistryServer.class.getName(), "--host", "127.0.0.1", "--port", "0", "--data-dir",
                data.toString(), "--metrics-port", "-1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile());
        pb.environment().remove(RegistryConfig.ENV_METADATA_USER);
        pb.environment().remove(RegistryConfig.ENV_METADATA_PASSWORD);
        if (!metadata.isSqlite()) {
            // the password as a mounted secret would be: a file
            Path secret = Files.writeString(dir.resolve("db-password"), metadata.password() + "\n");
            cmd.addAll(List.of("--metadata-url", metadata.url(), "--metadata-user", metadata.user(),
                    "--metadata-password-file", secret.toString()));
            pb.command(cmd);
        }
        return pb.start();
    }

    private int awaitPort(Process child) throws Exception {
        Path log = dir.resolve("registry.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = PORT.matcher(text);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!child.isAlive()) {
                throw new AssertionError("the registry process exited with " + child.exitValue() + ":\n" + text);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the registry process did not start within 90 s:\n" + Files.readString(log));
    }

    private static void sendChunks(StreamObserver<PublishModelRequest> upload, byte[] bytes, int from, int to) {
        for (int off = from; off < to; off += CHUNK) {
            upload.onNext(PublishModelRequest.newBuilder()
                    .setChunk(ByteString.copyFrom(bytes, off, Math.min(CHUNK, to - off))).build());
        }
    }

    private static Set<String> blobHashes(Path data) {
        return files(data.resolve("blobs")).stream().map(p -> p.getFileName().toString())
                .filter(n -> n.matches("[0-9a-f]{64}")).collect(Collectors.toSet());
    }

    private static long tempBytes(Path tmp) {
        return files(tmp).stream().mapToLong(p -> {
            try {
                return Files.size(p);
            } catch (IOException e) {
                if (!Files.exists(p)) {
                    return 0;
                }
                throw new UncheckedIOException(e);
            }
        }).sum();
    }

    /** The response of a publish the test never lets finish. */
    private static final class Ignore implements StreamObserver<PublishModelResponse> {
        @Override
        public void onNext(PublishModelResponse value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
