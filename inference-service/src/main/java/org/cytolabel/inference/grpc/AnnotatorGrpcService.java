package org.cytolabel.inference.grpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import java.util.concurrent.Executor;
import org.cytolabel.inference.annotate.AnnotationMetrics;
import org.cytolabel.inference.annotate.AnnotationStream;
import org.cytolabel.inference.batch.Batchers;
import org.cytolabel.inference.annotate.ModelResolver;
import org.cytolabel.proto.annotation.v1.AnnotateBatchRequest;
import org.cytolabel.proto.annotation.v1.AnnotateBatchResponse;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotateResponse;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.service.StatusMapping;
import org.cytolabel.service.Transport;

/** The Annotator API: validates, hands the work to the domain on the compute pool, replies. */
public final class AnnotatorGrpcService extends AnnotatorGrpc.AnnotatorImplBase {
    private final ModelResolver resolver;
    private final AnnotationMetrics metrics;
    private final Executor compute;
    private final Batchers batchers;

    /**
     * @param compute  a bounded pool; each stream's validation runs on it one task at a time, in order
     * @param batchers the models' shared batchers (their runs use the same pool)
     */
    public AnnotatorGrpcService(ModelResolver resolver, AnnotationMetrics metrics, Executor compute,
            Batchers batchers) {
        this.resolver = resolver;
        this.metrics = metrics;
        this.compute = compute;
        this.batchers = batchers;
    }

    @Override
    public StreamObserver<AnnotateRequest> annotate(StreamObserver<AnnotateResponse> responseObserver) {
        var out = (ServerCallStreamObserver<AnnotateResponse>) responseObserver;
        return new AnnotateCall(out, MoreExecutors.newSequentialExecutor(compute), resolver, metrics,
                batchers).start();
    }

    @Override
    public void annotateBatch(AnnotateBatchRequest request, StreamObserver<AnnotateBatchResponse> responseObserver) {
        var out = (ServerCallStreamObserver<AnnotateBatchResponse>) responseObserver;
        out.setOnCancelHandler(() -> { });
        CompletableFuture<AnnotateBatchResponse> work;
        try {
            work = CompletableFuture.supplyAsync(() -> open(request, out), compute).thenCompose(stream -> {
                if (stream == null) {
                    return CompletableFuture.completedFuture(null);
                }
                CompletableFuture<AnnotateBatchResponse> answer;
                try {
                    answer = stream.submit(ProtoMapping.chunk(request.getCells()), out::isCancelled)
                            .thenApply(result -> AnnotateBatchResponse.newBuilder()
                                    .setInfo(ProtoMapping.info(stream))
                                    .setResult(ProtoMapping.result(result))
                                    .build());
                } catch (RuntimeException e) {
                    answer = CompletableFuture.failedFuture(e);
                }
                return answer.whenComplete((r, e) -> stream.close());
            });
        } catch (RejectedExecutionException e) {
            out.onError(StatusMapping.toStatus(new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED,
                    "the inference server is at capacity; retry with backoff or use another replica")));
            return;
        }
        work.whenComplete((response, error) -> {
            if (out.isCancelled()) {
                return;
            }
            if (error != null) {
                out.onError(StatusMapping.toStatus(error instanceof CompletionException
                        && error.getCause() != null ? error.getCause() : error));
            } else {
                out.onNext(response);
                out.onCompleted();
            }
        });
    }

    /** The request's stream (model resolved, genes aligned), or null when the call was cancelled already. */
    private AnnotationStream open(AnnotateBatchRequest request, ServerCallStreamObserver<?> out) {
        if (!request.hasHeader()) {
            throw ProtoMapping.noHeader();
        }
        Transport.requireWithinLimit(request, "AnnotateBatchRequest", "stream the cells with Annotate instead");
        return out.isCancelled() ? null
                : AnnotationStream.open(resolver, ProtoMapping.header(request.getHeader()), metrics, batchers);
    }
}
