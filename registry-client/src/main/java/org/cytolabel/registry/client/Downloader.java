package org.cytolabel.registry.client;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Iterator;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.proto.registry.v1.GetModelRequest;
import org.cytolabel.proto.registry.v1.GetModelResponse;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.service.StatusMapping;

/** One GetModel call: card first, then chunks into a sink, with size and sha256 checked against the card. */
final class Downloader {
    /** Where the bytes go, opened once the card has arrived. */
    interface Sink {
        OutputStream open(ModelCard card) throws IOException;
    }

    private final ModelRegistryGrpc.ModelRegistryBlockingStub stub;

    Downloader(ModelRegistryGrpc.ModelRegistryBlockingStub stub) {
        this.stub = stub;
    }

    ModelCard download(ModelRef ref, int chunkBytes, Sink sink) {
        Context.CancellableContext ctx = Context.current().withCancellation();
        Context previous = ctx.attach();
        try {
            Iterator<GetModelResponse> it = stub.getModel(GetModelRequest.newBuilder().setRef(ref)
                    .setChunkSize(chunkBytes).build());
            GetModelResponse first = it.hasNext() ? it.next() : GetModelResponse.getDefaultInstance();
            if (!first.hasCard()) {
                throw new CytoLabelException(ErrorKind.INTERNAL, "the registry did not send the card of "
                        + ModelRefs.format(ref) + " first; is the server a CytoLabel registry?");
            }
            ModelCard card = first.getCard();
            MessageDigest md = Digests.sha256();
            long received = 0;
            try (OutputStream out = sink.open(card)) {
                while (it.hasNext()) {
                    GetModelResponse r = it.next();
                    if (!r.hasChunk()) {
                        throw new CytoLabelException(ErrorKind.INTERNAL, "the registry sent a second card for "
                                + ModelRefs.format(ref));
                    }
                    ByteString chunk = r.getChunk();
                    received += chunk.size();
                    if (received > card.getSizeBytes()) {
                        throw mismatch(card, received + "+ bytes");
                    }
                    for (ByteBuffer b : chunk.asReadOnlyByteBufferList()) {
                        md.update(b);
                    }
                    chunk.writeTo(out);
                }
            }
            String actual = Digests.hex(md.digest());
            if (received != card.getSizeBytes() || !actual.equals(card.getSha256())) {
                throw mismatch(card, received + " bytes with sha256 " + actual);
            }
            return card;
        } catch (StatusRuntimeException e) {
            throw StatusMapping.fromStatus(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the downloaded model " + ModelRefs.format(ref), e);
        } finally {
            ctx.detach(previous);
            ctx.cancel(null);
        }
    }

    private static CytoLabelException mismatch(ModelCard card, String got) {
        return CytoLabelException.integrity("the bytes received for " + card.getName() + ":" + card.getVersion()
                + " do not match its card (expected " + card.getSizeBytes() + " bytes with sha256 " + card.getSha256()
                + ", got " + got + "); the download was discarded. Retry; if it persists, the stored artifact is"
                + " damaged: publish the model again");
    }
}
