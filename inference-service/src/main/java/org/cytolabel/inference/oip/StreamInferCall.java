package org.cytolabel.inference.oip;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.inference.annotate.AnnotationMetrics;
import org.cytolabel.inference.annotate.LoadedModel;
import org.cytolabel.proto.oip.ModelInferRequest;
import org.cytolabel.proto.oip.ModelInferResponse;
import org.cytolabel.proto.oip.ModelStreamInferResponse;
import org.cytolabel.service.StatusMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ModelStreamInfer stream: one response per request, in request order. A request that fails gets
 * a response with {@code error_message} (the gRPC status code and message) and the stream goes on.
 * Each model name and version is resolved once per stream and its session lease held until the stream
 * ends, so a stream finishes on the versions it started with. Flow control is manual, as for Annotate:
 * {@value #PREFETCH} requests up front, one more per answer only while the client reads.
 */
final class StreamInferCall implements StreamObserver<ModelInferRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamInferCall.class);
    static final int PREFETCH = 2;
    /** Distinct model references whose leases a stream keeps. */
    static final int MAX_LEASES = 8;

    private final ServerCallStreamObserver<ModelStreamInferResponse> out;
    private final Executor work;
    private final OipModels models;
    private final AnnotationMetrics metrics;
    private final Object lock = new Object();
    /** Requests to issue once the client can take more responses; guarded by lock. */
    private int owed;
    private volatile boolean done;
    /** Leases by "model_name\nmodel_version", eldest released first; only touched by tasks on work. */
    private final Map<String, LoadedModel> leases = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LoadedModel> eldest) {
            if (size() > MAX_LEASES) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };

    /** @param work a sequential executor: tasks run one at a time, in order */
    StreamInferCall(ServerCallStreamObserver<ModelStreamInferResponse> out, Executor work, OipModels models,
            AnnotationMetrics metrics) {
        this.out = out;
        this.work = work;
        this.models = models;
        this.metrics = metrics;
    }

    /** Must run inside the service method, before it returns. */
    StreamInferCall start() {
        out.disableAutoRequest();
        out.setOnReadyHandler(this::onReady);
        out.setOnCancelHandler(this::onCancel);
        out.request(PREFETCH);
        return this;
    }

    @Override
    public void onNext(ModelInferRequest request) {
        long arrived = System.nanoTime();
        submit(() -> send(answer(request, arrived)));
    }

    private ModelStreamInferResponse answer(ModelInferRequest request, long arrived) {
        try {
            org.cytolabel.service.Transport.requireWithinLimit(request, "ModelInferRequest",
                    "split the batch into several requests");
            LoadedModel model = lease(request);
            long queued = System.nanoTime() - arrived;
            metrics.chunkQueued(queued);
            return ModelStreamInferResponse.newBuilder().setInferResponse(models.infer(model, request, queued)).build();
        } catch (RuntimeException e) {
            Status s = StatusMapping.toStatus(e).getStatus();
            return ModelStreamInferResponse.newBuilder()
                    .setErrorMessage(s.getCode() + ": " + s.getDescription())
                    .setInferResponse(ModelInferResponse.newBuilder().setModelName(request.getModelName())
                            .setModelVersion(request.getModelVersion()).setId(request.getId()))
                    .build();
        }
    }

    private LoadedModel lease(ModelInferRequest request) {
        String key = request.getModelName() + "\n" + request.getModelVersion();
        LoadedModel model = leases.get(key);
        if (model == null) {
            model = models.open(request.getModelName(), request.getModelVersion());
            leases.put(key, model);
        }
        return model;
    }

    /** The client half-closed: complete once every request before it is answered. */
    @Override
    public void onCompleted() {
        submit(() -> {
            synchronized (lock) {
                if (done) {
                    return;
                }
                done = true;
                out.onCompleted();
            }
            release();
        });
    }

    @Override
    public void onError(Throwable t) {
        onCancel();
    }

    private void onCancel() {
        done = true;
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

    private void send(ModelStreamInferResponse response) {
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

    private void submit(Runnable task) {
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

    /** Releases the leases after any task still running (tasks run in order on work). */
    private void releaseLater() {
        try {
            work.execute(this::release);
        } catch (RejectedExecutionException e) {
            LOG.warn("could not schedule the release of a ModelStreamInfer stream's sessions (executor shut down)");
        }
    }

    private void release() {
        leases.values().forEach(LoadedModel::close);
        leases.clear();
    }
}
