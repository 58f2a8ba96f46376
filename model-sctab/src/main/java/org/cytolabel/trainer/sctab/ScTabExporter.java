package org.cytolabel.trainer.sctab;

import static org.cytolabel.core.onnx.OnnxOperator.ADD;
import static org.cytolabel.core.onnx.OnnxOperator.BATCH_NORMALIZATION;
import static org.cytolabel.core.onnx.OnnxOperator.CONCAT;
import static org.cytolabel.core.onnx.OnnxOperator.DIV;
import static org.cytolabel.core.onnx.OnnxOperator.GEMM;
import static org.cytolabel.core.onnx.OnnxOperator.MUL;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_MAX;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_MEAN;
import static org.cytolabel.core.onnx.OnnxOperator.RELU;
import static org.cytolabel.core.onnx.OnnxOperator.SIGMOID;
import static org.cytolabel.core.onnx.OnnxOperator.SLICE;
import static org.cytolabel.core.onnx.OnnxOperator.SOFTMAX;
import static org.cytolabel.core.onnx.OnnxOperator.SUB;
import static org.cytolabel.core.onnx.OnnxOperator.SUM;
import static org.cytolabel.core.onnx.OnnxOperator.UNSQUEEZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;
import org.cytolabel.core.onnx.Preprocessing;

/**
 * Writes one scTab TabNet, or a deep ensemble of them as one graph, following the artifact
 * contract: input {@code counts [N, G]} raw counts and the contract's preprocessing (shared by the
 * members); per member the TabNet forward of {@link TabNetBlock} in inference mode (BatchNormalization
 * on running statistics, Gemm with {@code transB = 1} on the PyTorch weights, Slice + Sigmoid for
 * GLU, 1.5-entmax by {@link EntmaxOnnx}); outputs {@code probabilities [N, C]} (the members' mean),
 * {@code uncertainty [N]} (1 - its max), {@code mask [N, G]} (the members' mean mask) and, for
 * more than one member, {@code member_probabilities [N, M, C]}. Opset 17.
 */
public final class ScTabExporter {
    /** Metadata key: the entmax method in the graph ("sort" or "bisection"). */
    public static final String META_ENTMAX = "cytolabel.sctab.entmax";
    /** Metadata key: the ensemble size. */
    public static final String META_MEMBERS = "cytolabel.sctab.members";

    private ScTabExporter() {
    }

    static byte[] export(List<TabNetWeights> members, Entmax15.Method method, String modelName) {
        if (modelName == null || modelName.isBlank()) {
            throw CytoLabelException.invalid("an exported model needs a name (it goes into the ONNX metadata)");
        }
        if (members.isEmpty()) {
            throw CytoLabelException.invalid("an scTab export needs at least one trained member");
        }
        int genes = members.get(0).genes();
        int classes = members.get(0).classes();
        OnnxContext ctx = new OnnxContext();
        OnnxRef counts = ctx.floatInput(ArtifactContract.INPUT_COUNTS, "N", genes);
        OnnxRef probabilities = ctx.floatOutput(ArtifactContract.OUTPUT_PROBABILITIES, "N", classes);
        OnnxRef uncertainty = ctx.floatOutput(ArtifactContract.OUTPUT_UNCERTAINTY, "N");
        OnnxRef maskOut = ctx.floatOutput(ArtifactContract.OUTPUT_MASK, "N", genes);
        OnnxRef memberOut = members.size() > 1
                ? ctx.floatOutput(ArtifactContract.OUTPUT_MEMBER_PROBABILITIES, "N", members.size(), classes) : null;

        OnnxRef x = Preprocessing.apply(counts);
        List<OnnxRef> probs = new ArrayList<>();
        List<OnnxRef> masks = new ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            TabNetWeights w = members.get(m);
            if (w.genes() != genes || w.classes() != classes) {
                throw CytoLabelException.invalid("ensemble members disagree on genes or classes");
            }
            OnnxRef[] out = member(ctx, "m" + m + "_", w, x, method);
            probs.add(out[0]);
            masks.add(out[1]);
        }
        OnnxRef mean;
        OnnxRef mask;
        if (members.size() == 1) {
            mean = probs.get(0);
            mask = masks.get(0);
        } else {
            OnnxRef axis = ctx.longVector("member_axis", 1L);
            List<OnnxRef> expanded = probs.stream().map(p -> p.apply(UNSQUEEZE, axis)).toList();
            OnnxRef stacked = expanded.get(0).apply(CONCAT, expanded.subList(1, expanded.size()), Map.of("axis", 1));
            stacked.assignTo(memberOut);
            mean = stacked.apply(REDUCE_MEAN, Map.of("axes", new long[] {1}, "keepdims", 0));
            mask = masks.get(0).apply(SUM, masks.subList(1, masks.size()), Map.of())
                    .apply(DIV, ctx.floatScalar("members", members.size()));
        }
        mean.assignTo(probabilities);
        mask.assignTo(maskOut);
        ctx.floatScalar("one", 1f)
                .apply(SUB, mean.apply(REDUCE_MAX, Map.of("axes", new long[] {1}, "keepdims", 0)))
                .assignTo(uncertainty);
        Map<String, String> metadata = Map.of(
                ArtifactContract.META_MODEL_NAME, modelName,
                ArtifactContract.META_MODEL_KIND, ScTabFamily.KIND,
                ArtifactContract.META_PREPROCESSING, ArtifactContract.PREPROCESSING,
                META_ENTMAX, method == Entmax15.Method.SORT ? "sort" : "bisection",
                META_MEMBERS, Integer.toString(members.size()));
        return ctx.buildModel(modelName, "dev", metadata).toByteArray();
    }

    /** One member's probabilities and mask from the normalised input. */
    private static OnnxRef[] member(OnnxContext ctx, String p, TabNetWeights w, OnnxRef normalized,
            Entmax15.Method method) {
        OnnxRef x = norm(ctx, p + "input_bn", w.inputBn(), normalized);
        int width = w.nD() + w.nA();
        OnnxRef h = transform(ctx, p + "splitter", w.splitter(), x, width);
        OnnxRef att = slice(ctx, h, w.nD(), width);
        OnnxRef a = norm(ctx, p + "attention_bn", w.attentionBn(), dense(ctx, p + "attention_fc", w.attentionFc(), att));
        OnnxRef mask = EntmaxOnnx.apply(a, w.genes(), method);
        OnnxRef out = transform(ctx, p + "step", w.step(), mask.apply(MUL, x), width);
        OnnxRef d = slice(ctx, out, 0, w.nD()).apply(RELU);
        OnnxRef logits = dense(ctx, p + "head", w.head(), d);
        return new OnnxRef[] {logits.apply(SOFTMAX, Map.of("axis", 1)), mask};
    }

    private static OnnxRef transform(OnnxContext ctx, String p, List<TabNetWeights.Glu> layers, OnnxRef input,
            int width) {
        OnnxRef h = input;
        OnnxRef sqrtHalf = ctx.floatScalar(p + "_sqrt_half", TabNetBlock.SQRT_HALF);
        for (int i = 0; i < layers.size(); i++) {
            TabNetWeights.Glu layer = layers.get(i);
            OnnxRef y = norm(ctx, p + "_bn" + i, layer.bn(), dense(ctx, p + "_fc" + i, layer.fc(), h));
            OnnxRef glu = slice(ctx, y, 0, width).apply(MUL, slice(ctx, y, width, 2 * width).apply(SIGMOID));
            h = layer.residual() ? h.apply(ADD, glu).apply(MUL, sqrtHalf) : glu;
        }
        return h;
    }

    private static OnnxRef dense(OnnxContext ctx, String name, TabNetWeights.Dense d, OnnxRef x) {
        OnnxRef w = ctx.floatTensor(name + "_weight", new long[] {d.outputs(), d.inputs()}, d.weight());
        return x.apply(GEMM, List.of(w), Map.of("transB", 1));
    }

    private static OnnxRef norm(OnnxContext ctx, String name, TabNetWeights.Norm n, OnnxRef x) {
        long[] dims = {n.gamma().length};
        return x.apply(BATCH_NORMALIZATION, List.of(ctx.floatTensor(name + "_scale", dims, n.gamma()),
                ctx.floatTensor(name + "_bias", dims, n.beta()), ctx.floatTensor(name + "_mean", dims, n.mean()),
                ctx.floatTensor(name + "_var", dims, n.variance())), Map.of("epsilon", GhostBatchNorm.EPSILON));
    }

    private static OnnxRef slice(OnnxContext ctx, OnnxRef x, long from, long to) {
        return x.apply(SLICE, List.of(ctx.longVector("slice_start", from), ctx.longVector("slice_end", to),
                ctx.longVector("slice_axis", 1L)), Map.of());
    }
}
