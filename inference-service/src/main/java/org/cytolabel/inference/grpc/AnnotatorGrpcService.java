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
import org.cytolabel.inference.annotate.ModelResolver;
import org.cytolabel.proto.annotation.v1.AnnotateBatchRequest;
import org.cytolabel.proto.annotation.v1.AnnotateBatchResponse;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotateResponse;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.service.StatusMapping;

/** The Annotator API: validates, hands the work to the domain on the compute pool, replies. */
public final class AnnotatorGrpcService extends AnnotatorGrpc.AnnotatorImplBase {
    private final ModelResolver resolver;
    private final AnnotationMetrics metrics;
    private final Executor compute;

    /** @param compute a bounded pool; each stream's work runs on it one task at a time, in order */
    public AnnotatorGrpcService(ModelResolver resolver, AnnotationMetrics metrics, Executor compute) {
        this.resolver = resolver;
        this.metrics = metrics;
        this.compute = compute;
    }

    @Override
    public StreamObserver<AnnotateRequest> annotate(StreamObserver<AnnotateResponse> responseObserver) {
        var out = (ServerCallStreamObserver<AnnotateResponse>) responseObserver;
        return new AnnotateCall(out, MoreExecutors.newSequentialExecutor(compute), resolver, metrics).start();
    }

    @Override
    public void annotateBatch(AnnotateBatchRequest request, StreamObserver<AnnotateBatchResponse> responseObserver) {
        var out = (ServerCallStreamObserver<AnnotateBatchResponse>) responseObserver;
        out.setOnCancelHandler(() -> { });
        CompletableFuture<AnnotateBatchResponse> work;
        try {
            work = CompletableFuture.supplyAsync(() -> annotateBatch(request, out), compute);
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

    private AnnotateBatchResponse annotateBatch(AnnotateBatchRequest request,
            ServerCallStreamObserver<AnnotateBatchResponse> out) {
        if (!request.hasHeader()) {
            throw ProtoMapping.noHeader();
        }
        if (out.isCancelled()) {
            return null;
        }
        try (AnnotationStream stream = AnnotationStream.open(resolver, ProtoMapping.header(request.getHeader()),
                metrics)) {
            return AnnotateBatchResponse.newBuilder()
                    .setInfo(ProtoMapping.info(stream))
                    .setResult(ProtoMapping.result(stream.annotate(ProtoMapping.chunk(request.getCells()))))
                    .build();
        }
    }
}
