package org.cytolabel.trainer.scnym;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * scNym's network on normalised input (log1p CPM): an encoder of two hidden layers
 * (Linear, BatchNorm, ReLU, Dropout), a linear classification head, and the domain adversary
 * (Linear(hidden, 256), ReLU, Linear(256, domains)) behind a {@link GradientReversal} on the
 * encoder's output.
 *
 * <p>One training forward takes several inputs so the DJL {@code Trainer} sees every parameter it
 * must update: the first {@link #setPlan classified} inputs give logits, a last adversary input
 * gives domain logits. Eval-mode helpers ({@link #embed}, {@link #logits}, {@link #domainLogits})
 * serve prediction.
 */
final class ScNymBlock extends AbstractBlock {
    static final float BN_EPSILON = 1e-5f;
    /** DJL's momentum (PyTorch's 0.1). */
    static final float BN_MOMENTUM = 0.9f;
    static final int ADVERSARY_HIDDEN = 256;
    static final int LAYERS = 2;

    private final List<Linear> linears = new ArrayList<>();
    private final List<BatchNorm> norms = new ArrayList<>();
    private final List<Dropout> dropouts = new ArrayList<>();
    private final Linear head;
    private final Linear adversaryHidden;
    private final Linear adversaryOut;
    private final int genes;
    private final int hidden;
    private final int classes;
    private final int domains;

    private int classifiedInputs = 1;
    private boolean adversaryInput;
    private boolean probeOnly;
    private float reversalWeight;

    ScNymBlock(int genes, int hidden, int classes, int domains, float dropout) {
        this.genes = genes;
        this.hidden = hidden;
        this.classes = classes;
        this.domains = domains;
        for (int i = 0; i < LAYERS; i++) {
            linears.add(addChildBlock("linear" + i, Linear.builder().setUnits(hidden).build()));
            norms.add(addChildBlock("norm" + i, BatchNorm.builder().optEpsilon(BN_EPSILON)
                    .optMomentum(BN_MOMENTUM).build()));
            dropouts.add(addChildBlock("dropout" + i, Dropout.builder().optRate(dropout).build()));
        }
        head = addChildBlock("head", Linear.builder().setUnits(classes).build());
        adversaryHidden = addChildBlock("adversary0", Linear.builder().setUnits(ADVERSARY_HIDDEN).build());
        adversaryOut = addChildBlock("adversary1", Linear.builder().setUnits(Math.max(2, domains)).build());
    }

    /**
     * What the next training forward does: logits for the first {@code classified} inputs; domain
     * logits for one more input when {@code adversary}, through a gradient reversal of
     * {@code weight}; with {@code probe}, the adversary reads eval-mode, detached embeddings so it
     * trains as a probe without touching the encoder or its batch-norm statistics.
     */
    void setPlan(int classified, boolean adversary, float weight, boolean probe) {
        this.classifiedInputs = classified;
        this.adversaryInput = adversary;
        this.reversalWeight = weight;
        this.probeOnly = probe;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList out = new NDList();
        for (int i = 0; i < classifiedInputs; i++) {
            out.add(logits(ps, embed(ps, inputs.get(i), training), training));
        }
        if (adversaryInput) {
            NDArray x = inputs.get(classifiedInputs);
            NDArray e = probeOnly ? embed(ps, x, false).stopGradient() : embed(ps, x, training);
            out.add(domainLogits(ps, GradientReversal.apply(e, reversalWeight), training));
        }
        return out;
    }

    /** The encoder's output (the scNym embedding) for normalised input. */
    NDArray embed(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = x;
        for (int i = 0; i < LAYERS; i++) {
            h = linears.get(i).forward(ps, new NDList(h), training).singletonOrThrow();
            h = norms.get(i).forward(ps, new NDList(h), training).singletonOrThrow();
            h = Activation.relu(h);
            h = dropouts.get(i).forward(ps, new NDList(h), training).singletonOrThrow();
        }
        return h;
    }

    NDArray logits(ParameterStore ps, NDArray embedding, boolean training) {
        return head.forward(ps, new NDList(embedding), training).singletonOrThrow();
    }

    NDArray domainLogits(ParameterStore ps, NDArray embedding, boolean training) {
        NDArray h = adversaryHidden.forward(ps, new NDList(embedding), training).singletonOrThrow();
        return adversaryOut.forward(ps, new NDList(Activation.relu(h)), training).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = new Shape(2, genes);
        for (int i = 0; i < LAYERS; i++) {
            linears.get(i).initialize(manager, dataType, s);
            s = linears.get(i).getOutputShapes(new Shape[] {s})[0];
            norms.get(i).initialize(manager, dataType, s);
            dropouts.get(i).initialize(manager, dataType, s);
        }
        head.initialize(manager, dataType, s);
        adversaryHidden.initialize(manager, dataType, s);
        adversaryOut.initialize(manager, dataType, new Shape(2, ADVERSARY_HIDDEN));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[inputShapes.length];
        for (int i = 0; i < inputShapes.length; i++) {
            out[i] = new Shape(inputShapes[i].get(0), i < classifiedInputs ? classes : Math.max(2, domains));
        }
        return out;
    }

    int genes() {
        return genes;
    }

    int classes() {
        return classes;
    }

    int hidden() {
        return hidden;
    }

    /** Copies of every parameter (encoder, head, adversary, batch-norm running statistics). */
    Map<Parameter, float[]> snapshot() {
        Map<Parameter, float[]> copy = new LinkedHashMap<>();
        for (var p : getParameters()) {
            copy.put(p.getValue(), p.getValue().getArray().toFloatArray());
        }
        return copy;
    }

    void restore(Map<Parameter, float[]> snapshot) {
        snapshot.forEach((p, values) -> p.getArray().set(values));
    }

    /** The eval-mode classifier as plain arrays, for export and the analytic saliency. */
    ScNymWeights weights(double temperature) {
        List<ScNymWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < LAYERS; i++) {
            var lp = linears.get(i).getParameters();
            var np = norms.get(i).getParameters();
            layers.add(new ScNymWeights.Layer(lp.get("weight").getArray().toFloatArray(),
                    lp.get("bias").getArray().toFloatArray(), np.get("gamma").getArray().toFloatArray(),
                    np.get("beta").getArray().toFloatArray(), np.get("runningMean").getArray().toFloatArray(),
                    np.get("runningVar").getArray().toFloatArray()));
        }
        var hp = head.getParameters();
        return new ScNymWeights(genes, hidden, classes, layers, hp.get("weight").getArray().toFloatArray(),
                hp.get("bias").getArray().toFloatArray(), BN_EPSILON, temperature);
    }
}
