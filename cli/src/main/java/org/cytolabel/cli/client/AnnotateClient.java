package org.cytolabel.cli.client;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotateResponse;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.annotation.v1.ChunkResult;
import org.cytolabel.proto.annotation.v1.OutputOptions;
import org.cytolabel.proto.annotation.v1.StreamInfo;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.service.StatusMapping;

/**
 * Streams a {@link CellSource} through {@code Annotate} in CSR chunks, with flow control (at most
 * {@code window} chunks unanswered, and only while the transport is ready), and hands results over
 * in order. It checks that every chunk comes back complete and in order.
 *
 * <p>When a stream fails with {@code UNAVAILABLE} (the replica restarted or drained, the
 * connection dropped, no replica is ready yet) it reconnects after an exponential backoff and
 * resumes from the first chunk not yet answered: the results handed to {@code onResult} cover every
 * chunk exactly once, in order, with {@link ChunkResult#getChunkIndex()} counted from the start of
 * the source. A resumed stream asks for the exact model version the first stream was served by, so
 * an alias that moves meanwhile does not mix versions in one output. {@link Options#retries()}
 * bounds the reconnects in a row that answer nothing; any other status fails at once.
 */
public final class AnnotateClient {
    /** Longest wait between two reconnects. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** What to ask for, and how hard to retry. */
    public record Options(ModelRef model, int chunkSize, int topK, boolean probabilities, float unassignedBelow,
            double minOverlap, int window, OutputOptions extras, int retries, Duration backoff,
            Consumer<String> notices) {
        /** Defaults: 1000 cells per chunk, top 3, window 4, 3 retries from 250 ms, notices on stderr. */
        public static Options of(ModelRef model) {
            return new Options(model, 1000, 3, false, 0f, 0, 4, OutputOptions.getDefaultInstance(), 3,
                    Duration.ofMillis(250), AnnotateClient::printNotice);
        }

        public Options withChunkSize(int n) {
            return new Options(model, n, topK, probabilities, unassignedBelow, minOverlap, window, extras, retries,
                    backoff, notices);
        }

        public Options withUnassignedBelow(float t) {
            return new Options(model, chunkSize, topK, probabilities, t, minOverlap, window, extras, retries,
                    backoff, notices);
        }

        public Options withTopK(int k) {
            return new Options(model, chunkSize, k, probabilities, unassignedBelow, minOverlap, window, extras, retries,
                    backoff, notices);
        }

        public Options withMinOverlap(double m) {
            return new Options(model, chunkSize, topK, probabilities, unassignedBelow, m, window, extras, retries,
                    backoff, notices);
        }

        /** Extra per-cell outputs (embedding, mask, saliency, member probabilities), merged into the header. */
        public Options withExtras(OutputOptions more) {
            return new Options(model, chunkSize, topK, probabilities, unassignedBelow, minOverlap, window, more,
                    retries, backoff, notices);
        }

        /** Most chunks sent and not yet answered. */
        public Options withWindow(int w) {
            return new Options(model, chunkSize, topK, probabilities, unassignedBelow, minOverlap, w, extras, retries,
                    backoff, notices);
        }

        /** Reconnects in a row (without a chunk answered in between) after UNAVAILABLE; 0: none. */
        public Options withRetries(int n) {
            return new Options(model, chunkSize, topK, probabilities, unassignedBelow, minOverlap, window, extras, n,
                    backoff, notices);
        }

        /** The first wait before reconnecting; it doubles with each reconnect in a row, up to 10 s. */
        public Options withBackoff(Duration first) {
            return new Options(model, chunkSize, topK, probabilities, unassignedBelow, minOverlap, window, extras,
                    retries, first, notices);
        }

        /** Where the one-line notices about reconnects go (default: stderr). */
        public Options withNotices(Consumer<String> sink) {
            return new Options(model, chunkSize, topK, probabilities, unassignedBelow, minOverlap, window, extras,
                    retries, backoff, sink);
        }
    }

    private AnnotateClient() {
    }

    private static void printNotice(String line) {
        // starts on a fresh line: a progress bar may be drawing on stderr
        System.err.println();
        System.err.println(line);
    }

    /** Blocks until every cell is answered; returns the info of the stream that served the first chunk. */
    public static StreamInfo annotate(Channel channel, CellSource source, Options options,
            Consumer<ChunkResult> onResult, ProgressBar progress) {
        if (options.chunkSize() < 1) {
            throw CytoLabelException.invalid("chunk size must be at least 1");
        }
        if (options.window() < 1) {
            throw CytoLabelException.invalid("window must be at least 1");
        }
        if (options.retries() < 0) {
            throw CytoLabelException.invalid("retries must be 0 or more, got " + options.retries());
        }
        int n = source.cells();
        int chunks = (n + options.chunkSize() - 1) / options.chunkSize();
        StreamInfo info = null;
        int answered = 0;
        int failuresInRow = 0;
        int reconnects = 0;
        while (true) {
            ModelRef ref = info == null || info.getModel().getVersion() <= 0 ? options.model()
                    : ModelRef.newBuilder().setName(info.getModel().getName())
                            .setVersion(info.getModel().getVersion()).build();
            Attempt attempt = new Attempt(source, options, header(source, options, ref), n, chunks, answered,
                    info != null, onResult, progress);
            Throwable t = attempt.run(channel);
            if (info == null) {
                info = attempt.info.get();
            } else if (attempt.info.get() != null && t == null && attempt.info.get().getModel().getVersion()
                    != info.getModel().getVersion()) {
                // cannot happen: the resumed stream asked for that exact version
                throw new CytoLabelException(ErrorKind.DATA_INTEGRITY, "the resumed stream was served by version "
                        + attempt.info.get().getModel().getVersion() + ", not " + info.getModel().getVersion());
            }
            boolean progressed = attempt.answered > answered;
            answered = attempt.answered;
            if (t == null) {
                if (answered != chunks) {
                    throw new CytoLabelException(ErrorKind.DATA_INTEGRITY, "the server ended the stream after "
                            + answered + " of " + chunks + " chunks");
                }
                return info;
            }
            if (!retryable(t)) {
                throw failure(t, reconnects);
            }
            failuresInRow = progressed ? 1 : failuresInRow + 1;
            if (failuresInRow > options.retries()) {
                throw failure(t, reconnects);
            }
            long delay = backoffMillis(options.backoff(), failuresInRow);
            reconnects++;
            options.notices().accept(String.format(java.util.Locale.ROOT,
                    "stream failed (%s); reconnecting in %d ms (retry %d of %d), resuming at chunk %d of %d (cell %d)",
                    describe(t), delay, failuresInRow, options.retries(), answered, chunks,
                    (long) answered * options.chunkSize()));
            try {
                TimeUnit.MILLISECONDS.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CytoLabelException(ErrorKind.CANCELLED, "interrupted while waiting to reconnect");
            }
        }
    }

    /** UNAVAILABLE from the transport or the server: worth reconnecting. */
    static boolean retryable(Throwable t) {
        return (t instanceof StatusRuntimeException || t instanceof io.grpc.StatusException)
                && Status.fromThrowable(t).getCode() == Status.Code.UNAVAILABLE;
    }

    /** Exponential: first, 2 x first, 4 x first, ... up to {@link #MAX_BACKOFF}, each with +-20 % jitter. */
    static long backoffMillis(Duration first, int failuresInRow) {
        double base = first.toMillis() * Math.pow(2, Math.max(0, failuresInRow - 1));
        double capped = Math.min(base, MAX_BACKOFF.toMillis());
        return Math.round(capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
    }

    private static String describe(Throwable t) {
        Status s = Status.fromThrowable(t);
        return s.getCode() + (s.getDescription() != null ? ": " + s.getDescription() : "");
    }

    private static RuntimeException failure(Throwable t, int reconnects) {
        RuntimeException e;
        if (t instanceof StatusRuntimeException sre) {
            e = StatusMapping.fromStatus(sre);
        } else if (t instanceof io.grpc.StatusException se) {
            e = StatusMapping.fromStatus(se.getStatus().asRuntimeException(se.getTrailers()));
        } else if (t instanceof RuntimeException re) {
            return re;
        } else {
            return new CytoLabelException(ErrorKind.INTERNAL, t.toString(), t);
        }
        if (reconnects > 0 && e instanceof CytoLabelException ce) {
            return new CytoLabelException(ce.kind(), ce.getMessage() + " (gave up after " + reconnects
                    + " reconnect" + (reconnects == 1 ? "" : "s") + ")", t);
        }
        return e;
    }

    /**
     * One stream: the header, then chunks {@code first..chunks-1}. Results are checked against the
     * chunk they must answer and handed over with their index counted from the source's start.
     */
    private static final class Attempt implements ClientResponseObserver<AnnotateRequest, AnnotateResponse> {
        private final CellSource source;
        private final Options options;
        private final AnnotateHeader header;
        private final int n;
        private final int chunks;
        private final int first;
        private final boolean resumed;
        private final Consumer<ChunkResult> onResult;
        private final ProgressBar progress;
        private final CountDownLatch done = new CountDownLatch(1);
        private final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicReference<StreamInfo> info = new AtomicReference<>();
        private ClientCallStreamObserver<AnnotateRequest> requests;
        private int sent;
        /** Chunks answered, counted from the source's start (so it begins at {@code first}). */
        volatile int answered;
        private boolean halfClosed;
        private boolean headerSent;

        Attempt(CellSource source, Options options, AnnotateHeader header, int n, int chunks, int first,
                boolean resumed, Consumer<ChunkResult> onResult, ProgressBar progress) {
            this.source = source;
            this.options = options;
            this.header = header;
            this.n = n;
            this.chunks = chunks;
            this.first = first;
            this.resumed = resumed;
            this.onResult = onResult;
            this.progress = progress;
            this.sent = first;
            this.answered = first;
        }

        /** Runs the stream to its end; the error that ended it, or null when every chunk was answered. */
        Throwable run(Channel channel) {
            // Every message is sent from pump(), under this object's lock: a stream must not be written
            // from two threads at once. The first onReady sends the header.
            var requestStream = AnnotatorGrpc.newStub(channel).annotate(this);
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                requestStream.onError(e);
                throw new CytoLabelException(ErrorKind.CANCELLED, "interrupted while annotating");
            }
            return error.get();
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<AnnotateRequest> r) {
            this.requests = r;
            r.setOnReadyHandler(this::pump);
        }

        private synchronized void pump() {
            if (error.get() != null) {
                return;
            }
            if (!headerSent) {
                headerSent = true;
                requests.onNext(AnnotateRequest.newBuilder().setHeader(header).build());
            }
            while (requests.isReady() && sent < chunks && sent - answered < options.window()) {
                int from = sent * options.chunkSize();
                int to = Math.min(n, from + options.chunkSize());
                requests.onNext(AnnotateRequest.newBuilder().setChunk(chunk(source, from, to)).build());
                sent++;
            }
            if (sent == chunks && !halfClosed) {
                halfClosed = true;
                requests.onCompleted();
            }
        }

        @Override
        public void onNext(AnnotateResponse r) {
            if (r.hasInfo()) {
                info.set(r.getInfo());
                return;
            }
            ChunkResult result = r.getResult();
            synchronized (this) {
                if (error.get() != null) {
                    return;
                }
                int expectedCells = Math.min(n, (answered + 1) * options.chunkSize()) - answered * options.chunkSize();
                if (result.getChunkIndex() != answered - first || result.getCellsCount() != expectedCells) {
                    error.compareAndSet(null, new CytoLabelException(ErrorKind.DATA_INTEGRITY, "chunk "
                            + (result.getChunkIndex() + first) + " with " + result.getCellsCount()
                            + " cells arrived where chunk " + answered + " with " + expectedCells
                            + " cells was expected"));
                    requests.cancel("out-of-order response", null);
                    return;
                }
                answered++;
            }
            onResult.accept(resumed || first > 0 ? result.toBuilder().setChunkIndex(result.getChunkIndex() + first)
                    .build() : result);
            if (progress != null) {
                progress.step(result.getCellsCount());
            }
            pump();
        }

        @Override
        public void onError(Throwable t) {
            error.compareAndSet(null, t);
            done.countDown();
        }

        @Override
        public void onCompleted() {
            done.countDown();
        }
    }

    private static AnnotateHeader header(CellSource source, Options o, ModelRef model) {
        return AnnotateHeader.newBuilder()
                .setModel(model)
                .addAllGeneIds(source.geneIds())
                .setMinGeneOverlap(o.minOverlap())
                .setOutputs(o.extras().toBuilder().setTopK(o.topK()).setProbabilities(o.probabilities())
                        .setUnassignedBelow(o.unassignedBelow()))
                .build();
    }

    static CellChunk chunk(CellSource source, int from, int to) {
        CsrMatrix m = source.counts(from, to);
        CellChunk.Builder b = CellChunk.newBuilder().addAllCellIds(source.cellIds(from, to));
        for (int p : m.indptr()) {
            b.addIndptr(p);
        }
        for (int i : m.indices()) {
            b.addIndices(i);
        }
        for (float v : m.values()) {
            b.addValues(v);
        }
        return b.build();
    }
}
