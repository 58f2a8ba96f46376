package org.cytolabel.registry.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import org.cytolabel.proto.registry.v1.GetModelResponse;
import org.cytolabel.registry.domain.OpenedModel;
import org.cytolabel.service.StatusMapping;

/**
 * Streams one GetModel reply, card first then chunks, only while the transport is ready
 * ({@code isReady} / {@code setOnReadyHandler}), so a slow client never makes the server buffer
 * the whole model. All callbacks run on the call's serialising executor.
 */
final class ModelSender implements Runnable {
    private final ServerCallStreamObserver<GetModelResponse> out;
    private final OpenedModel model;
    private final int chunkSize;
    private boolean cardSent;
    private boolean done;

    private ModelSender(ServerCallStreamObserver<GetModelResponse> out, OpenedModel model, int chunkSize) {
        this.out = out;
        this.model = model;
        this.chunkSize = chunkSize;
    }

    static void start(ServerCallStreamObserver<GetModelResponse> out, OpenedModel model, int chunkSize) {
        ModelSender sender = new ModelSender(out, model, chunkSize);
        out.setOnCancelHandler(sender::cancel);
        out.setOnReadyHandler(sender);
        sender.run();
    }

    @Override
    public void run() {
        if (done) {
            return;
        }
        try {
            while (!done && out.isReady()) {
                if (!cardSent) {
                    out.onNext(GetModelResponse.newBuilder().setCard(model.card()).build());
                    cardSent = true;
                    continue;
                }
                byte[] chunk = model.bytes().readNBytes(chunkSize);
                if (chunk.length > 0) {
                    out.onNext(GetModelResponse.newBuilder().setChunk(UnsafeByteOperations.unsafeWrap(chunk)).build());
                }
                if (chunk.length < chunkSize) {
                    done = true;
                    model.close();
                    out.onCompleted();
                }
            }
        } catch (IOException | RuntimeException e) {
            done = true;
            closeQuietly();
            out.onError(StatusMapping.toStatus(e));
        }
    }

    private void cancel() {
        done = true;
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            model.close();
        } catch (RuntimeException e) {
            // already failing or cancelled
        }
    }
}
