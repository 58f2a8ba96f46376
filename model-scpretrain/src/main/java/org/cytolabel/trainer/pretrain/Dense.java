package org.cytolabel.trainer.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import java.util.Random;

/**
 * A fully connected layer as two trainable NDArrays, {@code y = x W + b} with W stored
 * {@code [in, out]} (so the product needs no transpose and every intermediate belongs to the
 * input's manager). Initialised like PyTorch's {@code nn.Linear}: uniform in
 * {@code ±1/sqrt(in)}, drawn from a {@code java.util.Random} so a seed fixes it on any engine.
 */
final class Dense {
    final String id;
    final int inputs;
    final int outputs;
    final NDArray weight;
    final NDArray bias;

    private Dense(String id, NDManager manager, int inputs, int outputs, float[] w, float[] b) {
        this.id = id;
        this.inputs = inputs;
        this.outputs = outputs;
        this.weight = manager.create(w, new Shape(inputs, outputs));
        this.bias = manager.create(b, new Shape(outputs));
        weight.setRequiresGradient(true);
        bias.setRequiresGradient(true);
    }

    static Dense random(String id, NDManager manager, int inputs, int outputs, Random rnd) {
        float bound = (float) (1 / Math.sqrt(inputs));
        float[] w = new float[inputs * outputs];
        for (int i = 0; i < w.length; i++) {
            w[i] = (rnd.nextFloat() * 2 - 1) * bound;
        }
        float[] b = new float[outputs];
        for (int i = 0; i < b.length; i++) {
            b[i] = (rnd.nextFloat() * 2 - 1) * bound;
        }
        return new Dense(id, manager, inputs, outputs, w, b);
    }

    static Dense of(String id, NDManager manager, int inputs, int outputs, float[] w, float[] b) {
        return new Dense(id, manager, inputs, outputs, w, b);
    }

    NDArray forward(NDArray x) {
        return x.matMul(weight).add(bias);
    }

    /** One optimizer step on both arrays with their accumulated gradients, then zeroes the gradients. */
    void step(Optimizer optimizer) {
        update(optimizer, id + ".weight", weight);
        update(optimizer, id + ".bias", bias);
    }

    private static void update(Optimizer optimizer, String name, NDArray array) {
        try (NDArray grad = array.getGradient()) {
            optimizer.update(name, array, grad);
            grad.subi(grad);
        }
    }

    float[] weightValues() {
        return weight.toFloatArray();
    }

    float[] biasValues() {
        return bias.toFloatArray();
    }

    void set(float[] w, float[] b) {
        weight.set(w);
        bias.set(b);
    }

    void close() {
        weight.close();
        bias.close();
    }
}
