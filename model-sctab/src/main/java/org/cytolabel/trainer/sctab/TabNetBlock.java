package org.cytolabel.trainer.sctab;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * scTab's TabNet with one decision step, on log-normalised input {@code [N, G]}: input batch norm;
 * an initial feature transformer whose last n_a channels drive the attentive transformer
 * (FC n_a to G without bias, ghost batch norm, 1.5-entmax: the mask M); a second feature transformer
 * on {@code M * x}; ReLU of its first n_d channels, then a linear head (no bias) to the logits.
 * A feature transformer is {@code nShared} GLU layers whose FC weights both transformers share, then
 * {@code nIndependent} of its own; a GLU layer is FC (no bias) to {@code 2 (n_d + n_a)}, ghost batch
 * norm, GLU; every layer but the first adds its input back, {@code (h + glu) * sqrt(0.5)}.
 * Outputs: logits {@code [N, C]} and the mask {@code [N, G]}.
 */
final class TabNetBlock extends AbstractBlock {
    static final float SQRT_HALF = (float) Math.sqrt(0.5);

    /** One GLU layer: its FC (maybe shared), its own ghost batch norm, whether it is residual. */
    record GluLayer(Linear fc, GhostBatchNorm bn, boolean residual, int inputs) {
    }

    private final ScTabConfig config;
    private final int genes;
    private final int classes;
    private final int width;
    private final BatchNorm inputBn;
    private final List<Linear> shared = new ArrayList<>();
    private final List<GluLayer> splitter;
    private final List<GluLayer> step;
    private final Linear attentionFc;
    private final GhostBatchNorm attentionBn;
    private final Linear head;

    TabNetBlock(ScTabConfig config, int genes, int classes) {
        super((byte) 1);
        this.config = config;
        this.genes = genes;
        this.classes = classes;
        this.width = config.nD() + config.nA();
        this.inputBn = addChildBlock("input_bn", BatchNorm.builder().optEpsilon(GhostBatchNorm.EPSILON)
                .optMomentum(1f - config.bnMomentum()).build());
        for (int i = 0; i < config.nShared(); i++) {
            shared.add(addChildBlock("shared_fc" + i, Linear.builder().setUnits(2L * width).optBias(false).build()));
        }
        this.splitter = featureTransformer("splitter");
        this.step = featureTransformer("step");
        this.attentionFc = addChildBlock("attention_fc", Linear.builder().setUnits(genes).optBias(false).build());
        this.attentionBn = addChildBlock("attention_bn", new GhostBatchNorm(config.virtualBatch(), config.bnMomentum()));
        this.head = addChildBlock("head", Linear.builder().setUnits(classes).optBias(false).build());
    }

    private List<GluLayer> featureTransformer(String name) {
        List<GluLayer> layers = new ArrayList<>();
        int total = config.nShared() + config.nIndependent();
        for (int i = 0; i < total; i++) {
            Linear fc = i < config.nShared() ? shared.get(i)
                    : addChildBlock(name + "_fc" + i, Linear.builder().setUnits(2L * width).optBias(false).build());
            GhostBatchNorm bn = addChildBlock(name + "_bn" + i, new GhostBatchNorm(config.virtualBatch(),
                    config.bnMomentum()));
            layers.add(new GluLayer(fc, bn, i > 0, i == 0 ? genes : width));
        }
        return layers;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputBn.forward(store, inputs, training, params).singletonOrThrow();
        NDArray h = transform(store, splitter, x, training);
        NDArray att = h.get(":, " + config.nD() + ":");
        NDArray a = attentionBn.forward(store, attentionFc.forward(store, new NDList(att), training), training)
                .singletonOrThrow();
        NDArray mask = training ? Entmax15.withGradient(a, config.entmax()) : Entmax15.forward(a, config.entmax());
        NDArray out = transform(store, step, mask.mul(x), training);
        NDArray d = Activation.relu(out.get(":, 0:" + config.nD()));
        NDArray logits = head.forward(store, new NDList(d), training).singletonOrThrow();
        return new NDList(logits, mask);
    }

    private NDArray transform(ParameterStore store, List<GluLayer> layers, NDArray input, boolean training) {
        NDArray h = input;
        // a constant array, not mul(float): DJL's PyTorch engine frees a Number operand's buffer right
        // after the op although autograd keeps it for the backward pass (garbage gradients)
        NDArray sqrtHalf = input.getManager().create(SQRT_HALF);
        for (GluLayer layer : layers) {
            NDArray y = layer.bn().forward(store, layer.fc().forward(store, new NDList(h), training), training)
                    .singletonOrThrow();
            NDArray glu = y.get(":, 0:" + width).mul(Activation.sigmoid(y.get(":, " + width + ":")));
            h = layer.residual() ? h.add(glu).mul(sqrtHalf) : glu;
        }
        return h;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, classes), new Shape(n, genes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        inputBn.initialize(manager, dataType, new Shape(n, genes));
        for (int i = 0; i < shared.size(); i++) {
            shared.get(i).initialize(manager, dataType, new Shape(n, i == 0 ? genes : width));
        }
        for (List<GluLayer> ft : List.of(splitter, step)) {
            for (int i = 0; i < ft.size(); i++) {
                GluLayer layer = ft.get(i);
                if (i >= config.nShared()) {
                    layer.fc().initialize(manager, dataType, new Shape(n, layer.inputs()));
                }
                layer.bn().initialize(manager, dataType, new Shape(n, 2L * width));
            }
        }
        attentionFc.initialize(manager, dataType, new Shape(n, config.nA()));
        attentionBn.initialize(manager, dataType, new Shape(n, genes));
        head.initialize(manager, dataType, new Shape(n, config.nD()));
    }

    /** The weights as plain arrays, in export order. */
    TabNetWeights weights() {
        return new TabNetWeights(genes, classes, config.nD(), config.nA(), TabNetWeights.Norm.of(inputBn),
                export(splitter), export(step), TabNetWeights.Dense.of(attentionFc),
                TabNetWeights.Norm.of(attentionBn.norm()), TabNetWeights.Dense.of(head));
    }

    private static List<TabNetWeights.Glu> export(List<GluLayer> layers) {
        return layers.stream().map(l -> new TabNetWeights.Glu(TabNetWeights.Dense.of(l.fc()),
                TabNetWeights.Norm.of(l.bn().norm()), l.residual())).toList();
    }
}
