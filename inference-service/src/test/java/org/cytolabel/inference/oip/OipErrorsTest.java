package org.cytolabel.inference.oip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.inference.testing.PbmcCentroidModel;
import org.cytolabel.inference.testing.Serving;
import org.cytolabel.proto.oip.GRPCInferenceServiceGrpc;
import org.cytolabel.proto.oip.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import org.cytolabel.proto.oip.ModelConfigRequest;
import org.cytolabel.proto.oip.ModelInferRequest;
import org.cytolabel.proto.oip.ModelMetadataRequest;
import org.cytolabel.proto.oip.ModelReadyRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Triton client gets wrong, and the status and message the server answers with. */
class OipErrorsTest {
    @TempDir
    static Path registryDir;
    static Serving serving;
    static PbmcCentroidModel pbmc;
    static GRPCInferenceServiceBlockingStub oip;
    static int genes;
    static CsrMatrix cells;

    @BeforeAll
    static void start() {
        serving = Serving.start(registryDir);
        pbmc = serving.pbmc;
        oip = GRPCInferenceServiceGrpc.newBlockingStub(serving.channel);
        genes = pbmc.data.genes().size();
        cells = pbmc.test.counts().sliceRows(0, 4);
    }

    @AfterAll
    static void stop() {
        if (serving != null) {
            serving.close();
        }
    }

    /** The call fails with {@code code}; returns the description. */
    static String fails(Status.Code code, Supplier<?> call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
        assertEquals(code, e.getStatus().getCode(), String.valueOf(e.getStatus()));
        return e.getStatus().getDescription();
    }

    static String inferFails(Status.Code code, ModelInferRequest.Builder request) {
        return fails(code, () -> oip.modelInfer(request.build()));
    }

    @Test
    void unknownModelOrVersionIsNotFound() {
        String msg = inferFails(Status.Code.NOT_FOUND, OipRequests.raw("no-such-model", cells));
        assertTrue(msg.contains("no-such-model"), msg);
        msg = inferFails(Status.Code.NOT_FOUND, OipRequests.raw(Serving.MODEL, cells).setModelVersion("99"));
        assertTrue(msg.contains("99"), msg);
        msg = inferFails(Status.Code.NOT_FOUND, OipRequests.raw(Serving.MODEL + "@nope", cells));
        assertTrue(msg.contains("nope"), msg);
        fails(Status.Code.NOT_FOUND, () -> oip.modelMetadata(ModelMetadataRequest.newBuilder()
                .setName("no-such-model").build()));
        fails(Status.Code.NOT_FOUND, () -> oip.modelConfig(ModelConfigRequest.newBuilder()
                .setName("no-such-model").build()));
        assertFalse(oip.modelReady(ModelReadyRequest.newBuilder().setName("no-such-model").build()).getReady());
        assertFalse(oip.modelReady(ModelReadyRequest.newBuilder().setName(Serving.MODEL).setVersion("99").build())
                .getReady());
    }

    @Test
    void malformedModelNameOrVersionIsInvalid() {
        String msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.raw(Serving.MODEL, cells)
                .setModelVersion("latest"));
        assertTrue(msg.contains("model_version 'latest' is not a version number"), msg);
        msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.raw("", cells));
        assertTrue(msg.contains("model_name is empty"), msg);
        msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.raw(Serving.MODEL + "@production", cells)
                .setModelVersion("1"));
        assertTrue(msg.contains("already selects a version or alias"), msg);
    }

    @Test
    void countsMustBeFp32() {
        ModelInferRequest.Builder r = OipRequests.raw(Serving.MODEL, cells);
        r.getInputsBuilder(0).setDatatype("INT32");
        String msg = inferFails(Status.Code.INVALID_ARGUMENT, r);
        assertTrue(msg.startsWith("counts must be FP32 [N, " + genes + "]"), msg);
        assertTrue(msg.contains("'INT32'"), msg);
    }

    @Test
    void wrongShapeOrGeneCountNamesTheExpectedShape() {
        String expected = "counts must have shape [N, " + genes + "]";
        String msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.header(Serving.MODEL, 4, genes - 1)
                .addRawInputContents(OipRequests.littleEndian(new float[4 * (genes - 1)])));
        assertTrue(msg.startsWith(expected) && msg.contains("[4, " + (genes - 1) + "]"), msg);
        ModelInferRequest.Builder rank1 = OipRequests.raw(Serving.MODEL, cells);
        rank1.getInputsBuilder(0).clearShape().addShape(4L * genes);
        msg = inferFails(Status.Code.INVALID_ARGUMENT, rank1);
        assertTrue(msg.startsWith(expected), msg);
        msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.header(Serving.MODEL, 0, genes)
                .addRawInputContents(OipRequests.littleEndian(new float[0])));
        assertTrue(msg.startsWith(expected) && msg.contains("N >= 1"), msg);
    }

    @Test
    void rawContentsMustMatchTheShape() {
        String msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.header(Serving.MODEL, 4, genes)
                .addRawInputContents(OipRequests.littleEndian(new float[3 * genes])));
        assertTrue(msg.contains("raw_input_contents[0] has " + 3 * genes * 4 + " bytes"), msg);
        assertTrue(msg.contains("needs " + 4 * genes * 4), msg);
        msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.header(Serving.MODEL, 4, genes)
                .addRawInputContents(OipRequests.littleEndian(new float[4 * genes]).substring(1)));
        assertTrue(msg.contains("4 bytes per value, little-endian"), msg);

        ModelInferRequest.Builder both = OipRequests.raw(Serving.MODEL, cells);
        both.getInputsBuilder(0).getContentsBuilder().addFp32Contents(1f);
        msg = inferFails(Status.Code.INVALID_ARGUMENT, both);
        assertTrue(msg.contains("both contents and raw_input_contents"), msg);

        ModelInferRequest.Builder fewer = OipRequests.fp32(Serving.MODEL, cells);
        fewer.getInputsBuilder(0).getContentsBuilder().clearFp32Contents().addIntContents(1);
        msg = inferFails(Status.Code.INVALID_ARGUMENT, fewer);
        assertTrue(msg.contains("needs " + 4 * genes + " values in contents.fp32_contents"), msg);
        assertTrue(msg.contains("FP32 data go in fp32_contents"), msg);
    }

    @Test
    void theInputMustBeTheModelsCountsTensor() {
        ModelInferRequest.Builder renamed = OipRequests.raw(Serving.MODEL, cells);
        renamed.getInputsBuilder(0).setName("INPUT0");
        String msg = inferFails(Status.Code.INVALID_ARGUMENT, renamed);
        assertTrue(msg.contains("no input 'INPUT0'") && msg.contains("counts FP32 [N, " + genes + "]"), msg);
        ModelInferRequest.Builder two = OipRequests.raw(Serving.MODEL, cells);
        two.addInputs(two.getInputs(0)).addRawInputContents(two.getRawInputContents(0));
        msg = inferFails(Status.Code.INVALID_ARGUMENT, two);
        assertTrue(msg.contains("takes one input") && msg.contains("2 inputs"), msg);
    }

    @Test
    void unknownRequestedOutputListsTheModelsOutputs() {
        String msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.raw(Serving.MODEL, cells)
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("probabilities"))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("logits")));
        assertTrue(msg.contains("no output 'logits'") && msg.contains("[probabilities]"), msg);
    }

    @Test
    void aBatchOverTheLimitSaysHowToSplitIt() {
        int limit = BatchLimits.maxCells(genes);
        // The limit is checked before the data, so the request need not carry them.
        String msg = inferFails(Status.Code.RESOURCE_EXHAUSTED, OipRequests.header(Serving.MODEL, limit + 1, genes)
                .addRawInputContents(OipRequests.littleEndian(new float[1])));
        assertTrue(msg.startsWith((limit + 1) + " cells in one request is over the limit of " + limit), msg);
        assertTrue(msg.contains("split them into requests of at most " + limit + " cells"), msg);
    }

    @Test
    void valuesThatAreNotRawCountsAreRefused() {
        float[] dense = cells.toDense();
        float[] logged = dense.clone();
        for (int i = 0; i < logged.length; i++) {
            logged[i] = (float) Math.log1p(logged[i] * 1.37);
        }
        String msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.header(Serving.MODEL, 4, genes)
                .addRawInputContents(OipRequests.littleEndian(logged)));
        assertTrue(msg.contains("log-normalised"), msg);
        float[] negative = dense.clone();
        negative[genes + 5] = -2f;
        msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.header(Serving.MODEL, 4, genes)
                .addRawInputContents(OipRequests.littleEndian(negative)));
        assertTrue(msg.contains("cell 1, gene 5 is -2.0"), msg);
        float[] nan = dense.clone();
        nan[3] = Float.NaN;
        msg = inferFails(Status.Code.INVALID_ARGUMENT, OipRequests.header(Serving.MODEL, 4, genes)
                .addRawInputContents(OipRequests.littleEndian(nan)));
        assertTrue(msg.contains("cell 0, gene 3 is NaN"), msg);
    }
}
