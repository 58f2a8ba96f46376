package org.cytolabel.trainer.sctab;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import org.cytolabel.core.error.CytoLabelException;

/**
 * 1.5-entmax over the last axis of a {@code [N, D]} array (Peters et al. 2019, as scTab's TabNet
 * uses it): {@code p = relu(z/2 - tau)^2} with the threshold {@code tau} such that every row sums
 * to 1, so small scores get exactly zero weight. Two ways to find {@code tau}:
 * <ul>
 * <li>{@link Method#SORT}: exact, by sorting each row (descending), cumulative sums of the sorted
 * values and their squares, the candidate threshold for every support size, and the largest support
 * whose threshold lies below its smallest member;</li>
 * <li>{@link Method#BISECTION}: {@link #BISECTION_STEPS} halvings of
 * {@code [max - 1, max - sqrt(1/D)]} on {@code sum(relu(z/2 - tau)^2) - 1}, then a renormalisation
 * (entmax's {@code entmax_bisect}).</li>
 * </ul>
 * The exporter builds the same float32 steps in ONNX ({@link EntmaxOnnx}), so DJL and ONNX Runtime
 * agree. Gradients use entmax's closed-form backward ({@link #withGradient}).
 */
public final class Entmax15 {
    /** Bisection halvings: the interval shrinks by 2^30, below float32 resolution. */
    public static final int BISECTION_STEPS = 30;

    /** How the threshold is found. */
    public enum Method {
        SORT, BISECTION;

        /** "sort" or "bisection" (also "bisect"). */
        public static Method parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "sort", "exact" -> SORT;
                case "bisection", "bisect" -> BISECTION;
                default -> throw CytoLabelException.invalid("entmax method '" + s
                        + "' is unknown; use 'sort' (exact) or 'bisection'");
            };
        }
    }

    private Entmax15() {
    }

    /** 1.5-entmax of each row of {@code z} ({@code [N, D]}), no gradient. */
    public static NDArray forward(NDArray z, Method method) {
        NDArray x = z.sub(z.max(new int[] {1}, true)).div(2f);
        return method == Method.SORT ? bySort(x) : byBisection(x);
    }

    /**
     * 1.5-entmax whose value is {@link #forward} and whose gradient is entmax's closed form
     * {@code dz = s * dp - s * sum(s * dp) / sum(s)} with {@code s = sqrt(p)}: the value is computed
     * without autograd and a surrogate {@code f(z) = s*z - s*(s.z)/sum(s)} (s held constant)
     * carries exactly that Jacobian; {@code p + f(z) - stop(f(z))} adds zero to the value.
     */
    public static NDArray withGradient(NDArray z, Method method) {
        NDArray p = forward(z.stopGradient(), method).stopGradient();
        NDArray s = p.sqrt();
        NDArray sSum = s.sum(new int[] {1}, true);
        NDArray surrogate = s.mul(z).sub(s.mul(s.mul(z).sum(new int[] {1}, true)).div(sSum));
        return p.add(surrogate.sub(surrogate.stopGradient()));
    }

    /** Exact threshold of {@code x = (z - max)/2} by sort and cumulative sums. */
    static NDArray bySort(NDArray x) {
        long d = x.getShape().get(1);
        NDArray sorted = x.topK((int) d, 1, true, true).get(0);
        NDArray rho = x.getManager().arange(1f, d + 1f).reshape(1, d);
        NDArray mean = sorted.cumSum(1).div(rho);
        NDArray meanSq = sorted.square().cumSum(1).div(rho);
        NDArray ss = rho.mul(meanSq.sub(mean.square()));
        NDArray delta = ss.neg().add(1f).div(rho);
        NDArray tau = mean.sub(delta.maximum(0f).sqrt());
        // support size: how many candidate thresholds lie at or below their own smallest member
        NDArray support = tau.lte(sorted).toType(DataType.FLOAT32, false).sum(new int[] {1}, true);
        NDArray tauStar = NDArrays.where(rho.eq(support), tau, tau.zerosLike()).sum(new int[] {1}, true);
        return x.sub(tauStar).maximum(0f).square();
    }

    /** Threshold of {@code x = (z - max)/2} by bisection, then the rows renormalised. */
    static NDArray byBisection(NDArray x) {
        long d = x.getShape().get(1);
        NDArray max = x.max(new int[] {1}, true);
        NDArray tauLo = max.sub(1f);
        float width = 1f - (float) Math.sqrt(1.0 / d);
        NDArray p = null;
        for (int i = 0; i < BISECTION_STEPS; i++) {
            width /= 2f;
            NDArray tauMid = tauLo.add(width);
            p = x.sub(tauMid).maximum(0f).square();
            NDArray f = p.sum(new int[] {1}, true).sub(1f);
            tauLo = NDArrays.where(f.lt(0f), tauLo, tauMid);
        }
        return p.div(p.sum(new int[] {1}, true));
    }
}
