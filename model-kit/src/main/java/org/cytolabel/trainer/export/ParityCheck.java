package org.cytolabel.trainer.export;

import java.util.Locale;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cytolabel.trainer.model.FittedModel;

/**
 * Runs the exported ONNX bytes in ONNX Runtime and the DJL model on the same raw counts and
 * compares their probabilities. A model whose ONNX outputs disagree with DJL's is never published.
 */
public final class ParityCheck {
    /** The tolerance the pipeline holds exports to (float32 through the same ops). */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    private ParityCheck() {
    }

    public static ParityResult compare(FittedModel model, byte[] onnx, CsrMatrix sample) {
        float[][] djl = model.predictProbabilities(sample);
        float[][] ort;
        Map<String, Double> auxiliary = new LinkedHashMap<>();
        try (OnnxRunner runner = new OnnxRunner(onnx)) {
            ort = runner.probabilities(sample);
            for (var e : model.auxiliaryOutputs(sample).entrySet()) {
                auxiliary.put(e.getKey(), maxAbsDifference(e.getKey(), e.getValue(), runner.output(sample, e.getKey())));
            }
        }
        for (var e : auxiliary.entrySet()) {
            double tolerance = model.auxiliaryTolerance(e.getKey());
            if (!(e.getValue() <= tolerance)) {
                throw new CytoLabelException(ErrorKind.INTERNAL, String.format(Locale.ROOT,
                        "the ONNX export's '%s' output disagrees with the DJL model: max |difference| %.3g "
                                + "(tolerance %.3g); the model is not published", e.getKey(), e.getValue(), tolerance));
            }
        }
        double maxAbs = 0;
        int mismatches = 0;
        for (int i = 0; i < djl.length; i++) {
            if (djl[i].length != ort[i].length) {
                throw new CytoLabelException(ErrorKind.INTERNAL, "DJL gives " + djl[i].length
                        + " classes but the ONNX model " + ort[i].length);
            }
            for (int c = 0; c < djl[i].length; c++) {
                maxAbs = Math.max(maxAbs, Math.abs((double) djl[i][c] - ort[i][c])); // NaN stays NaN
            }
            if (argmax(djl[i]) != argmax(ort[i])) {
                mismatches++;
            }
        }
        return new ParityResult(djl.length, maxAbs, mismatches, auxiliary);
    }

    /** Largest |a - b| over two {@code [cells][width]} outputs of the same shape (NaN stays NaN). */
    public static double maxAbsDifference(String output, float[][] a, float[][] b) {
        if (a.length != b.length) {
            throw new CytoLabelException(ErrorKind.INTERNAL, "output '" + output + "': " + a.length + " vs "
                    + b.length + " cells");
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                throw new CytoLabelException(ErrorKind.INTERNAL, "output '" + output + "' has width " + a[i].length
                        + " in DJL but " + b[i].length + " in the ONNX model");
            }
            for (int j = 0; j < a[i].length; j++) {
                double d = Math.abs((double) a[i][j] - b[i][j]);
                if (!(d <= max)) {
                    max = d;
                }
            }
        }
        return max;
    }

    /** Throws INTERNAL unless every difference is within {@code tolerance} and every argmax agrees. */
    public static void require(ParityResult r, double tolerance) {
        if (r.cells() == 0) {
            throw new CytoLabelException(ErrorKind.INTERNAL, "the parity check compared no cells; "
                    + "an export is only published after a check on real cells");
        }
        if (!(r.maxAbsDifference() <= tolerance) || r.argmaxMismatches() > 0) {
            throw new CytoLabelException(ErrorKind.INTERNAL, String.format(Locale.ROOT,
                    "the ONNX export disagrees with the DJL model on %d cells: max |difference| %.3g "
                            + "(tolerance %.3g), %d different predicted classes; the model is not published",
                    r.cells(), r.maxAbsDifference(), tolerance, r.argmaxMismatches()));
        }
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }
}
