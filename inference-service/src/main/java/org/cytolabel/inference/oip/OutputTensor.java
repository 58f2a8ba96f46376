package org.cytolabel.inference.oip;

import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.cytolabel.proto.oip.InferTensorContents;
import org.cytolabel.proto.oip.ModelInferResponse;

/**
 * One FP32 output of a ModelInfer response, filled run by run: as little-endian bytes for
 * {@code raw_output_contents} (written straight into the buffer the message wraps, no copy) or as
 * {@code contents.fp32_contents}.
 */
final class OutputTensor {
    private final String name;
    private final long[] shape;
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final InferTensorContents.Builder contents;

    /** @param shape the full shape, first dimension the request's cells */
    OutputTensor(String name, long[] shape, boolean raw) {
        this.name = name;
        this.shape = shape.clone();
        long size = Arrays.stream(shape).reduce(1L, (a, b) -> a * b);
        if (raw) {
            bytes = ByteBuffer.allocate(Math.toIntExact(size * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
            floats = bytes.asFloatBuffer();
            contents = null;
        } else {
            bytes = null;
            floats = null;
            contents = InferTensorContents.newBuilder();
        }
    }

    /** Appends the next rows' values (row-major). */
    void append(float[] values) {
        if (floats != null) {
            floats.put(values);
        } else {
            for (float v : values) {
                contents.addFp32Contents(v);
            }
        }
    }

    /** Adds this tensor to {@code response} (its raw bytes at the same position as its metadata). */
    void addTo(ModelInferResponse.Builder response) {
        ModelInferResponse.InferOutputTensor.Builder t = response.addOutputsBuilder()
                .setName(name).setDatatype(CountsInput.DATATYPE);
        for (long d : shape) {
            t.addShape(d);
        }
        if (floats != null) {
            if (floats.hasRemaining()) {
                throw new IllegalStateException("output '" + name + "' got " + floats.position() + " of "
                        + floats.capacity() + " values");
            }
            response.addRawOutputContents(UnsafeByteOperations.unsafeWrap(bytes));
        } else {
            t.setContents(contents);
        }
    }
}
