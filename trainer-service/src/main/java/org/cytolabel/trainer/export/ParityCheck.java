package org.cytolabel.trainer.export;

import java.util.Locale;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.trainer.train.TrainedClassifier;

/**
 * Runs the exported ONNX bytes in ONNX Runtime and the DJL model on the same raw counts and
 * compares their probabilities. A model whose ONNX outputs disagree with DJL's is never published.
 */
public final class ParityCheck {
    /** The tolerance the pipeline holds exports to (float32 through the same ops). */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    private ParityCheck() {
    }

    public static ParityResult compare(TrainedClassifier model, byte[] onnx, CsrMatrix sample) {
        float[][] djl = model.predictProbabilities(sample);
        float[][] ort;
        try (OnnxRunner runner = new OnnxRunner(onnx)) {
            ort = runner.probabilities(sample);
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
        return new ParityResult(djl.length, maxAbs, mismatches);
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
