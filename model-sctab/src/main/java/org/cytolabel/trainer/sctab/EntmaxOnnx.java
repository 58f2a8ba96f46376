package org.cytolabel.trainer.sctab;

import static org.cytolabel.core.onnx.OnnxOperator.ADD;
import static org.cytolabel.core.onnx.OnnxOperator.CAST;
import static org.cytolabel.core.onnx.OnnxOperator.CUM_SUM;
import static org.cytolabel.core.onnx.OnnxOperator.DIV;
import static org.cytolabel.core.onnx.OnnxOperator.EQUAL;
import static org.cytolabel.core.onnx.OnnxOperator.LESS;
import static org.cytolabel.core.onnx.OnnxOperator.MAX;
import static org.cytolabel.core.onnx.OnnxOperator.MUL;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_MAX;
import static org.cytolabel.core.onnx.OnnxOperator.REDUCE_SUM;
import static org.cytolabel.core.onnx.OnnxOperator.SQRT;
import static org.cytolabel.core.onnx.OnnxOperator.SUB;
import static org.cytolabel.core.onnx.OnnxOperator.TOP_K;
import static org.cytolabel.core.onnx.OnnxOperator.WHERE;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;

/**
 * 1.5-entmax over axis 1 of a {@code [N, D]} value as an ONNX graph fragment (opset 17), step for
 * step the float32 operations of {@link Entmax15}: the sort form with TopK (K = D, descending),
 * CumSum and a one-hot pick of the threshold; the bisection form unrolled
 * {@link Entmax15#BISECTION_STEPS} times.
 */
public final class EntmaxOnnx {
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();

    private EntmaxOnnx() {
    }

    /** Adds 1.5-entmax of {@code z} (width {@code d}) and returns it. */
    public static OnnxRef apply(OnnxRef z, int d, Entmax15.Method method) {
        OnnxContext ctx = z.context();
        OnnxRef x = z.apply(SUB, rowMax(z)).apply(DIV, ctx.floatScalar("entmax_two", 2f));
        return method == Entmax15.Method.SORT ? bySort(x, d) : byBisection(x, d);
    }

    private static OnnxRef bySort(OnnxRef x, int d) {
        OnnxContext ctx = x.context();
        OnnxRef sorted = ctx.operation(TOP_K, List.of(x, ctx.longVector("entmax_k", d)),
                List.of("entmax_sorted", "entmax_order"), Map.of("axis", 1, "largest", 1, "sorted", 1)).get(0);
        float[] ranks = new float[d];
        for (int i = 0; i < d; i++) {
            ranks[i] = i + 1;
        }
        OnnxRef rho = ctx.floatTensor("entmax_rho", new long[] {1, d}, ranks);
        OnnxRef axis = ctx.longTensor("entmax_axis", new long[0], new long[] {1});
        OnnxRef mean = sorted.apply(CUM_SUM, axis).apply(DIV, rho);
        OnnxRef meanSq = sorted.apply(MUL, sorted).apply(CUM_SUM, axis).apply(DIV, rho);
        OnnxRef ss = rho.apply(MUL, meanSq.apply(SUB, mean.apply(MUL, mean)));
        OnnxRef one = ctx.floatScalar("entmax_one", 1f);
        OnnxRef zero = ctx.floatScalar("entmax_zero", 0f);
        OnnxRef delta = one.apply(SUB, ss).apply(DIV, rho);
        OnnxRef tau = mean.apply(SUB, delta.apply(MAX, zero).apply(SQRT));
        // support = D - #(sorted < tau), i.e. #(tau <= sorted)
        OnnxRef below = sorted.apply(LESS, tau).apply(CAST, Map.of("to", FLOAT));
        OnnxRef support = ctx.floatScalar("entmax_d", d).apply(SUB, sum(below));
        OnnxRef tauStar = sum(ctx.operation(WHERE, List.of(rho.apply(EQUAL, support), tau, zero),
                List.of("entmax_pick"), Map.of()).get(0));
        OnnxRef shifted = x.apply(SUB, tauStar).apply(MAX, zero);
        return shifted.apply(MUL, shifted);
    }

    private static OnnxRef byBisection(OnnxRef x, int d) {
        OnnxContext ctx = x.context();
        OnnxRef zero = ctx.floatScalar("entmax_zero", 0f);
        OnnxRef one = ctx.floatScalar("entmax_one", 1f);
        OnnxRef tauLo = rowMax(x).apply(SUB, one);
        float width = 1f - (float) Math.sqrt(1.0 / d);
        OnnxRef p = null;
        for (int i = 0; i < Entmax15.BISECTION_STEPS; i++) {
            width /= 2f;
            OnnxRef tauMid = tauLo.apply(ADD, ctx.floatScalar("entmax_width", width));
            OnnxRef shifted = x.apply(SUB, tauMid).apply(MAX, zero);
            p = shifted.apply(MUL, shifted);
            OnnxRef f = sum(p).apply(SUB, one);
            tauLo = ctx.operation(WHERE, List.of(f.apply(LESS, zero), tauLo, tauMid), List.of("entmax_tau"),
                    Map.of()).get(0);
        }
        return p.apply(DIV, sum(p));
    }

    private static OnnxRef rowMax(OnnxRef v) {
        return v.apply(REDUCE_MAX, Map.of("axes", new long[] {1}, "keepdims", 1));
    }

    private static OnnxRef sum(OnnxRef v) {
        OnnxContext ctx = v.context();
        return ctx.operation(REDUCE_SUM, List.of(v, ctx.longVector("entmax_sum_axes", 1L)), List.of("entmax_sum"),
                Map.of("keepdims", 1)).get(0);
    }
}
