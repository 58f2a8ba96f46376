package org.cytolabel.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotateResponse;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.annotation.v1.ChunkResult;
import org.cytolabel.proto.annotation.v1.StreamInfo;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.service.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AnnotateClient} reconnects after UNAVAILABLE and resumes where the stream stopped: every
 * cell exactly once, in order; a resumed stream asks for the version that served the first one;
 * other failures, and too many reconnects in a row, fail; a comma list of replicas is balanced
 * round-robin and a replica that goes away mid-stream is replaced by the other one.
 */
class AnnotateClientRetryTest {
    private static final int CELLS = 1_050;
    private static final int CHUNK = 100;
    private static final int CHUNKS = 11;
    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(Transport::close);
        servers.forEach(Server::shutdownNow);
    }

    @Test
    void resumesAfterUnavailableWithEveryCellOnceInOrder() throws IOException {
        // the first stream answers 3 chunks, then the "replica restarts"
        FakeAnnotator fake = new FakeAnnotator(7, stream -> stream == 0 ? 3 : -1, Status.UNAVAILABLE);
        List<String> notices = new CopyOnWriteArrayList<>();
        List<ChunkResult> results = run(channel(start(fake)), options().withNotices(notices::add));

        assertEveryCellOnceInOrder(results);
        assertEquals(2, fake.streams.get(), "one reconnect");
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("resuming at chunk 3 of 11 (cell 300)"), notices.get(0));
        // the first stream named the alias; the resumed one the exact version that served the first
        assertEquals("fake@production", ref(fake.headers.get(0)));
        assertEquals("fake:7", ref(fake.headers.get(1)));
        // the resumed stream started with chunk 3: its first cell is cell 300
        assertEquals("c300", fake.firstCellOfStream.get(1));
    }

    @Test
    void reconnectsInARowAreBoundedButProgressResetsTheCount() throws IOException {
        // streams 0..2 each answer one chunk then fail; with retries 1 that still finishes, since
        // every reconnect makes progress
        FakeAnnotator progressing = new FakeAnnotator(1, stream -> stream < 3 ? 1 : -1, Status.UNAVAILABLE);
        List<ChunkResult> results = run(channel(start(progressing)), options().withRetries(1));
        assertEveryCellOnceInOrder(results);
        assertEquals(4, progressing.streams.get());

        // a replica that never answers: 1 + 2 retries, then the UNAVAILABLE comes through
        FakeAnnotator dead = new FakeAnnotator(1, stream -> 0, Status.UNAVAILABLE);
        List<String> notices = new CopyOnWriteArrayList<>();
        CytoLabelException e = assertThrows(CytoLabelException.class,
                () -> run(channel(start(dead)), options().withRetries(2).withNotices(notices::add)));
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("gave up after 2 reconnects"), e.getMessage());
        assertEquals(3, dead.streams.get());
        assertEquals(2, notices.size());

        // retries 0: the first UNAVAILABLE fails the call
        FakeAnnotator once = new FakeAnnotator(1, stream -> 2, Status.UNAVAILABLE);
        assertThrows(CytoLabelException.class, () -> run(channel(start(once)), options().withRetries(0)));
        assertEquals(1, once.streams.get());
    }

    @Test
    void otherFailuresAreNotRetried() throws IOException {
        FakeAnnotator invalid = new FakeAnnotator(1, stream -> 2,
                Status.INVALID_ARGUMENT.withDescription("too little gene overlap"));
        CytoLabelException e = assertThrows(CytoLabelException.class,
                () -> run(channel(start(invalid)), options()));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("too little gene overlap"), e.getMessage());
        assertEquals(1, invalid.streams.get());
    }

    @Test
    void commaListIsBalancedRoundRobinAndSurvivesAReplicaGoingAway() throws Exception {
        FakeAnnotator a = new FakeAnnotator(2, stream -> -1, Status.UNAVAILABLE);
        FakeAnnotator b = new FakeAnnotator(2, stream -> -1, Status.UNAVAILABLE);
        int portA = start(a);
        int portB = start(b);
        String target = AddressList.target("127.0.0.1:" + portA + ", 127.0.0.1:" + portB);
        assertEquals("cytolabel-list:///127.0.0.1:" + portA + ",127.0.0.1:" + portB, target);
        ManagedChannel channel = Transport.channel(target);
        channels.add(channel);
        for (int i = 0; i < 6; i++) {
            assertEveryCellOnceInOrder(run(channel, options()));
        }
        assertTrue(a.streams.get() >= 2 && b.streams.get() >= 2,
                "round robin: " + a.streams.get() + " and " + b.streams.get() + " streams");

        // replica A fails its next stream after 4 chunks and goes away; the stream resumes on B
        int aBefore = a.streams.get();
        a.failAfter = stream -> stream == aBefore ? 4 : -1;
        a.onFail = () -> servers.get(0).shutdownNow();
        List<ChunkResult> results = new ArrayList<>();
        // two streams: whichever replica gets the first, A is down for good after its failure
        for (int i = 0; i < 2; i++) {
            results.clear();
            AnnotateClient.annotate(channel, source(), options().withNotices(s -> { }), results::add, null);
            assertEveryCellOnceInOrder(results);
        }
        assertTrue(servers.get(0).isShutdown(), "replica A failed a stream and went away");
        assertEquals(aBefore + 1, a.streams.get(), "A served exactly one more stream, the one it failed");
    }

    @Test
    void parsesAddressLists() {
        assertEquals("localhost:50053", AddressList.target("localhost:50053"));
        assertEquals("dns:///inference:50053", AddressList.target("dns:///inference:50053"));
        assertEquals("cytolabel-list:///[::1]:1,h:2", AddressList.target("[::1]:1,h:2"));
        assertThrows(CytoLabelException.class, () -> AddressList.target("a:1,b"));
        assertThrows(CytoLabelException.class, () -> AddressList.target("a:1,dns:///b:2"));
        assertThrows(CytoLabelException.class, () -> AddressList.target("a:1,b:70000"));
    }

    @Test
    void backoffDoublesUpToTheCap() {
        for (int i = 0; i < 20; i++) {
            long first = AnnotateClient.backoffMillis(Duration.ofMillis(100), 1);
            long third = AnnotateClient.backoffMillis(Duration.ofMillis(100), 3);
            long tenth = AnnotateClient.backoffMillis(Duration.ofMillis(100), 10);
            assertTrue(first >= 80 && first <= 120, "first " + first);
            assertTrue(third >= 320 && third <= 480, "third " + third);
            assertTrue(tenth >= 8_000 && tenth <= 12_000, "capped " + tenth);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static AnnotateClient.Options options() {
        return AnnotateClient.Options.of(ModelRef.newBuilder().setName("fake").setAlias("production").build())
                .withChunkSize(CHUNK).withBackoff(Duration.ofMillis(20)).withNotices(s -> { });
    }

    private static List<ChunkResult> run(ManagedChannel channel, AnnotateClient.Options options) {
        List<ChunkResult> results = new ArrayList<>();
        StreamInfo info = AnnotateClient.annotate(channel, source(), options, results::add, null);
        assertEquals("fake", info.getModel().getName());
        return results;
    }

    private static void assertEveryCellOnceInOrder(List<ChunkResult> results) {
        assertEquals(CHUNKS, results.size());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            assertEquals(i, results.get(i).getChunkIndex(), "chunk indices count from the source's start");
            for (CellPrediction c : results.get(i).getCellsList()) {
                ids.add(c.getCellId());
                // the label the fake derives from the counts: the right cells were sent for each id
                assertEquals(FakeAnnotator.expectedLabel(c.getCellId()), c.getLabel(), c.getCellId());
            }
        }
        assertEquals(IntStream.range(0, CELLS).mapToObj(i -> "c" + i).toList(), ids);
    }

    private static String ref(AnnotateHeader h) {
        ModelRef m = h.getModel();
        return m.getName() + (m.hasAlias() ? "@" + m.getAlias() : ":" + m.getVersion());
    }

    private int start(FakeAnnotator fake) throws IOException {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(fake).build()
                .start();
        servers.add(s);
        return s.getPort();
    }

    private ManagedChannel channel(int port) {
        ManagedChannel c = Transport.channel("127.0.0.1:" + port);
        channels.add(c);
        return c;
    }

    /** Cell i has one gene, (i mod 5), with count i + 1. */
    private static CellSource source() {
        return new CellSource() {
            @Override
            public List<String> geneIds() {
                return List.of("G0", "G1", "G2", "G3", "G4");
            }

            @Override
            public int cells() {
                return CELLS;
            }

            @Override
            public CsrMatrix counts(int from, int to) {
                int n = to - from;
                int[] indptr = IntStream.rangeClosed(0, n).toArray();
                int[] indices = IntStream.range(from, to).map(i -> i % 5).toArray();
                float[] values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = from + i + 1;
                }
                return new CsrMatrix(n, 5, indptr, indices, values);
            }

            @Override
            public List<String> cellIds(int from, int to) {
                return IntStream.range(from, to).mapToObj(i -> "c" + i).toList();
            }
        };
    }

    /**
     * Answers each chunk at once with a label computed from the cell's counts; stream k (0-based,
     * counted per server) fails with {@code failure} after answering {@code failAfter(k)} chunks
     * (negative: never).
     */
    static final class FakeAnnotator extends AnnotatorGrpc.AnnotatorImplBase {
        final int version;
        volatile java.util.function.IntUnaryOperator failAfter;
        final Status failure;
        volatile Runnable onFail = () -> { };
        final AtomicInteger streams = new AtomicInteger();
        final List<AnnotateHeader> headers = Collections.synchronizedList(new ArrayList<>());
        final List<String> firstCellOfStream = Collections.synchronizedList(new ArrayList<>());

        FakeAnnotator(int version, java.util.function.IntUnaryOperator failAfter, Status failure) {
            this.version = version;
            this.failAfter = failAfter;
            this.failure = failure;
        }

        static String expectedLabel(String cellId) {
            int i = Integer.parseInt(cellId.substring(1));
            return "G" + (i % 5) + "x" + (i + 1);
        }

        @Override
        public StreamObserver<AnnotateRequest> annotate(StreamObserver<AnnotateResponse> out) {
            int stream = streams.getAndIncrement();
            int limit = failAfter.applyAsInt(stream);
            return new StreamObserver<>() {
                private int answered;
                private boolean failed;

                @Override
                public void onNext(AnnotateRequest r) {
                    if (failed) {
                        return;
                    }
                    if (r.hasHeader()) {
                        headers.add(r.getHeader());
                        out.onNext(AnnotateResponse.newBuilder().setInfo(StreamInfo.newBuilder().setModel(
                                ModelRef.newBuilder().setName("fake").setVersion(version))).build());
                        return;
                    }
                    CellChunk c = r.getChunk();
                    if (answered == 0) {
                        firstCellOfStream.add(c.getCellIds(0));
                    }
                    if (limit >= 0 && answered == limit) {
                        failed = true;
                        out.onError(failure.withDescription(failure.getDescription() != null
                                ? failure.getDescription() : "replica restarting").asRuntimeException());
                        onFail.run();
                        return;
                    }
                    ChunkResult.Builder b = ChunkResult.newBuilder().setChunkIndex(answered).setModelVersion(version);
                    for (int i = 0; i < c.getCellIdsCount(); i++) {
                        int p = (int) c.getIndptr(i);
                        b.addCells(CellPrediction.newBuilder().setCellId(c.getCellIds(i))
                                .setLabel("G" + c.getIndices(p) + "x" + (int) c.getValues(p)).setProbability(0.9f));
                    }
                    answered++;
                    out.onNext(AnnotateResponse.newBuilder().setResult(b).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    if (!failed) {
                        out.onCompleted();
                    }
                }
            };
        }
    }
}
