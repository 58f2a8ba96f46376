package org.cytolabel.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds one ONNX graph (after Tribuo's {@code ONNXContext}): owns the
 * {@link OnnxMl.GraphProto.Builder}, hands out unique value names, refuses values that belong to
 * another graph, and writes the model with our producer, {@link ArtifactContract#OPSET opset},
 * {@link ArtifactContract#IR_VERSION IR version} and metadata. Not thread-safe; one per export.
 */
public final class OnnxContext {
    /** Written as the model's producer_name. */
    public static final String PRODUCER = "cytolabel";

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Set<String> usedNames = new HashSet<>();
    private final Set<String> unassignedOutputs = new LinkedHashSet<>();

    /**
     * {@code base} when it is unused in this graph, else {@code base_1}, {@code base_2}, ...;
     * the returned name is reserved.
     */
    public String uniqueName(String base) {
        String name = base;
        for (int i = 1; usedNames.contains(name); i++) {
            name = base + "_" + i;
        }
        usedNames.add(name);
        return name;
    }

    /**
     * Declares a float32 graph input. Each dim is a {@link Number} (fixed size) or a
     * {@link String} (a symbolic size such as {@code "N"}). The name is used exactly.
     */
    public OnnxRef floatInput(String name, Object... dims) {
        reserveExactly(name);
        graph.addInput(valueInfo(name, dims));
        return new OnnxRef(this, name);
    }

    /**
     * Declares a float32 graph output; some value must be {@link OnnxRef#assignTo assigned} to it
     * before {@link #buildModel}. Dims as in {@link #floatInput}.
     */
    public OnnxRef floatOutput(String name, Object... dims) {
        reserveExactly(name);
        graph.addOutput(valueInfo(name, dims));
        unassignedOutputs.add(name);
        return new OnnxRef(this, name);
    }

    /** A float32 initializer of the given shape (row-major values). */
    public OnnxRef floatTensor(String baseName, long[] dims, float[] values) {
        checkSize(baseName, dims, values.length);
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return initializer(baseName, dims, OnnxMl.TensorProto.DataType.FLOAT, buf);
    }

    /** An int64 initializer of the given shape. */
    public OnnxRef longTensor(String baseName, long[] dims, long[] values) {
        checkSize(baseName, dims, values.length);
        ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values);
        return initializer(baseName, dims, OnnxMl.TensorProto.DataType.INT64, buf);
    }

    /** A 0-d float32 initializer (broadcasts against anything). */
    public OnnxRef floatScalar(String baseName, float value) {
        return floatTensor(baseName, new long[0], new float[] {value});
    }

    /** A 1-d int64 initializer, e.g. the {@code axes} input of ReduceSum. */
    public OnnxRef longVector(String baseName, long... values) {
        return longTensor(baseName, new long[] {values.length}, values);
    }

    /**
     * Adds one node {@code op(inputs)} with the given attributes and returns its outputs, named
     * uniquely from {@code outputBaseNames} (one per output of the operator, or one base that is
     * numbered).
     */
    public List<OnnxRef> operation(OnnxOperator op, List<OnnxRef> inputs, List<String> outputBaseNames,
            Map<String, Object> attributes) {
        List<String> outputs = new ArrayList<>(op.numOutputs());
        for (int i = 0; i < op.numOutputs(); i++) {
            String base = outputBaseNames.size() == op.numOutputs() ? outputBaseNames.get(i)
                    : outputBaseNames.get(0) + (op.numOutputs() > 1 ? "_out" + i : "");
            outputs.add(uniqueName(base));
        }
        addNode(op, inputs, outputs, attributes);
        return outputs.stream().map(n -> new OnnxRef(this, n)).toList();
    }

    void assign(OnnxRef value, OnnxRef output) {
        own(output);
        if (!unassignedOutputs.remove(output.name())) {
            throw new IllegalArgumentException(output.name()
                    + " is not a graph output waiting for a value (declare it with floatOutput, assign once)");
        }
        addNode(OnnxOperator.IDENTITY, List.of(value), List.of(output.name()), Map.of());
    }

    /**
     * The finished model: IR version {@link ArtifactContract#IR_VERSION}, default-domain opset
     * {@link ArtifactContract#OPSET}, producer {@link #PRODUCER}, and {@code metadata} as
     * metadata_props (sorted by key so equal inputs give equal bytes).
     */
    public OnnxMl.ModelProto buildModel(String graphName, String producerVersion,
            Map<String, String> metadata) {
        if (!unassignedOutputs.isEmpty()) {
            throw new IllegalStateException("graph outputs with no value assigned: " + unassignedOutputs);
        }
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(ArtifactContract.IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion(producerVersion)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder()
                        .setDomain("").setVersion(ArtifactContract.OPSET))
                .setGraph(graph.clone().setName(graphName));
        new TreeMap<>(metadata).forEach((k, v) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    private void addNode(OnnxOperator op, List<OnnxRef> inputs, List<String> outputs,
            Map<String, Object> attributes) {
        op.check(inputs.size(), attributes.keySet());
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder()
                .setOpType(op.opName())
                .setName(uniqueName(op.opName() + "_node"));
        for (OnnxRef in : inputs) {
            own(in);
            node.addInput(in.name());
        }
        node.addAllOutput(outputs);
        new TreeMap<>(attributes).forEach((k, v) -> node.addAttribute(attribute(k, v)));
        graph.addNode(node);
    }

    private void own(OnnxRef ref) {
        if (ref.context() != this) {
            throw new IllegalArgumentException(ref.name() + " belongs to another graph");
        }
    }

    private void reserveExactly(String name) {
        if (!usedNames.add(name)) {
            throw new IllegalArgumentException("the name '" + name + "' is already used in this graph");
        }
    }

    private OnnxRef initializer(String baseName, long[] dims, OnnxMl.TensorProto.DataType type,
            ByteBuffer bytes) {
        String name = uniqueName(baseName);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
                .setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return new OnnxRef(this, name);
    }

    private static void checkSize(String name, long[] dims, int length) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException(name + ": shape " + java.util.Arrays.toString(dims)
                    + " holds " + n + " values, got " + length);
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            var dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                throw new IllegalArgumentException("a dim is a Number or a String, got " + d);
            }
            shape.addDim(dim);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }

    private static OnnxMl.AttributeProto attribute(String name, Object value) {
        var a = OnnxMl.AttributeProto.newBuilder().setName(name);
        if (value instanceof Integer || value instanceof Long) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
        } else if (value instanceof Float || value instanceof Double) {
            a.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
        } else if (value instanceof String s) {
            a.setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (value instanceof long[] ls) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long l : ls) {
                a.addInts(l);
            }
        } else if (value instanceof int[] is) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (int i : is) {
                a.addInts(i);
            }
        } else if (value instanceof float[] fs) {
            a.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
            for (float f : fs) {
                a.addFloats(f);
            }
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported value type "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return a.build();
    }
}
