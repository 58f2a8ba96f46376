package org.cytolabel.trainer.train;

import java.util.List;
import org.cytolabel.core.error.CytoLabelException;

/**
 * A trained feed-forward classifier as plain arrays, everything an exporter needs. The network
 * applies the artifact contract's preprocessing to raw counts, then each layer in order:
 * {@code x W^T + b}, then batch norm (inference form) when present, then ReLU when set; then
 * softmax over the last layer's outputs. Dropout is a training-time op and is not recorded.
 *
 * @param modelKind  "linear" or "mlp"
 * @param numGenes   input width
 * @param numClasses output width
 * @param layers     the dense layers, input side first
 */
public record ClassifierWeights(String modelKind, int numGenes, int numClasses, List<DenseLayer> layers) {

    public ClassifierWeights {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw CytoLabelException.invalid("a classifier needs at least one layer");
        }
        int width = numGenes;
        for (int i = 0; i < layers.size(); i++) {
            DenseLayer l = layers.get(i);
            if (l.inputs() != width) {
                throw CytoLabelException.invalid("layer " + i + " takes " + l.inputs()
                        + " inputs but the previous width is " + width);
            }
            width = l.outputs();
        }
        if (width != numClasses) {
            throw CytoLabelException.invalid("the last layer has " + width + " outputs for "
                    + numClasses + " classes");
        }
    }

    /**
     * One dense layer.
     *
     * @param weight    {@code [outputs][inputs]} row-major (PyTorch's Linear layout)
     * @param bias      {@code [outputs]}
     * @param batchNorm batch norm after the affine map, or null
     * @param relu      whether ReLU follows
     */
    public record DenseLayer(int inputs, int outputs, float[] weight, float[] bias, BatchNorm batchNorm,
            boolean relu) {

        public DenseLayer {
            if (weight.length != (long) inputs * outputs || bias.length != outputs) {
                throw CytoLabelException.invalid("dense layer " + inputs + " -> " + outputs + " has "
                        + weight.length + " weights and " + bias.length + " biases");
            }
            if (batchNorm != null && batchNorm.gamma().length != outputs) {
                throw CytoLabelException.invalid("batch norm of width " + batchNorm.gamma().length
                        + " after a layer of " + outputs + " outputs");
            }
        }
    }

    /**
     * Inference-mode batch norm: {@code (x - mean) / sqrt(variance + epsilon) * gamma + beta}.
     */
    public record BatchNorm(float[] gamma, float[] beta, float[] mean, float[] variance, float epsilon) {

        public BatchNorm {
            int n = gamma.length;
            if (beta.length != n || mean.length != n || variance.length != n) {
                throw CytoLabelException.invalid("batch norm parameters differ in length");
            }
        }
    }
}
