package org.cytolabel.core.onnx;

/** Tensor names and preprocessing constants every exported model follows (DESIGN.md). */
public final class ArtifactContract {
    /** Input: raw counts in the model's gene order, float32 [N, G]. */
    public static final String INPUT_COUNTS = "counts";
    /** Output: class probabilities (ensemble mean), float32 [N, C]. */
    public static final String OUTPUT_PROBABILITIES = "probabilities";
    /** Output: 1 - max mean probability, float32 [N]. */
    public static final String OUTPUT_UNCERTAINTY = "uncertainty";
    /** Output: feature attention mask, float32 [N, G]. */
    public static final String OUTPUT_MASK = "mask";
    /** Output: cell embedding, float32 [N, D]. */
    public static final String OUTPUT_EMBEDDING = "embedding";
    /** Output: per-member probabilities of an ensemble, float32 [N, M, C]. */
    public static final String OUTPUT_MEMBER_PROBABILITIES = "member_probabilities";
    /** Size-factor normalisation target inside the graph. */
    public static final float TARGET_SUM = 10_000f;
    /** ONNX opset every exporter pins. */
    public static final int OPSET = 17;
    public static final long IR_VERSION = 8;
    /** metadata_props key: the model's name. */
    public static final String META_MODEL_NAME = "cytolabel.model_name";
    /** metadata_props key: the model kind ("linear", "mlp", ...). */
    public static final String META_MODEL_KIND = "cytolabel.model_kind";
    /** metadata_props key: the preprocessing the graph applies, in words. */
    public static final String META_PREPROCESSING = "cytolabel.preprocessing";
    /** The value of {@link #META_PREPROCESSING} for the contract's preprocessing. */
    public static final String PREPROCESSING = "log1p(counts / max(sum(counts), 1) * 1e4)";

    private ArtifactContract() {
    }
}
