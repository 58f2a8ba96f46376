package org.cytolabel.core.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A named value in one {@link OnnxContext}'s graph: a graph input, an initializer or a node
 * output. The fluent methods add nodes to the owning graph:
 * {@code x.apply(GEMM, List.of(w, b), Map.of("transB", 1)).apply(RELU).assignTo(out)}.
 */
public final class OnnxRef {
    private final OnnxContext context;
    private final String name;

    OnnxRef(OnnxContext context, String name) {
        this.context = context;
        this.name = name;
    }

    /** The value's name in the graph. */
    public String name() {
        return name;
    }

    /** The graph this value belongs to. */
    public OnnxContext context() {
        return context;
    }

    /** {@code op(this)}. */
    public OnnxRef apply(OnnxOperator op) {
        return apply(op, List.of(), Map.of());
    }

    /** {@code op(this, other)}. */
    public OnnxRef apply(OnnxOperator op, OnnxRef other) {
        return apply(op, List.of(other), Map.of());
    }

    /** {@code op(this)} with attributes. */
    public OnnxRef apply(OnnxOperator op, Map<String, Object> attributes) {
        return apply(op, List.of(), attributes);
    }

    /** {@code op(this, others...)} with attributes; the operator must have one output. */
    public OnnxRef apply(OnnxOperator op, List<OnnxRef> others, Map<String, Object> attributes) {
        if (op.numOutputs() != 1) {
            throw new IllegalArgumentException(op.opName() + " has " + op.numOutputs()
                    + " outputs; use OnnxContext.operation");
        }
        List<OnnxRef> inputs = new ArrayList<>(others.size() + 1);
        inputs.add(this);
        inputs.addAll(others);
        return context.operation(op, inputs, List.of(op.opName().toLowerCase()), attributes).get(0);
    }

    /** Writes this value into {@code output} (a declared graph output) and returns it. */
    public OnnxRef assignTo(OnnxRef output) {
        context.assign(this, output);
        return output;
    }

    @Override
    public String toString() {
        return "OnnxRef[" + name + "]";
    }
}
