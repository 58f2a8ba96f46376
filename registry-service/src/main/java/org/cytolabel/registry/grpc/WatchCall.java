package org.cytolabel.registry.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicReference;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.registry.v1.ModelEvent;
import org.cytolabel.proto.registry.v1.WatchModelsRequest;
import org.cytolabel.registry.domain.ModelEvents;
import org.cytolabel.registry.domain.ModelRegistry;
import org.cytolabel.registry.domain.RegistryEvent;
import org.cytolabel.service.StatusMapping;

/**
 * One WatchModels stream. Events arrive on the subscription's thread, which waits for the
 * transport to be ready before each send; a client that stops reading therefore fills its bounded
 * queue in the domain and is dropped, without ever slowing down publishers. Cancel unsubscribes.
 */
final class WatchCall implements ModelEvents.Listener {
    private final ServerCallStreamObserver<ModelEvent> out;
    private final Object ready = new Object();
    private final AtomicReference<ModelEvents.Subscription> subscription = new AtomicReference<>();
    private volatile boolean cancelled;

    private WatchCall(ServerCallStreamObserver<ModelEvent> out) {
        this.out = out;
    }

    static void start(ModelRegistry registry, WatchModelsRequest request, ServerCallStreamObserver<ModelEvent> out) {
        WatchCall call = new WatchCall(out);
        out.setOnCancelHandler(call::cancel);
        out.setOnReadyHandler(call::signal);
        try {
            ModelEvents.Subscription s = registry.watch(request.getName(), request.getSendInitialState(), call);
            call.subscription.set(s);
            if (call.cancelled) {
                s.close();
            }
        } catch (RuntimeException e) {
            out.onError(StatusMapping.toStatus(e));
        }
    }

    @Override
    public void onEvent(RegistryEvent event) throws InterruptedException {
        synchronized (ready) {
            while (!cancelled && !out.isReady()) {
                ready.wait(1000);
            }
        }
        if (!cancelled) {
            out.onNext(ProtoMapping.event(event));
        }
    }

    @Override
    public void onError(CytoLabelException error) {
        if (!cancelled) {
            out.onError(StatusMapping.toStatus(error));
        }
    }

    private void signal() {
        synchronized (ready) {
            ready.notifyAll();
        }
    }

    private void cancel() {
        cancelled = true;
        ModelEvents.Subscription s = subscription.get();
        if (s != null) {
            s.close();
        }
        signal();
    }
}
