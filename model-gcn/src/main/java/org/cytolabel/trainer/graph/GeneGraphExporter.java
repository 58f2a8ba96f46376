package org.cytolabel.trainer.graph;

import static org.cytolabel.core.onnx.OnnxOperator.ADD;
import static org.cytolabel.core.onnx.OnnxOperator.BATCH_NORMALIZATION;
import static org.cytolabel.core.onnx.OnnxOperator.CONCAT;
import static org.cytolabel.core.onnx.OnnxOperator.DIV;
import static org.cytolabel.core.onnx.OnnxOperator.GATHER;
import static org.cytolabel.core.onnx.OnnxOperator.GEMM;
import static org.cytolabel.core.onnx.OnnxOperator.MATMUL;
import static org.cytolabel.core.onnx.OnnxOperator.MUL;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_MAX;
import static org.cytolabel.core.onnx.OnnxOperator.RELU;
import static org.cytolabel.core.onnx.OnnxOperator.SLICE;
import static org.cytolabel.core.onnx.OnnxOperator.SOFTMAX;
import static org.cytolabel.core.onnx.OnnxOperator.SQUEEZE;
import static org.cytolabel.core.onnx.OnnxOperator.SUB;
import static org.cytolabel.core.onnx.OnnxOperator.TRANSPOSE;
import static org.cytolabel.core.onnx.OnnxOperator.UNSQUEEZE;

import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;
import org.cytolabel.core.onnx.Preprocessing;

/**
 * Writes a {@link GeneGraphNetwork} as an ONNX model following the artifact contract (input
 * {@code counts}, the contract's preprocessing, outputs {@code probabilities} and
 * {@code uncertainty}; opset 17). Everything is built from operators {@code OnnxOperator} has:
 * the prior graph's sparse product is Gather by the bucketed neighbour tables, Transpose and a
 * batched MatMul with per-slot coefficients (no ScatterElements needed); the learned graph is
 * MatMul, Softmax and MatMul; genes outside the learned set get a zero row (a sliced row times 0)
 * via Gather.
 */
final class GeneGraphExporter {

    private GeneGraphExporter() {
    }

    static byte[] export(GeneGraphNetwork net, String modelName, String kind) {
        if (modelName == null || modelName.isBlank()) {
            throw CytoLabelException.invalid("an exported model needs a name (it goes into the ONNX metadata)");
        }
        GeneGraphConfig config = net.config();
        OnnxContext ctx = new OnnxContext();
        OnnxRef counts = ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", net.panelGenes());
        OnnxRef probabilities = ctx.floatOutput(ArtifactContract.OUTPUT_PROBABILITIES, "N", net.numClasses());
        OnnxRef uncertainty = ctx.floatOutput(ArtifactContract.OUTPUT_UNCERTAINTY, "N");

        OnnxRef x = Preprocessing.apply(counts);
        int[] modelGenes = net.modelGenes();
        if (!net.allGenes()) {
            x = x.apply(GATHER, List.of(ctx.longVector("model_genes", toLongs(modelGenes))), Map.of("axis", 1));
        }
        if (config.gcn()) {
            x = x.apply(ADD, graphResidual(ctx, net, x));
        }
        x = dense(ctx, "fc1", x, net.fc1, net.bn1, true);
        x = dense(ctx, "fc2", x, net.fc2, net.bn2, true);
        x = dense(ctx, "head", x, net.head, null, false);
        OnnxRef probs = x.apply(SOFTMAX, Map.of("axis", 1));
        probs.assignTo(probabilities);
        ctx.floatScalar("one_u", 1f)
                .apply(SUB, probs.apply(REDUCE_MAX, Map.of("axes", new long[] {1}, "keepdims", 0)))
                .assignTo(uncertainty);
        Map<String, String> metadata = Map.of(
                ArtifactContract.META_MODEL_NAME, modelName,
                ArtifactContract.META_MODEL_KIND, kind,
                ArtifactContract.META_PREPROCESSING, ArtifactContract.PREPROCESSING);
        String v = GeneGraphExporter.class.getPackage().getImplementationVersion();
        return ctx.buildModel(modelName, v == null ? "dev" : v, metadata).toByteArray();
    }

    private static OnnxRef graphResidual(OnnxContext ctx, GeneGraphNetwork net, OnnxRef x) {
        GeneGraphConfig config = net.config();
        int d = config.nodeDim();
        int gm = net.modelGenes().length;
        float[] e = GeneGraphNetwork.values(net.embedding);
        float[] b = net.nodeBias == null ? null : GeneGraphNetwork.values(net.nodeBias);
        OnnxRef messages = null;
        NeighbourBuckets buckets = net.buckets();
        if (buckets != null) {
            OnnxRef xt = x.apply(TRANSPOSE, Map.of("perm", new long[] {1, 0})); // [G_m, N]
            List<OnnxRef> parts = new ArrayList<>();
            int index = 0;
            for (NeighbourBuckets.Bucket bucket : buckets.buckets()) {
                String p = "prior_bucket" + index++;
                int rows = bucket.rows().length;
                int width = bucket.width();
                int[] nb = bucket.neighbours();
                float[] w = bucket.weights();
                float[] coef = new float[rows * width * d];
                float[] biasTerm = b == null ? null : new float[rows * d];
                for (int s = 0; s < nb.length; s++) {
                    int g = nb[s];
                    for (int k = 0; k < d; k++) {
                        coef[s * d + k] = e[g * d + k] * w[s];
                    }
                }
                if (b != null) {
                    for (int r = 0; r < rows; r++) {
                        for (int k = 0; k < d; k++) {
                            double sum = 0;
                            for (int j = 0; j < width; j++) {
                                int s = r * width + j;
                                sum += b[nb[s] * d + k] * w[s];
                            }
                            biasTerm[r * d + k] = (float) sum;
                        }
                    }
                }
                OnnxRef idx = ctx.longTensor(p + "_neighbours", new long[] {rows, width}, toLongs(nb));
                OnnxRef gathered = xt.apply(GATHER, List.of(idx), Map.of("axis", 0)) // [rows, width, N]
                        .apply(TRANSPOSE, Map.of("perm", new long[] {0, 2, 1}));
                OnnxRef part = gathered.apply(MATMUL, ctx.floatTensor(p + "_coef", new long[] {rows, width, d}, coef));
                if (b != null) {
                    part = part.apply(ADD, ctx.floatTensor(p + "_bias", new long[] {rows, 1, d}, biasTerm));
                }
                parts.add(part);
            }
            OnnxRef all = parts.size() == 1 ? parts.get(0)
                    : parts.get(0).apply(CONCAT, parts.subList(1, parts.size()), Map.of("axis", 0));
            messages = all.apply(GATHER, List.of(ctx.longVector("prior_positions", toLongs(buckets.positions()))),
                    Map.of("axis", 0));
        }
        int[] learned = net.learnedGenes();
        if (learned != null) {
            int k = learned.length;
            float[] eS = new float[k * d];
            float[] bS = b == null ? null : new float[k * d];
            for (int s = 0; s < k; s++) {
                System.arraycopy(e, learned[s] * d, eS, s * d, d);
                if (b != null) {
                    System.arraycopy(b, learned[s] * d, bS, s * d, d);
                }
            }
            OnnxRef z = x.apply(GATHER, List.of(ctx.longVector("learned_genes", toLongs(learned))), Map.of("axis", 1))
                    .apply(UNSQUEEZE, ctx.longVector("unsqueeze_axes", 2))
                    .apply(MUL, ctx.floatTensor("learned_embedding", new long[] {k, d}, eS));
            if (b != null) {
                z = z.apply(ADD, ctx.floatTensor("learned_node_bias", new long[] {k, d}, bS));
            }
            int dk = config.keyDim();
            OnnxRef th = z.apply(MATMUL, ctx.floatTensor("theta", new long[] {d, dk}, GeneGraphNetwork.values(net.theta)));
            OnnxRef ph = z.apply(MATMUL, ctx.floatTensor("phi", new long[] {d, dk}, GeneGraphNetwork.values(net.phi)))
                    .apply(TRANSPOSE, Map.of("perm", new long[] {0, 2, 1}));
            OnnxRef attention = th.apply(MATMUL, ph)
                    .apply(DIV, ctx.floatScalar("sqrt_key_dim", (float) Math.sqrt(dk)))
                    .apply(SOFTMAX, Map.of("axis", 2));
            OnnxRef l = attention.apply(MATMUL, z).apply(TRANSPOSE, Map.of("perm", new long[] {1, 0, 2})); // [K, N, d]
            OnnxRef zeroRow = l.apply(SLICE, List.of(ctx.longVector("slice_start", 0), ctx.longVector("slice_end", 1),
                    ctx.longVector("slice_axes", 0)), Map.of()).apply(MUL, ctx.floatScalar("zero", 0f));
            OnnxRef placed = l.apply(CONCAT, List.of(zeroRow), Map.of("axis", 0))
                    .apply(GATHER, List.of(ctx.longVector("learned_map", toLongs(net.learnedMap()))), Map.of("axis", 0));
            messages = messages == null ? placed : messages.apply(ADD, placed);
        }
        OnnxRef h = messages.apply(MATMUL, ctx.floatTensor("gcn_weight", new long[] {d, d},
                GeneGraphNetwork.values(net.gcnWeight))).apply(RELU);
        return h.apply(MATMUL, ctx.floatTensor("pool_weight", new long[] {d, 1}, GeneGraphNetwork.values(net.poolWeight)))
                .apply(SQUEEZE, ctx.longVector("squeeze_axes", 2))
                .apply(TRANSPOSE, Map.of("perm", new long[] {1, 0}))
                .apply(ADD, ctx.floatTensor("pool_bias", new long[] {1}, GeneGraphNetwork.values(net.poolBias)));
    }

    private static OnnxRef dense(OnnxContext ctx, String p, OnnxRef x, Linear linear, BatchNorm norm, boolean relu) {
        var lp = linear.getParameters();
        float[] w = lp.get("weight").getArray().toFloatArray();
        float[] bias = lp.get("bias").getArray().toFloatArray();
        long out = bias.length;
        long in = w.length / out;
        OnnxRef y = x.apply(GEMM, List.of(ctx.floatTensor(p + "_weight", new long[] {out, in}, w),
                ctx.floatTensor(p + "_bias", new long[] {out}, bias)), Map.of("transB", 1));
        if (norm != null) {
            var np = norm.getParameters();
            long[] dims = {out};
            y = y.apply(BATCH_NORMALIZATION, List.of(
                    ctx.floatTensor(p + "_bn_scale", dims, np.get("gamma").getArray().toFloatArray()),
                    ctx.floatTensor(p + "_bn_bias", dims, np.get("beta").getArray().toFloatArray()),
                    ctx.floatTensor(p + "_bn_mean", dims, np.get("runningMean").getArray().toFloatArray()),
                    ctx.floatTensor(p + "_bn_var", dims, np.get("runningVar").getArray().toFloatArray())),
                    Map.of("epsilon", GeneGraphNetwork.BN_EPSILON));
        }
        return relu ? y.apply(RELU) : y;
    }

    private static long[] toLongs(int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        return l;
    }
}
