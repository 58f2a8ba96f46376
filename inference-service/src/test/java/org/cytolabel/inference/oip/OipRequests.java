package org.cytolabel.inference.oip;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.proto.oip.GRPCInferenceServiceGrpc;
import org.cytolabel.proto.oip.InferTensorContents;
import org.cytolabel.proto.oip.ModelInferRequest;
import org.cytolabel.proto.oip.ModelInferResponse;
import org.cytolabel.proto.oip.ModelStreamInferResponse;

/** Builds OIP requests the way Triton clients do, and reads their answers. */
final class OipRequests {
    private OipRequests() {
    }

    /** A request for {@code model} with counts as little-endian raw_input_contents. */
    static ModelInferRequest.Builder raw(String model, CsrMatrix counts) {
        return header(model, counts.rows(), counts.cols()).addRawInputContents(littleEndian(counts.toDense()));
    }

    /** A request for {@code model} with counts in contents.fp32_contents. */
    static ModelInferRequest.Builder fp32(String model, CsrMatrix counts) {
        ModelInferRequest.Builder b = header(model, counts.rows(), counts.cols());
        InferTensorContents.Builder c = b.getInputsBuilder(0).getContentsBuilder();
        for (float v : counts.toDense()) {
            c.addFp32Contents(v);
        }
        return b;
    }

    /** The request without data: one FP32 input 'counts' of shape [rows, cols]. */
    static ModelInferRequest.Builder header(String model, long rows, long cols) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(model);
        b.addInputsBuilder().setName("counts").setDatatype("FP32").addShape(rows).addShape(cols);
        return b;
    }

    static ByteString littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return ByteString.copyFrom(bytes);
    }

    static float[] floats(ByteString bytes) {
        FloatBuffer f = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[f.remaining()];
        f.get(out);
        return out;
    }

    /** The named output's values, from raw_output_contents or contents.fp32_contents. */
    static float[] output(ModelInferResponse r, String name) {
        for (int i = 0; i < r.getOutputsCount(); i++) {
            if (r.getOutputs(i).getName().equals(name)) {
                if (r.getRawOutputContentsCount() > 0) {
                    return floats(r.getRawOutputContents(i));
                }
                List<Float> v = r.getOutputs(i).getContents().getFp32ContentsList();
                float[] out = new float[v.size()];
                for (int j = 0; j < out.length; j++) {
                    out[j] = v.get(j);
                }
                return out;
            }
        }
        throw new AssertionError("no output " + name + " in " + r.getOutputsList());
    }

    /** What a ModelStreamInfer stream answered, and how it ended. */
    record StreamOutcome(List<ModelStreamInferResponse> responses, Status status) {
    }

    static StreamOutcome stream(Channel channel, List<ModelInferRequest> requests) {
        List<ModelStreamInferResponse> responses = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<ModelInferRequest> out = GRPCInferenceServiceGrpc.newStub(channel)
                .modelStreamInfer(new StreamObserver<>() {
                    @Override
                    public void onNext(ModelStreamInferResponse value) {
                        responses.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        end.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        end.complete(Status.OK);
                    }
                });
        requests.forEach(out::onNext);
        out.onCompleted();
        try {
            Status status = end.get(60, TimeUnit.SECONDS);
            return new StreamOutcome(List.copyOf(responses), status);
        } catch (Exception e) {
            throw new AssertionError("the ModelStreamInfer stream did not end: " + e, e);
        }
    }
}
