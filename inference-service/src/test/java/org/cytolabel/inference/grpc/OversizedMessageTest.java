package org.cytolabel.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.cytolabel.inference.testing.Serving;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.service.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chunk over the message size limit is refused with RESOURCE_EXHAUSTED that says how to fix it. */
class OversizedMessageTest {
    @TempDir
    static Path registryDir;
    static Serving serving;

    @BeforeAll
    static void start() {
        serving = Serving.start(registryDir);
    }

    @AfterAll
    static void stop() {
        if (serving != null) {
            serving.close();
        }
    }

    @Test
    void aChunkOverTheLimitIsResourceExhaustedWithAHint() {
        int genes = serving.pbmc.data.genes().size();
        // One cell whose packed values alone (4 bytes each) fill the limit; indices add more.
        int nnz = Transport.MAX_MESSAGE_BYTES / 4;
        CellChunk.Builder chunk = CellChunk.newBuilder().addCellIds("huge").addIndptr(0).addIndptr(nnz);
        for (int i = 0; i < nnz; i++) {
            chunk.addIndices(i % genes).addValues(1);
        }
        AnnotateHeader header = AnnotateHeader.newBuilder().setModel(ModelRef.newBuilder().setName(Serving.MODEL))
                .addAllGeneIds(serving.pbmc.data.genes().symbols()).build();
        var out = serving.client().annotate(header, List.of(chunk.build()));
        System.out.println("oversized chunk: " + out.status());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, out.status().getCode(), String.valueOf(out.status()));
        assertTrue(out.status().getDescription().contains("smaller chunks"), out.status().getDescription());
    }
}
