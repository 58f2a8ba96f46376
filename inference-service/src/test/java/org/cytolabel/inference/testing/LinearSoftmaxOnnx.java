package org.cytolabel.inference.testing;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.cytolabel.core.onnx.ArtifactContract;

/**
 * A linear softmax classifier as an artifact-contract ONNX graph, written with {@code OnnxMl}
 * directly: {@code counts [N, G]} -> log1p(counts / max(rowSum, 1) * 1e4) -> {@code W x + b} ->
 * softmax -> {@code probabilities [N, C]}.
 */
public final class LinearSoftmaxOnnx {
    private LinearSoftmaxOnnx() {
    }

    /** {@code weights} is C x G row-major. */
    public static byte[] build(float[] weights, float[] bias, int genes) {
        int classes = bias.length;
        if (weights.length != classes * genes) {
            throw new IllegalArgumentException(weights.length + " weights for " + classes + " x " + genes);
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("linear_softmax");
        g.addInput(tensorValue(ArtifactContract.INPUT_COUNTS, genes));
        g.addOutput(tensorValue(ArtifactContract.OUTPUT_PROBABILITIES, classes));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("sum_axes")
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(1).addInt64Data(1));
        g.addInitializer(floats("one", new long[0], new float[] {1f}));
        g.addInitializer(floats("target_sum", new long[0], new float[] {ArtifactContract.TARGET_SUM}));
        g.addInitializer(floats("W", new long[] {classes, genes}, weights));
        g.addInitializer(floats("b", new long[] {classes}, bias));
        node(g, "ReduceSum", new String[] {ArtifactContract.INPUT_COUNTS, "sum_axes"}, "row_sum")
                .addAttribute(intAttr("keepdims", 1));
        node(g, "Max", new String[] {"row_sum", "one"}, "size");
        node(g, "Div", new String[] {ArtifactContract.INPUT_COUNTS, "size"}, "fraction");
        node(g, "Mul", new String[] {"fraction", "target_sum"}, "scaled");
        node(g, "Add", new String[] {"scaled", "one"}, "plus_one");
        node(g, "Log", new String[] {"plus_one"}, "log1p");
        node(g, "Gemm", new String[] {"log1p", "W", "b"}, "logits").addAttribute(intAttr("transB", 1));
        node(g, "Softmax", new String[] {"logits"}, ArtifactContract.OUTPUT_PROBABILITIES)
                .addAttribute(intAttr("axis", 1));
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(ArtifactContract.IR_VERSION)
                .setProducerName("cytolabel-inference-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(ArtifactContract.OPSET))
                .setGraph(g)
                .build()
                .toByteArray();
    }

    private static OnnxMl.NodeProto.Builder node(OnnxMl.GraphProto.Builder g, String op, String[] inputs, String output) {
        OnnxMl.NodeProto.Builder n = g.addNodeBuilder().setOpType(op).setName(output + "_" + op).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n;
    }

    private static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static OnnxMl.TensorProto floats(String name, long[] dims, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static OnnxMl.ValueInfoProto tensorValue(String name, int width) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width)))))
                .build();
    }
}
