package org.cytolabel.trainer.scnym;

import java.util.List;

/**
 * A trained scNym classifier in eval mode as plain arrays (PyTorch layout, {@code [out, in]}
 * row-major weights), with the fitted softmax temperature: everything the ONNX export needs.
 *
 * @param layers      the hidden layers in order: Linear then BatchNorm (ReLU follows each)
 * @param headWeight  {@code [classes, hidden]}
 * @param temperature the softmax temperature (1 when not calibrated)
 */
public record ScNymWeights(int genes, int hidden, int classes, List<Layer> layers, float[] headWeight,
        float[] headBias, float bnEpsilon, double temperature) {

    public ScNymWeights {
        layers = List.copyOf(layers);
    }

    /** One hidden layer: Linear weight {@code [out, in]} and bias, BatchNorm scale, shift and running stats. */
    public record Layer(float[] weight, float[] bias, float[] gamma, float[] beta, float[] mean, float[] variance) {

        public int outputs() {
            return bias.length;
        }

        public int inputs() {
            return weight.length / bias.length;
        }

        /** The eval-mode batch norm's slope per unit, {@code gamma / sqrt(var + eps)}: its derivative. */
        public float[] slope(float epsilon) {
            float[] s = new float[gamma.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) (gamma[i] / Math.sqrt((double) (variance[i] + epsilon)));
            }
            return s;
        }
    }
}
