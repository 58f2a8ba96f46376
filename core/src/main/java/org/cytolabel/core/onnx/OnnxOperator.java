package org.cytolabel.core.onnx;

import java.util.List;
import java.util.Set;

/**
 * The ONNX operators our exporters use, each pinned to the definition in force at
 * {@link ArtifactContract#OPSET} (default domain): its input arity, output count and the attribute
 * names it accepts. {@code sinceVersion} is the opset that introduced that definition; an operator
 * whose definition changes after opset 17 (ReduceMax/ReduceMean take {@code axes} as an input from
 * 18) is used here with its opset-17 form.
 */
public enum OnnxOperator {
    ABS("Abs", 13, 1, 1),
    ADD("Add", 14, 2, 2),
    SUB("Sub", 14, 2, 2),
    MUL("Mul", 14, 2, 2),
    DIV("Div", 14, 2, 2),
    POW("Pow", 15, 2, 2),
    NEG("Neg", 13, 1, 1),
    EXP("Exp", 13, 1, 1),
    LOG("Log", 13, 1, 1),
    SQRT("Sqrt", 13, 1, 1),
    RELU("Relu", 14, 1, 1),
    SIGMOID("Sigmoid", 13, 1, 1),
    TANH("Tanh", 13, 1, 1),
    MAX("Max", 13, 1, Arity.VARIADIC),
    MIN("Min", 13, 1, Arity.VARIADIC),
    SUM("Sum", 13, 1, Arity.VARIADIC),
    CLIP("Clip", 13, 1, 3),
    IDENTITY("Identity", 16, 1, 1),
    CAST("Cast", 13, 1, 1, "to"),
    MATMUL("MatMul", 13, 2, 2),
    /** Y = alpha * A' * B' + beta * C; {@code transB = 1} takes a PyTorch [out, in] weight. */
    GEMM("Gemm", 13, 2, 3, "alpha", "beta", "transA", "transB"),
    /** Inference-mode batch norm: inputs X, scale, B, mean, var. */
    BATCH_NORMALIZATION("BatchNormalization", 15, 5, 5, "epsilon", "momentum", "training_mode"),
    SOFTMAX("Softmax", 13, 1, 1, "axis"),
    /** Opset 13 form: {@code axes} is an optional int64 input. */
    REDUCE_SUM("ReduceSum", 13, 1, 2, "keepdims", "noop_with_empty_axes"),
    /** Opset 13 form (axes as an attribute; it moves to an input in opset 18). */
    REDUCE_MAX("ReduceMax", 13, 1, 1, "axes", "keepdims"),
    /** Opset 13 form (axes as an attribute; it moves to an input in opset 18). */
    REDUCE_MEAN("ReduceMean", 13, 1, 1, "axes", "keepdims"),
    ARG_MAX("ArgMax", 13, 1, 1, "axis", "keepdims", "select_last_index"),
    CUM_SUM("CumSum", 14, 2, 2, "exclusive", "reverse"),
    TOP_K("TopK", 11, 2, 2, 2, "axis", "largest", "sorted"),
    WHERE("Where", 16, 3, 3),
    GREATER("Greater", 13, 2, 2),
    LESS("Less", 13, 2, 2),
    EQUAL("Equal", 13, 2, 2),
    CONCAT("Concat", 13, 1, Arity.VARIADIC, "axis"),
    GATHER("Gather", 13, 2, 2, "axis"),
    RESHAPE("Reshape", 14, 2, 2, "allowzero"),
    TRANSPOSE("Transpose", 13, 1, 1, "perm"),
    UNSQUEEZE("Unsqueeze", 13, 2, 2),
    SQUEEZE("Squeeze", 13, 1, 2),
    SLICE("Slice", 13, 3, 5),
    EXPAND("Expand", 13, 2, 2),
    SHAPE("Shape", 15, 1, 1, "end", "start");

    /** Marks an operator that takes any number of inputs from its minimum on. */
    public static final int VARIADIC = Arity.VARIADIC;

    private static final class Arity {
        static final int VARIADIC = -1;
    }

    private final String opName;
    private final int sinceVersion;
    private final int minInputs;
    private final int maxInputs;
    private final int numOutputs;
    private final Set<String> attributes;

    OnnxOperator(String opName, int sinceVersion, int minInputs, int maxInputs, String... attributes) {
        this(opName, sinceVersion, minInputs, maxInputs, 1, attributes);
    }

    OnnxOperator(String opName, int sinceVersion, int minInputs, int maxInputs, int numOutputs,
            String... attributes) {
        if (sinceVersion > ArtifactContract.OPSET) {
            throw new IllegalStateException(opName + " v" + sinceVersion + " is newer than opset "
                    + ArtifactContract.OPSET);
        }
        this.opName = opName;
        this.sinceVersion = sinceVersion;
        this.minInputs = minInputs;
        this.maxInputs = maxInputs;
        this.numOutputs = numOutputs;
        this.attributes = Set.of(attributes);
    }

    /** The ONNX op_type. */
    public String opName() {
        return opName;
    }

    /** The opset version that introduced the definition in force at opset 17. */
    public int sinceVersion() {
        return sinceVersion;
    }

    public int numOutputs() {
        return numOutputs;
    }

    public Set<String> attributes() {
        return attributes;
    }

    /** Throws when {@code inputs} inputs or any attribute name does not fit this operator. */
    void check(int inputs, Iterable<String> attributeNames) {
        if (inputs < minInputs || (maxInputs != VARIADIC && inputs > maxInputs)) {
            String expected = maxInputs == VARIADIC ? minInputs + " or more"
                    : minInputs == maxInputs ? Integer.toString(minInputs)
                    : minInputs + ".." + maxInputs;
            throw new IllegalArgumentException(opName + " takes " + expected + " inputs, got "
                    + inputs);
        }
        for (String a : attributeNames) {
            if (!attributes.contains(a)) {
                throw new IllegalArgumentException(opName + " has no attribute '" + a
                        + "'; it accepts " + List.copyOf(attributes));
            }
        }
    }
}
