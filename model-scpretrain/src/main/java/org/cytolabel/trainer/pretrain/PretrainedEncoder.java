package org.cytolabel.trainer.pretrain;

import static org.cytolabel.core.onnx.OnnxOperator.GEMM;
import static org.cytolabel.core.onnx.OnnxOperator.SIGMOID;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;
import org.cytolabel.core.onnx.Preprocessing;
import org.cytolabel.trainer.model.EngineLock;

/**
 * scPretrain's shared encoder: {@code sigmoid(log1p(counts / size * 1e4) W + b)}, {@code W [G, H]},
 * over an ordered gene list. Saved as a small binary file ({@code .scpt}: magic, version, G, H, the
 * gene symbols, W row-major, b; big-endian) and exported to ONNX as a servable embedding model
 * (input {@code counts [N, G]} raw counts, output {@code embedding [N, H]}).
 */
public final class PretrainedEncoder {
    /** The kind written into an encoder export's metadata. */
    public static final String KIND = "scpretrain-encoder";
    private static final int MAGIC = 0x53435054; // "SCPT"
    private static final int VERSION = 1;
    private static final int CHUNK = 512;

    private final List<String> genes;
    private final int hidden;
    private final float[] weight;
    private final float[] bias;

    public PretrainedEncoder(List<String> genes, int hidden, float[] weight, float[] bias) {
        this.genes = List.copyOf(genes);
        this.hidden = hidden;
        if (weight.length != (long) genes.size() * hidden || bias.length != hidden) {
            throw CytoLabelException.invalid("an encoder of " + genes.size() + " genes x " + hidden
                    + " units needs " + (long) genes.size() * hidden + " weights and " + hidden + " biases, got "
                    + weight.length + " and " + bias.length);
        }
        this.weight = weight.clone();
        this.bias = bias.clone();
    }

    public List<String> genes() {
        return genes;
    }

    public int hidden() {
        return hidden;
    }

    /** W row-major {@code [G, H]} (a copy). */
    public float[] weight() {
        return weight.clone();
    }

    public float[] bias() {
        return bias.clone();
    }

    /**
     * The encoder's first layer on another gene panel: row g of the result is this encoder's row for
     * the panel's gene g (matched case-insensitively), zero when the encoder never saw that gene.
     */
    public float[] weightFor(List<String> panel) {
        int[] rows = new GeneSpace(genes).columnsOf(panel);
        float[] w = new float[panel.size() * hidden];
        for (int g = 0; g < panel.size(); g++) {
            if (rows[g] >= 0) {
                System.arraycopy(weight, rows[g] * hidden, w, g * hidden, hidden);
            }
        }
        return w;
    }

    /** How many genes of {@code panel} this encoder knows. */
    public int overlap(List<String> panel) {
        int n = 0;
        for (int r : new GeneSpace(genes).columnsOf(panel)) {
            n += r >= 0 ? 1 : 0;
        }
        return n;
    }

    /** The embedding of raw counts in this encoder's gene order, computed by DJL (PyTorch), {@code [N][H]}. */
    public float[][] embed(CsrMatrix counts) {
        if (counts.cols() != genes.size()) {
            throw CytoLabelException.invalid("the encoder takes " + genes.size() + " genes in its own order, got "
                    + counts.cols() + " columns; align the cells with GeneSpace first");
        }
        return embed(weight, bias, genes.size(), hidden, counts);
    }

    /** {@code sigmoid(log1p(counts / size * 1e4) W + b)} in DJL, a chunk of rows at a time. */
    static float[][] embed(float[] weight, float[] bias, int genes, int hidden, CsrMatrix counts) {
        float[][] out = new float[counts.rows()][];
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), EngineLock.ENGINE)) {
            NDArray w = m.create(weight, new Shape(genes, hidden));
            NDArray b = m.create(bias);
            for (int from = 0; from < counts.rows(); from += CHUNK) {
                int to = Math.min(counts.rows(), from + CHUNK);
                try (NDManager chunk = m.newSubManager()) {
                    NDArray x = chunk.create(Normalization.densify(counts, null, from, to), new Shape(to - from, genes));
                    float[] flat = Activation.sigmoid(Normalization.apply(x).matMul(w).add(b)).toFloatArray();
                    for (int r = from; r < to; r++) {
                        out[r] = java.util.Arrays.copyOfRange(flat, (r - from) * hidden, (r - from + 1) * hidden);
                    }
                }
            }
        }
        return out;
    }

    /** The ONNX graph: {@code counts [N, G]} raw counts to {@code embedding [N, H]}, opset 17. */
    public byte[] exportOnnx(String modelName) {
        if (modelName == null || modelName.isBlank()) {
            throw CytoLabelException.invalid("an exported model needs a name (it goes into the ONNX metadata)");
        }
        OnnxContext ctx = new OnnxContext();
        OnnxRef counts = ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", genes.size());
        OnnxRef embedding = ctx.floatOutput(ArtifactContract.OUTPUT_EMBEDDING, "N", hidden);
        encoderGraph(Preprocessing.apply(counts), weight, bias, genes.size(), hidden).assignTo(embedding);
        return ctx.buildModel(modelName, "dev", Map.of(ArtifactContract.META_MODEL_NAME, modelName,
                ArtifactContract.META_MODEL_KIND, KIND,
                ArtifactContract.META_PREPROCESSING, ArtifactContract.PREPROCESSING)).toByteArray();
    }

    /** {@code sigmoid(Gemm(x, W [inputs, hidden], b))} after {@code x}. */
    static OnnxRef encoderGraph(OnnxRef x, float[] w, float[] b, int inputs, int hidden) {
        OnnxContext ctx = x.context();
        OnnxRef wt = ctx.floatTensor("encoder_weight", new long[] {inputs, hidden}, w);
        OnnxRef bt = ctx.floatTensor("encoder_bias", new long[] {hidden}, b);
        return x.apply(GEMM, List.of(wt, bt), Map.of()).apply(SIGMOID);
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(genes.size());
            out.writeInt(hidden);
            for (String g : genes) {
                out.writeUTF(g);
            }
            for (float v : weight) {
                out.writeFloat(v);
            }
            for (float v : bias) {
                out.writeFloat(v);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    public static PretrainedEncoder fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw CytoLabelException.invalid("not a scPretrain encoder file (bad magic); save one with "
                        + "PretrainedEncoder.save");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw CytoLabelException.invalid("scPretrain encoder file version " + version + "; this build reads "
                        + VERSION);
            }
            int g = in.readInt();
            int h = in.readInt();
            if (g < 1 || h < 1 || (long) g * h > Integer.MAX_VALUE) {
                throw CytoLabelException.invalid("scPretrain encoder file has a bad shape " + g + " x " + h);
            }
            List<String> genes = new ArrayList<>(g);
            for (int i = 0; i < g; i++) {
                genes.add(in.readUTF());
            }
            float[] w = new float[g * h];
            for (int i = 0; i < w.length; i++) {
                w[i] = in.readFloat();
            }
            float[] b = new float[h];
            for (int i = 0; i < h; i++) {
                b[i] = in.readFloat();
            }
            if (in.read() != -1) {
                throw CytoLabelException.invalid("scPretrain encoder file has trailing bytes");
            }
            return new PretrainedEncoder(genes, h, w, b);
        } catch (IOException e) {
            throw CytoLabelException.invalid("scPretrain encoder file is truncated or unreadable: " + e.getMessage(), e);
        }
    }

    public void save(Path path) {
        try {
            Files.write(path, toBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the encoder to " + path + ": " + e.getMessage(), e);
        }
    }

    public static PretrainedEncoder load(Path path) {
        try {
            return fromBytes(Files.readAllBytes(path));
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read the scPretrain encoder '" + path + "': " + e.getMessage()
                    + "; pass the path of a file written by PretrainedEncoder.save (hp 'encoder')", e);
        }
    }
}
