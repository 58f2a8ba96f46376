package org.cytolabel.registry.client;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.function.Consumer;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.registry.v1.ModelEvent;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.proto.registry.v1.WatchModelsRequest;
import org.cytolabel.service.StatusMapping;

/** One WatchModels call; closing it cancels the call without reporting an error. */
final class Watch implements ClientResponseObserver<WatchModelsRequest, ModelEvent>, AutoCloseable {
    private final Consumer<ModelEvent> onEvent;
    private final Consumer<Throwable> onError;
    private volatile ClientCallStreamObserver<WatchModelsRequest> call;
    private volatile boolean closed;

    private Watch(Consumer<ModelEvent> onEvent, Consumer<Throwable> onError) {
        this.onEvent = onEvent;
        this.onError = onError;
    }

    static Watch start(ModelRegistryGrpc.ModelRegistryStub stub, WatchModelsRequest request,
            Consumer<ModelEvent> onEvent, Consumer<Throwable> onError) {
        Watch w = new Watch(onEvent, onError);
        stub.watchModels(request, w);
        return w;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchModelsRequest> requestStream) {
        this.call = requestStream;
    }

    @Override
    public void onNext(ModelEvent event) {
        if (closed) {
            return;
        }
        try {
            onEvent.accept(event);
        } catch (RuntimeException e) {
            closed = true;
            call.cancel("the watch's event handler failed", e);
            onError.accept(e);
        }
    }

    @Override
    public void onError(Throwable t) {
        if (closed) {
            return;
        }
        closed = true;
        onError.accept(t instanceof StatusRuntimeException sre ? StatusMapping.fromStatus(sre) : t);
    }

    @Override
    public void onCompleted() {
        if (closed) {
            return;
        }
        closed = true;
        onError.accept(new CytoLabelException(ErrorKind.UNAVAILABLE,
                "the registry ended the watch stream; watch again (with the initial state) to resync"));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            call.cancel("the client closed the watch", null);
        }
    }
}
