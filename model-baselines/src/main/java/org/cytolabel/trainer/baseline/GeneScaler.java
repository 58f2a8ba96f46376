package org.cytolabel.trainer.baseline;

import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Per-gene standard scaling as CellTypist does it (sklearn {@code StandardScaler} on the
 * log-normalised training cells, then values above {@link #MAX_VALUE} set to it):
 * {@code min((x - mean) / sd, 10)}, with the population standard deviation (ddof 0). A gene whose
 * sd is below 1e-8 (constant in training) gets sd 1, as sklearn's scaler does. Float32 in the
 * order the ONNX graph applies it: Sub, Div, Min.
 */
public record GeneScaler(float[] mean, float[] sd) {
    /** Upper clip, CellTypist's {@code X[X > 10] = 10} (scanpy's {@code scale(max_value=10)}). */
    public static final float MAX_VALUE = 10f;
    private static final double MIN_SD = 1e-8;

    public GeneScaler {
        if (mean.length != sd.length) {
            throw CytoLabelException.invalid(mean.length + " means but " + sd.length + " standard deviations");
        }
    }

    /** Fits mean and population sd per column of a (log-normalised) matrix; zeros count. */
    public static GeneScaler fit(CsrMatrix x) {
        if (x.rows() < 1) {
            throw CytoLabelException.invalid("cannot fit a gene scaler on zero cells");
        }
        int g = x.cols();
        double[] sum = new double[g];
        double[] sumSq = new double[g];
        for (int k = 0; k < x.nnz(); k++) {
            double v = x.values()[k];
            sum[x.indices()[k]] += v;
            sumSq[x.indices()[k]] += v * v;
        }
        float[] mean = new float[g];
        float[] sd = new float[g];
        int n = x.rows();
        for (int j = 0; j < g; j++) {
            double m = sum[j] / n;
            double var = Math.max(0, sumSq[j] / n - m * m);
            double s = Math.sqrt(var);
            mean[j] = (float) m;
            sd[j] = s < MIN_SD ? 1f : (float) s;
        }
        return new GeneScaler(mean, sd);
    }

    public int genes() {
        return mean.length;
    }

    /** The scaled value of {@code x} in gene {@code j}. */
    public float scale(float x, int j) {
        return Math.min((x - mean[j]) / sd[j], MAX_VALUE);
    }

    /** The scaled value of a zero entry in gene {@code j}: what every unexpressed gene becomes. */
    public float scaledZero(int j) {
        return scale(0f, j);
    }

    /** This scaler restricted to {@code genes} (column indices), in that order. */
    public GeneScaler select(int[] genes) {
        float[] m = new float[genes.length];
        float[] s = new float[genes.length];
        for (int i = 0; i < genes.length; i++) {
            m[i] = mean[genes[i]];
            s[i] = sd[genes[i]];
        }
        return new GeneScaler(m, s);
    }
}
