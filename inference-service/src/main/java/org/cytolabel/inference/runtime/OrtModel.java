package org.cytolabel.inference.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.core.onnx.ArtifactContract;

/**
 * One ONNX Runtime session for one model artifact, and the only class that converts between domain
 * arrays and ORT tensors. Runs are thread-safe (ORT sessions are); close once nobody runs it.
 */
public final class OrtModel implements AutoCloseable {
    private final String description;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final Map<String, long[]> outputShapes;

    private OrtModel(String description, OrtEnvironment env, OrtSession session) throws OrtException {
        this.description = description;
        this.env = env;
        this.session = session;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.containsKey(ArtifactContract.INPUT_COUNTS)) {
            inputName = ArtifactContract.INPUT_COUNTS;
        } else if (inputs.size() == 1) {
            inputName = inputs.keySet().iterator().next();
        } else {
            throw CytoLabelException.integrity(description + " has inputs " + inputs.keySet()
                    + "; the artifact contract needs one input '" + ArtifactContract.INPUT_COUNTS + "'");
        }
        inputShape = tensorInfo(inputs.get(inputName), inputName).getShape();
        if (inputShape.length != 2) {
            throw CytoLabelException.integrity(description + " input '" + inputName + "' has rank "
                    + inputShape.length + "; the artifact contract needs [N, G]");
        }
        Map<String, long[]> outs = new LinkedHashMap<>();
        for (var e : session.getOutputInfo().entrySet()) {
            outs.put(e.getKey(), tensorInfo(e.getValue(), e.getKey()).getShape());
        }
        outputShapes = Collections.unmodifiableMap(outs);
    }

    /** Loads an artifact into a new session; a clear error when ONNX Runtime refuses it. */
    public static OrtModel load(String description, byte[] onnx, ExecutionProviders providers) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = providers.newOptions()) {
            session = env.createSession(onnx, options);
            return new OrtModel(description, env, session);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new CytoLabelException(ErrorKind.DATA_INTEGRITY, description
                    + " could not be loaded by ONNX Runtime: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    public String inputName() {
        return inputName;
    }

    /** The input's shape as the graph declares it; -1 for a dynamic dimension. */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** Columns (genes) the input takes, or -1 when the graph leaves it dynamic. */
    public int inputColumns() {
        return (int) inputShape[1];
    }

    public Set<String> outputNames() {
        return outputShapes.keySet();
    }

    /** Declared output shapes (-1 for dynamic dimensions). */
    public Map<String, long[]> outputShapes() {
        return outputShapes;
    }

    /**
     * Runs {@code n} rows of {@code denseRowMajor} (n x columns; the array may be longer) and returns
     * the requested float outputs. ORT copies a heap array; prefer {@link #run(DenseBatch, int, int, Set)}.
     */
    public ModelOutputs run(float[] denseRowMajor, int n, int columns, Set<String> outputs) {
        requireShape(n, columns, denseRowMajor.length);
        return run(FloatBuffer.wrap(denseRowMajor, 0, n * columns), n, columns, outputs);
    }

    /** Runs the first {@code n} rows of {@code batch} without copying them. */
    public ModelOutputs run(DenseBatch batch, int n, int columns, Set<String> outputs) {
        requireShape(n, columns, batch.capacity());
        return run(batch.view(n * columns), n, columns, outputs);
    }

    private void requireShape(int n, int columns, int available) {
        if (inputShape[1] >= 0 && inputShape[1] != columns) {
            throw new IllegalArgumentException(description + " takes " + inputShape[1] + " columns, got " + columns);
        }
        if ((long) n * columns > available) {
            throw new IllegalArgumentException(n + " x " + columns + " exceeds the buffer of " + available);
        }
    }

    private ModelOutputs run(FloatBuffer data, int n, int columns, Set<String> outputs) {
        OnnxTensor input = null;
        try {
            input = OnnxTensor.createTensor(env, data, new long[] {n, columns});
            try (OrtSession.Result result = session.run(Map.of(inputName, input), outputs)) {
                Map<String, float[]> values = new LinkedHashMap<>();
                Map<String, long[]> shapes = new LinkedHashMap<>();
                for (String name : outputs) {
                    OnnxValue v = result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
                    if (!(v instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
                        throw CytoLabelException.integrity(description + " output '" + name
                                + "' is not a float tensor");
                    }
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] arr = new float[fb.remaining()];
                    fb.get(arr);
                    values.put(name, arr);
                    shapes.put(name, t.getInfo().getShape());
                }
                return new ModelOutputs(n, values, shapes);
            }
        } catch (OrtException e) {
            throw new CytoLabelException(ErrorKind.INTERNAL, description + " failed to run: " + e.getMessage(), e);
        } finally {
            if (input != null) {
                input.close();
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    @Override
    public String toString() {
        return description;
    }

    private TensorInfo tensorInfo(NodeInfo info, String name) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw CytoLabelException.integrity(description + " value '" + name + "' is not a tensor");
        }
        return t;
    }

    private static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            org.slf4j.LoggerFactory.getLogger(OrtModel.class).warn("closing an ORT session failed: {}", e.getMessage());
        }
    }
}
