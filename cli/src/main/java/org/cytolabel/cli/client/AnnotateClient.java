package org.cytolabel.cli.client;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CountDownLatch;
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
 */
public final class AnnotateClient {
    /** What to ask for. */
    public record Options(ModelRef model, int chunkSize, int topK, boolean probabilities, float unassignedBelow,
            double minOverlap, int window, OutputOptions extras) {
        public static Options of(ModelRef model) {
            return new Options(model, 1000, 3, false, 0f, 0, 4, OutputOptions.getDefaultInstance());
        }

        public Options withChunkSize(int n) {
            return new Options(model, n, topK, probabilities, unassignedBelow, minOverlap, window, extras);
        }

        public Options withUnassignedBelow(float t) {
            return new Options(model, chunkSize, topK, probabilities, t, minOverlap, window, extras);
        }

        public Options withTopK(int k) {
            return new Options(model, chunkSize, k, probabilities, unassignedBelow, minOverlap, window, extras);
        }

        public Options withMinOverlap(double m) {
            return new Options(model, chunkSize, topK, probabilities, unassignedBelow, m, window, extras);
        }

        /** Extra per-cell outputs (embedding, mask, saliency, member probabilities), merged into the header. */
        public Options withExtras(OutputOptions more) {
            return new Options(model, chunkSize, topK, probabilities, unassignedBelow, minOverlap, window, more);
        }
    }

    private AnnotateClient() {
    }

    /** Blocks until every cell is answered; returns the stream's info. */
    public static StreamInfo annotate(Channel channel, CellSource source, Options options,
            Consumer<ChunkResult> onResult, ProgressBar progress) {
        if (options.chunkSize() < 1) {
            throw CytoLabelException.invalid("chunk size must be at least 1");
        }
        int n = source.cells();
        int chunks = (n + options.chunkSize() - 1) / options.chunkSize();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicReference<StreamInfo> info = new AtomicReference<>();

        ClientResponseObserver<AnnotateRequest, AnnotateResponse> observer = new ClientResponseObserver<>() {
            private ClientCallStreamObserver<AnnotateRequest> requests;
            private int sent;
            private int answered;
            private boolean halfClosed;
            private boolean headerSent;

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
                    requests.onNext(AnnotateRequest.newBuilder().setHeader(header(source, options)).build());
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
                    int expectedCells = Math.min(n, (answered + 1) * options.chunkSize()) - answered * options.chunkSize();
                    if (result.getChunkIndex() != answered || result.getCellsCount() != expectedCells) {
                        error.compareAndSet(null, new CytoLabelException(ErrorKind.DATA_INTEGRITY, "chunk "
                                + result.getChunkIndex() + " with " + result.getCellsCount() + " cells arrived where chunk "
                                + answered + " with " + expectedCells + " cells was expected"));
                        requests.cancel("out-of-order response", null);
                        return;
                    }
                    answered++;
                }
                onResult.accept(result);
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
        };

        // Every message is sent from pump(), under the observer's lock: a stream must not be written
        // from two threads at once. The first onReady sends the header.
        AnnotatorGrpc.AnnotatorStub stub = AnnotatorGrpc.newStub(channel);
        var requestStream = stub.annotate(observer);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requestStream.onError(e);
            throw new CytoLabelException(ErrorKind.CANCELLED, "interrupted while annotating");
        }
        Throwable t = error.get();
        if (t instanceof StatusRuntimeException sre) {
            throw StatusMapping.fromStatus(sre);
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t != null) {
            throw new CytoLabelException(ErrorKind.INTERNAL, t.toString(), t);
        }
        return info.get();
    }

    private static AnnotateHeader header(CellSource source, Options o) {
        return AnnotateHeader.newBuilder()
                .setModel(o.model())
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
