package org.cytolabel.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.inference.testing.AnnotateClient;
import org.cytolabel.inference.testing.AnnotateClient.Outcome;
import org.cytolabel.inference.testing.PbmcCentroidModel;
import org.cytolabel.inference.testing.Serving;
import org.cytolabel.proto.annotation.v1.AnnotateBatchRequest;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.model.v1.ModelRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a client gets wrong, and what the server says about it. */
class AnnotateFailuresTest {
    @TempDir
    static Path registryDir;
    static Serving serving;
    static PbmcCentroidModel pbmc;
    static List<CellChunk> twoChunks;

    @BeforeAll
    static void start() {
        serving = Serving.start(registryDir);
        pbmc = serving.pbmc;
        twoChunks = AnnotateClient.chunks(pbmc.test.counts().sliceRows(0, 40), pbmc.test.cellIds().subList(0, 40), 20);
    }

    @AfterAll
    static void stop() {
        if (serving != null) {
            serving.close();
        }
    }

    static AnnotateHeader header(ModelRef model) {
        return AnnotateHeader.newBuilder().setModel(model).addAllGeneIds(pbmc.data.genes().symbols()).build();
    }

    static AnnotateHeader header() {
        return header(ModelRef.newBuilder().setName(Serving.MODEL).build());
    }

    static Status failure(Outcome out, Status.Code code) {
        assertEquals(code, out.status().getCode(), String.valueOf(out.status()));
        return out.status();
    }

    @Test
    void unknownModelOrVersionIsNotFoundWithTheRegistrysMessage() {
        Status s = failure(serving.client().annotate(header(ModelRef.newBuilder().setName("no-such-model").build()),
                twoChunks), Status.Code.NOT_FOUND);
        assertTrue(s.getDescription().contains("no-such-model"), s.getDescription());
        s = failure(serving.client().annotate(header(ModelRef.newBuilder().setName(Serving.MODEL).setVersion(99)
                .build()), twoChunks), Status.Code.NOT_FOUND);
        assertTrue(s.getDescription().contains("99"), s.getDescription());
    }

    @Test
    void theHeaderMustComeFirstAndOnlyOnce() {
        Status s = failure(serving.client().annotate(null, twoChunks), Status.Code.INVALID_ARGUMENT);
        assertTrue(s.getDescription().startsWith("send an AnnotateHeader first"), s.getDescription());
        s = failure(serving.client().send(List.of()), Status.Code.INVALID_ARGUMENT);
        assertTrue(s.getDescription().startsWith("send an AnnotateHeader first"), s.getDescription());
        var req = AnnotateRequest.newBuilder().setHeader(header()).build();
        Outcome out = serving.client().send(List.of(req, req));
        s = failure(out, Status.Code.INVALID_ARGUMENT);
        assertTrue(s.getDescription().contains("already has a header"), s.getDescription());
        var e = assertThrows(StatusRuntimeException.class, () -> AnnotatorGrpc.newBlockingStub(serving.channel)
                .annotateBatch(AnnotateBatchRequest.newBuilder().setCells(twoChunks.get(0)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    }

    @Test
    void tooLittleGeneOverlapSaysHowMuchWasFound() {
        int genes = pbmc.data.genes().size();
        int sent = genes * 3 / 10;
        var header = AnnotateHeader.newBuilder().setModel(ModelRef.newBuilder().setName(Serving.MODEL))
                .addAllGeneIds(pbmc.data.genes().symbols().subList(0, sent)).build();
        Status s = failure(serving.client().annotate(header, List.of()), Status.Code.INVALID_ARGUMENT);
        String expected = String.format(Locale.ROOT, "only %d of the model's %d genes (%.1f%%)", sent, genes,
                100.0 * sent / genes);
        assertTrue(s.getDescription().contains(expected), s.getDescription());
        assertTrue(s.getDescription().contains("below the required 50.0%"), s.getDescription());
        // The client may accept less overlap explicitly.
        Outcome ok = serving.client().annotate(header.toBuilder().setMinGeneOverlap(0.25).build(), List.of());
        assertEquals(Status.Code.OK, ok.status().getCode(), String.valueOf(ok.status()));
        assertEquals(sent, ok.info().getOverlap().getMatched());
    }

    @Test
    void logNormalisedValuesAreRefusedAsNotRawCounts() {
        CsrMatrix counts = pbmc.test.counts().sliceRows(0, 20);
        float[] logged = counts.values().clone();
        for (int r = 0; r < counts.rows(); r++) {
            double total = counts.rowSum(r);
            for (int k = counts.indptr()[r]; k < counts.indptr()[r + 1]; k++) {
                logged[k] = (float) Math.log1p(logged[k] / total * 1e4);
            }
        }
        CsrMatrix log = new CsrMatrix(counts.rows(), counts.cols(), counts.indptr(), counts.indices(), logged);
        Status s = failure(serving.client().annotate(header(), List.of(AnnotateClient.chunk(log,
                pbmc.test.cellIds().subList(0, 20)))), Status.Code.INVALID_ARGUMENT);
        assertTrue(s.getDescription().contains("log-normalised"), s.getDescription());
        assertTrue(s.getDescription().contains("Send raw UMI counts"), s.getDescription());
    }

    @Test
    void malformedCsrIsInvalidAfterTheChunksBeforeItWereAnswered() {
        CellChunk bad = twoChunks.get(1).toBuilder().setIndptr(0, 5).build();
        Outcome out = serving.client().annotate(header(), List.of(twoChunks.get(0), bad));
        Status s = failure(out, Status.Code.INVALID_ARGUMENT);
        assertEquals("chunk 1: indptr must start at 0, starts at 5", s.getDescription());
        assertEquals(1, out.results().size(), "chunk 0 was answered before chunk 1 failed");
        assertEquals(20, out.results().get(0).getCellsCount());

        CellChunk outOfRange = twoChunks.get(0).toBuilder().setIndices(3, pbmc.data.genes().size()).build();
        s = failure(serving.client().annotate(header(), List.of(outOfRange)), Status.Code.INVALID_ARGUMENT);
        assertTrue(s.getDescription().contains("is outside 0.." + (pbmc.data.genes().size() - 1)), s.getDescription());
        CellChunk fewerIds = twoChunks.get(0).toBuilder().clearCellIds()
                .addAllCellIds(twoChunks.get(0).getCellIdsList().subList(1, 20)).build();
        s = failure(serving.client().annotate(header(), List.of(fewerIds)), Status.Code.INVALID_ARGUMENT);
        assertTrue(s.getDescription().contains("19 cell ids but indptr has 21 entries"), s.getDescription());
    }
}
