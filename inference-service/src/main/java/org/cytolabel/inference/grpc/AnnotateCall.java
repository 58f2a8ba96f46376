package org.cytolabel.inference.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.RejectedExecutionException;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.inference.annotate.AnnotationMetrics;
import org.cytolabel.inference.annotate.ChunkAnnotation;
import org.cytolabel.inference.batch.Batchers;
import org.cytolabel.inference.annotate.AnnotationStream;
import org.cytolabel.inference.annotate.ModelResolver;
import org.cytolabel.inference.annotate.StreamHeader;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotateResponse;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.service.StatusMapping;
import org.cytolabel.service.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Annotate stream. Flow control is manual: the server asks gRPC for {@value #PREFETCH} messages
 * up front (the header and one chunk to read while another computes) and for one more only after a
 * chunk is answered, the client can take more ({@code isReady}) and the model's shared batcher has
 * room; otherwise the request is owed until the on-ready handler (or the batcher) says so. So a slow
 * reader or a full batcher stops the server reading, never makes it buffer. Chunks are validated on
 * {@code work}, a sequential executor over the bounded compute pool, then queued in the batcher;
 * answers are sent strictly in chunk order. Cancellation drops the stream's queued cells; the
 * session is released once no batch holds any of them.
 */
final class AnnotateCall implements StreamObserver<AnnotateRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AnnotateCall.class);
    static final int PREFETCH = 2;

    private final ServerCallStreamObserver<AnnotateResponse> out;
    private final Executor work;
    private final ModelResolver resolver;
    private final AnnotationMetrics metrics;
    private final Object lock = new Object();
    /** Requests to issue when the client can take more responses; guarded by lock. */
    private int owed;
    /** Failed, cancelled or completed: no more work, no more responses. */
    private volatile boolean done;
    /** gRPC delivers messages one at a time, so these need no lock. */
    private boolean headerSeen;
    private long chunksSeen;
    /** Only touched by tasks on {@code work}, which run one at a time. */
    private volatile AnnotationStream stream;
    /** Completes when every chunk so far is answered, in order; only touched by tasks on {@code work}. */
    private CompletableFuture<Void> answered = CompletableFuture.completedFuture(null);
    /** A chunk was refused: later chunks are not queued; only touched by tasks on {@code work}. */
    private boolean rejectedChunk;
    /** Chunks queued in the batcher and not yet finished; the session is released at zero once done. */
    private final AtomicInteger inBatcher = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Batchers batchers;

    AnnotateCall(ServerCallStreamObserver<AnnotateResponse> out, Executor work, ModelResolver resolver,
            AnnotationMetrics metrics, Batchers batchers) {
        this.out = out;
        this.batchers = batchers;
        this.work = work;
        this.resolver = resolver;
        this.metrics = metrics;
    }

    /** Must run inside the service method, before it returns. */
    AnnotateCall start() {
        out.disableAutoRequest();
        out.setOnReadyHandler(this::onReady);
        out.setOnCancelHandler(this::onCancel);
        out.request(PREFETCH);
        return this;
    }

    @Override
    public void onNext(AnnotateRequest request) {
        if (done) {
            return;
        }
        if (!headerSeen) {
            if (!request.hasHeader()) {
                fail(ProtoMapping.noHeader());
                return;
            }
            headerSeen = true;
            StreamHeader header;
            try {
                header = ProtoMapping.header(request.getHeader());
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            submit(() -> {
                stream = AnnotationStream.open(resolver, header, metrics, batchers);
                send(AnnotateResponse.newBuilder().setInfo(ProtoMapping.info(stream)).build());
            });
        } else if (request.hasChunk()) {
            CellChunk chunk = request.getChunk();
            try {
                Transport.requireWithinLimit(chunk, "CellChunk " + chunksSeen, "send smaller chunks (the CLI and"
                        + " clients send 1,000 cells per chunk; a few MiB each)");
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            chunksSeen++;
            long arrived = System.nanoTime();
            submit(() -> {
                if (rejectedChunk) {
                    return; // the stream fails once the chunks before the bad one are answered
                }
                CompletableFuture<ChunkAnnotation> result;
                try {
                    result = stream.submit(ProtoMapping.chunk(chunk), () -> done, arrived);
                    inBatcher.incrementAndGet();
                    result.whenComplete((r, e) -> {
                        if (inBatcher.decrementAndGet() == 0 && done) {
                            releaseLater();
                        }
                    });
                } catch (RuntimeException e) {
                    // A bad chunk fails the stream after every chunk before it is answered.
                    rejectedChunk = true;
                    result = CompletableFuture.failedFuture(e);
                }
                answered = answered.thenCombine(result, (prev, r) -> r).thenAccept(r ->
                        send(AnnotateResponse.newBuilder().setResult(ProtoMapping.result(r)).build()));
                answered.exceptionally(e -> {
                    fail(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                    return null;
                });
            });
        } else if (request.hasHeader()) {
            fail(CytoLabelException.invalid("the stream already has a header; send it once, first,"
                    + " then only CellChunks"));
        } else {
            fail(CytoLabelException.invalid("an AnnotateRequest must hold a header or a chunk"));
        }
    }

    /** The client half-closed: complete once every chunk before it is answered. */
    @Override
    public void onCompleted() {
        submit(() -> answered.thenRun(() -> {
            synchronized (lock) {
                if (done) {
                    return;
                }
                done = true;
                if (!headerSeen) {
                    out.onError(StatusMapping.toStatus(ProtoMapping.noHeader()));
                } else {
                    out.onCompleted();
                }
            }
            releaseLater();
        }));
    }

    /** The client cancelled or the transport failed. */
    @Override
    public void onError(Throwable t) {
        onCancel();
    }

    private void onCancel() {
        if (!done) {
            done = true;
            LOG.debug("annotate stream cancelled");
        }
        releaseLater();
    }

    private void onReady() {
        synchronized (lock) {
            if (!done && owed > 0 && out.isReady() && batcherHasRoom()) {
                out.request(owed);
                owed = 0;
            }
        }
    }

    private void send(AnnotateResponse response) {
        synchronized (lock) {
            if (done) {
                return;
            }
            out.onNext(response);
            if (out.isReady() && batcherHasRoom()) {
                out.request(1);
            } else {
                owed++;
            }
        }
    }

    /** True when the batcher can take more; otherwise wakes {@link #onReady} once it can. */
    private boolean batcherHasRoom() {
        AnnotationStream s = stream;
        if (s == null || s.batcher().acceptingMore()) {
            return true;
        }
        s.batcher().whenAccepting(() -> {
            try {
                work.execute(this::onReady);
            } catch (RejectedExecutionException e) {
                LOG.debug("compute pool shut down; the owed request is dropped with the stream");
            }
        });
        return false;
    }

    private void fail(Throwable t) {
        synchronized (lock) {
            if (done) {
                return;
            }
            done = true;
            out.onError(StatusMapping.toStatus(t));
        }
        releaseLater();
    }

    private interface Task {
        void run();
    }

    private void submit(Task task) {
        try {
            work.execute(() -> {
                if (done) {
                    return;
                }
                try {
                    task.run();
                } catch (Throwable t) {
                    fail(t);
                }
            });
        } catch (RejectedExecutionException e) {
            fail(new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED,
                    "the inference server is at capacity; retry with backoff or use another replica"));
        }
    }

    /**
     * Releases the session after any task still running (tasks run in order on {@code work}) and once
     * no chunk of this stream is in the batcher (a running batch may still use the session).
     */
    private void releaseLater() {
        if (inBatcher.get() > 0) {
            return; // the last chunk's completion calls this again
        }
        try {
            work.execute(this::release);
        } catch (RejectedExecutionException e) {
            LOG.warn("could not schedule the release of an annotate stream's session (executor shut down)");
        }
    }

    private void release() {
        if (inBatcher.get() > 0) {
            return;
        }
        if (stream != null && released.compareAndSet(false, true)) {
            stream.close();
            stream = null;
        }
    }
}
