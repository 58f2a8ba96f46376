package org.cytolabel.registry.client;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.proto.registry.v1.PublishModelRequest;
import org.cytolabel.proto.registry.v1.PublishModelResponse;
import org.cytolabel.service.StatusMapping;

/**
 * One PublishModel call: the card, then chunks sent only while the transport is ready (so a slow
 * link never buffers the whole model), then half-close. Stops early when the server has already
 * refused the upload.
 */
final class Uploader implements ClientResponseObserver<PublishModelRequest, PublishModelResponse> {
    private final ModelRegistryGrpc.ModelRegistryStub stub;
    private final CompletableFuture<ModelCard> result = new CompletableFuture<>();
    private final Object ready = new Object();

    Uploader(ModelRegistryGrpc.ModelRegistryStub stub) {
        this.stub = stub;
    }

    ModelCard publish(ModelCard card, byte[] onnx, int chunkBytes) {
        var requests = (ClientCallStreamObserver<PublishModelRequest>) stub.publishModel(this);
        try {
            requests.onNext(PublishModelRequest.newBuilder().setCard(card).build());
            for (int off = 0; off < onnx.length; off += chunkBytes) {
                if (!awaitReady(requests)) {
                    break;
                }
                int len = Math.min(chunkBytes, onnx.length - off);
                requests.onNext(PublishModelRequest.newBuilder().setChunk(ByteString.copyFrom(onnx, off, len)).build());
            }
            if (!result.isDone()) {
                requests.onCompleted();
            }
            return result.get();
        } catch (InterruptedException e) {
            requests.cancel("the publishing thread was interrupted", e);
            Thread.currentThread().interrupt();
            throw new CytoLabelException(ErrorKind.CANCELLED, "publish interrupted; nothing was stored");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StatusRuntimeException sre) {
                throw StatusMapping.fromStatus(sre);
            }
            throw new CytoLabelException(ErrorKind.INTERNAL, "publish failed: " + cause, cause);
        } catch (RuntimeException e) {
            requests.cancel("the client failed while sending", e);
            throw e;
        }
    }

    /** Waits until the stream can take a message; false when the call already ended. */
    private boolean awaitReady(ClientCallStreamObserver<PublishModelRequest> requests) throws InterruptedException {
        synchronized (ready) {
            while (!result.isDone() && !requests.isReady()) {
                ready.wait(100);
            }
        }
        return !result.isDone();
    }

    private void signal() {
        synchronized (ready) {
            ready.notifyAll();
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<PublishModelRequest> requests) {
        requests.setOnReadyHandler(this::signal);
    }

    @Override
    public void onNext(PublishModelResponse response) {
        result.complete(response.getCard());
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
        signal();
    }

    @Override
    public void onCompleted() {
        result.completeExceptionally(Status.INTERNAL
                .withDescription("the registry ended the publish without a reply").asRuntimeException());
        signal();
    }
}
