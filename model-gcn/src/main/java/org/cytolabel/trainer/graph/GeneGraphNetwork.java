package org.cytolabel.trainer.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.onnx.ArtifactContract;

/**
 * The DJL block of the "fc", "ae-fc" and "gcn" classifiers. Input raw counts {@code [N, G]}; the
 * contract's {@code log1p(counts / max(rowSum, 1) * 1e4)} over the whole panel; optionally only
 * the model genes ({@code covered_only}: those the prior graph covers, {@code G_m} of them); for
 * "gcn" the gene-graph residual below; then the classifier {@code G_m -> hidden1 -> hidden2 -> C}
 * (Linear, BatchNorm, ReLU, Dropout per hidden layer, a Linear head).
 *
 * <p>Gene-graph residual, per cell with normalised expression {@code x}: each gene is a node with
 * {@code d = node_dim} features {@code Z_g = x_g e_g + b_g} ({@code e, b} learned per gene; b
 * optional); one GCN layer {@code H = ReLU((A_prior Z + A_learned Z) W)} with {@code W [d, d]};
 * pooled to one value per gene {@code p_g = H_g u + c} ({@code u} starts at zero, so training
 * starts from the plain classifier); the classifier reads {@code x + p}.
 * <ul>
 * <li>Prior graph (graph_mode prior|both): sparse, never dense. Because {@code Z} is linear in
 * {@code x}, {@code (A Z)_i = sum_j A_ij x_j e_j + sum_j A_ij b_j}: the product gathers scalars
 * {@code x_j} by the degree-bucketed neighbour tables of {@link NeighbourBuckets} into
 * {@code [rows, N, width]} and multiplies by per-slot coefficients {@code A_ij e_j}
 * ({@code [rows, width, d]}) in a batched MatMul. Memory: {@code N x slots} floats per batch, with
 * slots at most twice the edges plus one per gene; the weights are the bucket tables.</li>
 * <li>Learned graph (graph_mode learned|both): the embedded dot-product graph
 * {@code softmax_j(theta(Z_i)^T phi(Z_j) / sqrt(d_k))} per cell, over the {@code learned_genes}
 * model genes with the highest variance of log-normalised training expression (K of them; all
 * model genes when there are fewer). It costs {@code N x K x K} floats per batch (K = 256, batch
 * 256: 64 MiB), independent of the panel size; genes outside the K get no learned message.</li>
 * </ul>
 */
final class GeneGraphNetwork extends AbstractBlock {
    static final float BN_EPSILON = 1e-5f;
    /** DJL's momentum (PyTorch's 0.1). */
    static final float BN_MOMENTUM = 0.9f;

    private final int panelGenes;
    private final int[] modelGenes;
    private final int numClasses;
    private final GeneGraphConfig config;
    private final NeighbourBuckets buckets;
    private final int[] learnedGenes;
    private final int[] learnedMap;

    final Linear fc1;
    final BatchNorm bn1;
    final Linear fc2;
    final BatchNorm bn2;
    final Linear head;
    private final Dropout drop1;
    private final Dropout drop2;

    final Parameter embedding;
    final Parameter nodeBias;
    final Parameter gcnWeight;
    final Parameter poolWeight;
    final Parameter poolBias;
    final Parameter theta;
    final Parameter phi;

    /**
     * @param panelGenes   width of the raw-count input
     * @param modelGenes   panel columns the model reads (all, or the graph-covered ones), ascending
     * @param buckets      the prior graph on the model genes, or null
     * @param learnedGenes model-gene indices (into {@code modelGenes}) of the learned graph's nodes, or null
     */
    GeneGraphNetwork(GeneGraphConfig config, int panelGenes, int[] modelGenes, int numClasses,
            NeighbourBuckets buckets, int[] learnedGenes) {
        this.config = config;
        this.panelGenes = panelGenes;
        this.modelGenes = modelGenes.clone();
        this.numClasses = numClasses;
        this.buckets = buckets;
        this.learnedGenes = learnedGenes == null ? null : learnedGenes.clone();
        int gm = modelGenes.length;
        if (learnedGenes != null) {
            learnedMap = new int[gm];
            java.util.Arrays.fill(learnedMap, learnedGenes.length);
            for (int k = 0; k < learnedGenes.length; k++) {
                learnedMap[learnedGenes[k]] = k;
            }
        } else {
            learnedMap = null;
        }
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(config.hidden1()).build());
        bn1 = addChildBlock("bn1", BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(BN_MOMENTUM).build());
        drop1 = addChildBlock("drop1", Dropout.builder().optRate(config.dropout()).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(config.hidden2()).build());
        bn2 = addChildBlock("bn2", BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(BN_MOMENTUM).build());
        drop2 = addChildBlock("drop2", Dropout.builder().optRate(config.dropout()).build());
        head = addChildBlock("head", Linear.builder().setUnits(numClasses).build());
        if (config.gcn()) {
            int d = config.nodeDim();
            float wScale = (float) (1 / Math.sqrt(d));
            embedding = addParameter(param("gene_embedding", new Shape(gm, d), new NormalInitializer(0.1f)));
            nodeBias = config.nodeBias()
                    ? addParameter(param("node_bias", new Shape(gm, d), new ConstantInitializer(0f))) : null;
            gcnWeight = addParameter(param("gcn_weight", new Shape(d, d), new NormalInitializer(wScale)));
            poolWeight = addParameter(param("pool_weight", new Shape(d, 1), new ConstantInitializer(0f)));
            poolBias = addParameter(param("pool_bias", new Shape(1), new ConstantInitializer(0f)));
            if (config.usesLearned()) {
                int dk = config.keyDim();
                theta = addParameter(param("theta", new Shape(d, dk), new NormalInitializer(wScale)));
                phi = addParameter(param("phi", new Shape(d, dk), new NormalInitializer(wScale)));
            } else {
                theta = null;
                phi = null;
            }
        } else {
            embedding = null;
            nodeBias = null;
            gcnWeight = null;
            poolWeight = null;
            poolBias = null;
            theta = null;
            phi = null;
        }
    }

    private static Parameter param(String name, Shape shape, ai.djl.training.initializer.Initializer init) {
        return Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape)
                .optInitializer(init).build();
    }

    int panelGenes() {
        return panelGenes;
    }

    int[] modelGenes() {
        return modelGenes.clone();
    }

    boolean allGenes() {
        return modelGenes.length == panelGenes;
    }

    int numClasses() {
        return numClasses;
    }

    GeneGraphConfig config() {
        return config;
    }

    NeighbourBuckets buckets() {
        return buckets;
    }

    int[] learnedGenes() {
        return learnedGenes == null ? null : learnedGenes.clone();
    }

    int[] learnedMap() {
        return learnedMap == null ? null : learnedMap.clone();
    }

    /** {@code log(counts / max(rowSum, 1) * 1e4 + 1)}, step for step as the ONNX graph does it. */
    static NDArray normalize(NDArray counts) {
        NDArray size = counts.sum(new int[] {1}, true).maximum(1f);
        return counts.div(size).mul(ArtifactContract.TARGET_SUM).add(1f).log();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = modelInput(inputs.singletonOrThrow());
        if (config.gcn()) {
            x = x.add(graphResidual(store, x, training));
        }
        return classify(store, x, training);
    }

    /** The normalised input restricted to the model genes, {@code [N, G_m]}. */
    NDArray modelInput(NDArray counts) {
        NDArray x = normalize(counts);
        if (!allGenes()) {
            x = x.get(new NDIndex(":, {}", longs(x.getManager(), modelGenes)));
        }
        return x;
    }

    NDList classify(ParameterStore store, NDArray x, boolean training) {
        NDArray h = fc1.forward(store, new NDList(x), training).singletonOrThrow();
        h = bn1.forward(store, new NDList(h), training).singletonOrThrow();
        h = Activation.relu(h);
        h = drop1.forward(store, new NDList(h), training).singletonOrThrow();
        h = fc2.forward(store, new NDList(h), training).singletonOrThrow();
        h = bn2.forward(store, new NDList(h), training).singletonOrThrow();
        h = Activation.relu(h);
        h = drop2.forward(store, new NDList(h), training).singletonOrThrow();
        return head.forward(store, new NDList(h), training);
    }

    /** The per-gene residual {@code p [N, G_m]} added to the normalised input. */
    NDArray graphResidual(ParameterStore store, NDArray x, boolean training) {
        NDManager m = x.getManager();
        var device = x.getDevice();
        NDArray e = store.getValue(embedding, device, training);
        NDArray b = nodeBias == null ? null : store.getValue(nodeBias, device, training);
        long n = x.getShape().get(0);
        int d = config.nodeDim();
        NDArray messages = null; // [G_m, N, d]
        if (buckets != null) {
            NDArray xt = x.transpose(); // [G_m, N]
            List<NDArray> parts = new ArrayList<>();
            for (NeighbourBuckets.Bucket bucket : buckets.buckets()) {
                int rows = bucket.rows().length;
                int width = bucket.width();
                NDArray idx = longs(m, bucket.neighbours());
                NDArray w = m.create(bucket.weights(), new Shape(rows, width, 1));
                NDArray gathered = xt.get(new NDIndex("{}", idx)).reshape(rows, width, n).transpose(0, 2, 1);
                NDArray coef = e.get(new NDIndex("{}", idx)).reshape(rows, width, d).mul(w);
                NDArray part = gathered.matMul(coef); // [rows, N, d]
                if (b != null) {
                    NDArray biasTerm = b.get(new NDIndex("{}", idx)).reshape(rows, width, d).mul(w)
                            .sum(new int[] {1}, true); // [rows, 1, d]
                    part = part.add(biasTerm);
                }
                parts.add(part);
            }
            NDArray all = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
            messages = all.get(new NDIndex("{}", longs(m, buckets.positions())));
        }
        if (learnedGenes != null) {
            NDArray tw = store.getValue(theta, device, training);
            NDArray pw = store.getValue(phi, device, training);
            NDArray sIdx = longs(m, learnedGenes);
            NDArray z = x.get(new NDIndex(":, {}", sIdx)).expandDims(2).mul(e.get(new NDIndex("{}", sIdx)));
            if (b != null) {
                z = z.add(b.get(new NDIndex("{}", sIdx)));
            }
            NDArray scores = z.matMul(tw).matMul(z.matMul(pw).transpose(0, 2, 1))
                    .div(m.create((float) Math.sqrt(config.keyDim()))); // an array kept for backward, not div(Number)
            NDArray learned = scores.softmax(2).matMul(z).transpose(1, 0, 2); // [K, N, d]
            NDArray padded = learned.concat(m.zeros(new Shape(1, n, d)), 0);
            NDArray placed = padded.get(new NDIndex("{}", longs(m, learnedMap)));
            messages = messages == null ? placed : messages.add(placed);
        }
        NDArray h = Activation.relu(messages.matMul(store.getValue(gcnWeight, device, training))); // [G_m, N, d]
        NDArray pooled = h.matMul(store.getValue(poolWeight, device, training)).squeeze(2).transpose(); // [N, G_m]
        return pooled.add(store.getValue(poolBias, device, training));
    }

    private static NDArray longs(NDManager m, int[] values) {
        long[] l = new long[values.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = values[i];
        }
        return m.create(l);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        fc1.initialize(manager, dataType, new Shape(n, modelGenes.length));
        bn1.initialize(manager, dataType, new Shape(n, config.hidden1()));
        drop1.initialize(manager, dataType, new Shape(n, config.hidden1()));
        fc2.initialize(manager, dataType, new Shape(n, config.hidden1()));
        bn2.initialize(manager, dataType, new Shape(n, config.hidden2()));
        drop2.initialize(manager, dataType, new Shape(n, config.hidden2()));
        head.initialize(manager, dataType, new Shape(n, config.hidden2()));
    }

    /** Copies of every parameter (weights, biases, batch-norm scale, shift and running stats). */
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

    static float[] values(Parameter p) {
        return p.getArray().toFloatArray();
    }
}
