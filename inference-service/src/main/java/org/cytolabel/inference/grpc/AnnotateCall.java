package org.cytolabel.inference.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.inference.annotate.AnnotationMetrics;
import org.cytolabel.inference.annotate.AnnotationStream;
import org.cytolabel.inference.annotate.ModelResolver;
import org.cytolabel.inference.annotate.StreamHeader;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotateResponse;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.service.StatusMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Annotate stream. Flow control is manual: the server asks gRPC for {@value #PREFETCH} messages
 * up front (the header and one chunk to read while another computes) and for one more only after a
 * chunk is answered and the client can take more ({@code isReady}); otherwise the request is owed
 * until the on-ready handler fires. So a slow reader stops the server reading, never makes it buffer.
 * Work runs on {@code work}, a sequential executor over the bounded compute pool, which keeps the
 * results in chunk order. Cancellation or an error stops queued work and releases the session.
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
    /** gRPC delivers messages one at a time, so this needs no lock. */
    private boolean headerSeen;
    /** Only touched by tasks on {@code work}, which run one at a time. */
    private AnnotationStream stream;

    AnnotateCall(ServerCallStreamObserver<AnnotateResponse> out, Executor work, ModelResolver resolver,
            AnnotationMetrics metrics) {
        this.out = out;
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
                stream = AnnotationStream.open(resolver, header, metrics);
                send(AnnotateResponse.newBuilder().setInfo(ProtoMapping.info(stream)).build());
            });
        } else if (request.hasChunk()) {
            CellChunk chunk = request.getChunk();
            long arrived = System.nanoTime();
            submit(() -> {
                metrics.chunkQueued(System.nanoTime() - arrived);
                var result = stream.annotate(ProtoMapping.chunk(chunk));
                send(AnnotateResponse.newBuilder().setResult(ProtoMapping.result(result)).build());
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
        submit(() -> {
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
        });
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
            if (!done && owed > 0 && out.isReady()) {
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
            if (out.isReady()) {
                out.request(1);
            } else {
                owed++;
            }
        }
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

    /** Releases the session after any task still running (tasks run in order on {@code work}). */
    private void releaseLater() {
        try {
            work.execute(this::release);
        } catch (RejectedExecutionException e) {
            LOG.warn("could not schedule the release of an annotate stream's session (executor shut down)");
        }
    }

    private void release() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }
}
