package org.cytolabel.trainer.model;

import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.trainer.train.EpochReport;

/**
 * A trained model of any family, holding native memory until closed. The trainer exports it to
 * ONNX, compares the export with {@link #predictProbabilities} (and with
 * {@link #auxiliaryOutputs} for every extra output), and only then publishes it.
 */
public interface FittedModel extends AutoCloseable {

    /** The family's kind. */
    String kind();

    /**
     * Class probabilities per cell from raw counts in the model's gene order, as the model itself
     * (DJL, eval mode) computes them: the reference the ONNX export must match.
     */
    float[][] predictProbabilities(CsrMatrix counts);

    /**
     * The model as an ONNX graph following the artifact contract (input {@code counts} raw counts,
     * outputs {@code probabilities} and {@code uncertainty}, optional extra outputs named in
     * {@link org.cytolabel.core.onnx.ArtifactContract}); {@code modelName} goes into its metadata.
     */
    byte[] exportOnnx(String modelName);

    /**
     * Extra outputs of the export by ONNX output name ("embedding", "mask", "saliency", ...), each
     * {@code [cells][width]}, as the model itself computes them; parity compares each with the
     * export's output of the same name. Empty when the export has none.
     */
    default Map<String, float[][]> auxiliaryOutputs(CsrMatrix counts) {
        return Map.of();
    }

    /** Largest |difference| allowed between {@link #auxiliaryOutputs} and the export's, per output. */
    default double auxiliaryTolerance(String output) {
        return 1e-4;
    }

    /** The 1-based epoch whose weights were kept (0 when the family has no epochs). */
    int bestEpoch();

    /** Every epoch's report, in order. */
    List<EpochReport> history();

    /** The hyper-parameters the model was trained with (every key, resolved). */
    Map<String, String> hyperParameters();

    /**
     * Facts for the model card beyond the standard ones, e.g. {@code temperature -> 1.31} or
     * {@code novel_candidates -> 12}: short strings a person reads.
     */
    default Map<String, String> notes() {
        return Map.of();
    }

    /**
     * Files the trainer keeps beside the model (PNG plots, TSV tables), by file name, e.g.
     * {@code saliency_markers.tsv}.
     */
    default Map<String, byte[]> attachments() {
        return Map.of();
    }

    @Override
    void close();
}
