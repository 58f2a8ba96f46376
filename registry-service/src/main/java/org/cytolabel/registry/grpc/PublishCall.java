package org.cytolabel.registry.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.registry.v1.PublishModelRequest;
import org.cytolabel.proto.registry.v1.PublishModelResponse;
import org.cytolabel.registry.domain.ModelRegistry;
import org.cytolabel.registry.domain.Upload;
import org.cytolabel.service.StatusMapping;

/**
 * One PublishModel stream: the card opens an upload, chunks are written as they arrive (gRPC asks
 * for the next message only after this one is on disk, so memory stays bounded), half-close
 * commits. Any error or cancellation discards the upload: nothing is stored.
 */
final class PublishCall implements StreamObserver<PublishModelRequest> {
    private final ModelRegistry registry;
    private final StreamObserver<PublishModelResponse> response;
    private Upload upload;
    private boolean finished;

    PublishCall(ModelRegistry registry, StreamObserver<PublishModelResponse> response) {
        this.registry = registry;
        this.response = response;
    }

    @Override
    public void onNext(PublishModelRequest request) {
        if (finished) {
            return;
        }
        try {
            switch (request.getPartCase()) {
                case CARD -> {
                    if (upload != null) {
                        throw CytoLabelException.invalid("the card was sent twice; send it once, first, then the chunks");
                    }
                    upload = registry.beginPublish(request.getCard());
                }
                case CHUNK -> {
                    if (upload == null) {
                        throw CytoLabelException.invalid("a chunk came before the card; send the card first");
                    }
                    write(request.getChunk());
                }
                case PART_NOT_SET -> throw CytoLabelException.invalid("a PublishModelRequest had neither card nor chunk");
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onError(Throwable t) {
        // the client cancelled or the connection broke: discard what arrived
        finished = true;
        discard();
    }

    @Override
    public void onCompleted() {
        if (finished) {
            return;
        }
        try {
            if (upload == null) {
                throw CytoLabelException.invalid("the stream ended without a card; send the card, then the chunks");
            }
            var card = upload.commit();
            finished = true;
            upload = null;
            response.onNext(PublishModelResponse.newBuilder().setCard(card).build());
            response.onCompleted();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void write(ByteString chunk) {
        for (ByteBuffer b : chunk.asReadOnlyByteBufferList()) {
            upload.write(b);
        }
    }

    private void fail(RuntimeException e) {
        finished = true;
        discard();
        response.onError(StatusMapping.toStatus(e));
    }

    private void discard() {
        if (upload != null) {
            upload.close();
            upload = null;
        }
    }
}
