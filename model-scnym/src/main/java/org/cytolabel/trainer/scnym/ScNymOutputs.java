package org.cytolabel.trainer.scnym;

/** Output names scNym's export adds to the artifact contract's. */
public final class ScNymOutputs {
    /**
     * {@code float32 [N, G]}: per cell, the gradient of the predicted class's logit with respect to
     * the normalised input genes (see {@link ScNymExporter}).
     */
    public static final String SALIENCY = "saliency";

    private ScNymOutputs() {
    }
}
