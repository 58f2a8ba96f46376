package org.cytolabel.trainer.scnym;

import ai.djl.ndarray.NDArray;

/**
 * The domain adversary's gradient-reversal layer: the identity going forward, {@code -weight} times
 * the incoming gradient going back. DJL has no custom autograd functions, so it is built from
 * {@code stopGradient}: {@code y = sg(x) + (-w) * (x - sg(x))}. Forward, {@code x - sg(x)} is exactly
 * zero, so {@code y == x} bit for bit; backward, the only path to {@code x} is through the product
 * with {@code -w}.
 */
public final class GradientReversal {

    private GradientReversal() {
    }

    public static NDArray apply(NDArray x, float weight) {
        NDArray detached = x.stopGradient();
        // the factor as an array owned by x's manager: a scalar from mul(Number) is freed at once while
        // autograd still needs it for the backward pass (DJL 0.35.1)
        NDArray factor = x.getManager().create(-weight);
        return detached.add(x.sub(detached).mul(factor));
    }
}
