package org.cytolabel.trainer.scnym;

/**
 * scNym's loss-weight schedules as functions of training progress {@code t} in [0, 1] (epochs
 * done, fractional within an epoch, over the epoch budget). scNym ramps the consistency weight
 * linearly over its 100 epochs and the adversary with {@code exp(-5 (1 - x)^2)} over 20 of them;
 * here the ramp lengths are fractions of whatever budget is set, so a short run on small data
 * still reaches full weight.
 */
public final class Ramps {

    private Ramps() {
    }

    /** {@code max * min(1, t / ramp)}; a ramp of 0 is full weight from the start. */
    public static double linear(double t, double ramp, double max) {
        if (ramp <= 0 || t >= ramp) {
            return max;
        }
        return max * Math.max(0, t) / ramp;
    }

    /** {@code max * exp(-5 (1 - t / ramp)^2)} until {@code ramp}, then {@code max} (Laine and Aila's ramp-up). */
    public static double sigmoid(double t, double ramp, double max) {
        if (ramp <= 0 || t >= ramp) {
            return max;
        }
        double x = Math.max(0, t) / ramp;
        return max * Math.exp(-5 * (1 - x) * (1 - x));
    }
}
