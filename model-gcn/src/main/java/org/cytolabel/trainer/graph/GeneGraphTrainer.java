package org.cytolabel.trainer.graph;

import static org.cytolabel.trainer.train.Batches.argmax;
import static org.cytolabel.trainer.train.Batches.batchBounds;
import static org.cytolabel.trainer.train.Batches.densify;
import static org.cytolabel.trainer.train.Batches.shuffle;
import static org.cytolabel.trainer.train.Batches.weightedLoss;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.tracker.ParameterTracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.core.metrics.ClassificationReport;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.trainer.model.EngineLock;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.ClassWeights;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.LabeledMatrix;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * Trains a {@link GeneGraphNetwork}: class-weighted cross-entropy ({@code n / (C n_c)}), AdamW,
 * StepLR per epoch, early stopping on validation macro-F1 with the best epoch's weights restored
 * (the foundation's recipe). For "ae-fc" an autoencoder (the classifier's two hidden layers as
 * encoder, {@code hidden2 -> hidden1 -> G} decoder with ReLU, MSE on the log1p input) is first
 * trained on the training cells for {@code ae_epochs} and its encoder weights (Linear and
 * BatchNorm, running statistics included) initialise the classifier. Same data, config and seed
 * give the same model: the engine seed fixes initialisation and dropout, {@code Random(seed)} the
 * shuffles.
 */
final class GeneGraphTrainer {
    private static final int PREDICT_CHUNK = 256;

    private GeneGraphTrainer() {
    }

    static GeneGraphModel train(TrainingData data, GeneGraphConfig config, Map<String, String> hyperParameters,
            TrainingListener listener) {
        LabeledMatrix train = data.train();
        LabeledMatrix validation = data.validation();
        if (train.cells() < 2 || validation.cells() < 1) {
            throw CytoLabelException.invalid("training needs at least 2 training cells and 1 validation cell, got "
                    + train.cells() + " and " + validation.cells());
        }
        Map<String, String> notes = new LinkedHashMap<>();
        int panel = data.genes().size();
        int[] modelGenes = IntStream.range(0, panel).toArray();
        NeighbourBuckets buckets = null;
        int[] learned = null;
        if (config.gcn()) {
            GeneGraph graph = GeneGraph.load(config.graph(), data.genes(), config.diagonal(), config.normalization());
            GeneGraph.Stats s = graph.stats();
            notes.put("graph_source", s.source());
            notes.put("graph_panel_genes_covered", s.coveredGenes() + " of " + s.panelGenes());
            notes.put("graph_edges_kept", Integer.toString(s.keptEdges()));
            notes.put("graph_edges_dropped", Long.toString(s.droppedEdges()));
            notes.put("graph_unknown_genes_dropped", Integer.toString(s.unknownGenes()));
            if (config.coveredOnly()) {
                modelGenes = graph.coveredGenes();
                if (modelGenes.length < 2) {
                    throw CytoLabelException.invalid("covered_only: the graph covers " + modelGenes.length
                            + " of the panel's " + panel + " genes; use a graph whose gene symbols match the panel"
                            + " or covered_only=false");
                }
                graph = graph.restrict(modelGenes);
            }
            notes.put("model_genes", Integer.toString(modelGenes.length));
            if (config.usesPrior()) {
                buckets = NeighbourBuckets.of(graph);
                notes.put("prior_graph_slots", Long.toString(buckets.slots()));
                notes.put("prior_graph_bytes", Long.toString(buckets.exportBytes(config.nodeDim())));
            }
            if (config.usesLearned()) {
                learned = topVariance(train.counts(), modelGenes, config.learnedGenes());
                notes.put("learned_graph_genes", Integer.toString(learned.length));
                notes.put("learned_graph_bytes_per_256_cells", Long.toString(256L * learned.length * learned.length
                        * Float.BYTES));
            }
        }
        try (EngineLock lock = EngineLock.seeded(data.seed(), listener)) {
            Map<String, float[]> encoder = null;
            if (GeneGraphConfig.AE_FC.equals(config.kind())) {
                encoder = pretrainAutoencoder(train.counts(), config, data.seed(), listener, notes);
                lock.reseed(data.seed() + 1);
            }
            return fit(data, config, hyperParameters, listener, panel, modelGenes, buckets, learned, encoder, notes);
        }
    }

    private static GeneGraphModel fit(TrainingData data, GeneGraphConfig config, Map<String, String> hp,
            TrainingListener listener, int panel, int[] modelGenes, NeighbourBuckets buckets, int[] learned,
            Map<String, float[]> encoder, Map<String, String> notes) {
        LabeledMatrix train = data.train();
        LabeledMatrix validation = data.validation();
        int classes = train.numClasses();
        float[] classWeights = ClassWeights.balanced(train.labels(), classes);
        int[][] batches = batchBounds(train.cells(), config.batchSize());
        GeneGraphNetwork network = new GeneGraphNetwork(config, panel, modelGenes, classes, buckets, learned);
        Model model = Model.newInstance("cytolabel-" + config.kind(), Device.cpu(), EngineLock.ENGINE);
        try {
            model.setBlock(network);
            AdamW optimizer = AdamW.builder()
                    .optLearningRateTracker(stepPerEpoch(config.lr(), config.stepGamma(), batches.length))
                    .optWeightDecays(config.weightDecay())
                    .build();
            DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(new WeightedCrossEntropy())
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            List<EpochReport> history = new ArrayList<>();
            Map<Parameter, float[]> best = null;
            int bestEpoch = 0;
            double bestF1 = Double.NEGATIVE_INFINITY;
            try (Trainer trainer = model.newTrainer(djlConfig)) {
                trainer.initialize(new Shape(config.batchSize(), panel));
                if (encoder != null) {
                    loadEncoder(network, encoder);
                }
                Random shuffle = new Random(data.seed());
                int[] order = IntStream.range(0, train.cells()).toArray();
                for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                    shuffle(order, shuffle);
                    double trainLoss = trainEpoch(trainer, train, order, batches, classWeights, listener);
                    float[][] probs = predict(network, model.getNDManager(), validation.counts());
                    ClassificationReport report = Metrics.evaluate(validation.labels(), argmax(probs),
                            IntStream.range(0, classes).mapToObj(c -> "class_" + c).toList());
                    boolean isBest = report.macroF1() > bestF1;
                    if (isBest) {
                        bestF1 = report.macroF1();
                        bestEpoch = epoch;
                        best = network.snapshot();
                    }
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    if (config.gcn()) {
                        metrics.put("graph_residual_mean_abs", residualMeanAbs(network, model.getNDManager(),
                                validation.counts()));
                    }
                    if (notes.containsKey("ae_reconstruction_mse")) {
                        metrics.put("ae_reconstruction_mse", Double.parseDouble(notes.get("ae_reconstruction_mse")));
                    }
                    EpochReport r = new EpochReport(epoch, config.epochs(), trainLoss,
                            weightedLoss(probs, validation.labels(), classWeights), report.macroF1(),
                            report.accuracy(), isBest, metrics);
                    history.add(r);
                    listener.onEpoch(r);
                    if (epoch - bestEpoch >= config.patience()) {
                        break;
                    }
                }
            }
            network.restore(best);
            return new GeneGraphModel(model, network, config, bestEpoch, history, hp, notes);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    private static double trainEpoch(Trainer trainer, LabeledMatrix train, int[] order, int[][] batches,
            float[] classWeights, TrainingListener listener) {
        double lossSum = 0;
        int genes = train.genes();
        for (int[] b : batches) {
            checkCancelled(listener);
            int size = b[1] - b[0];
            try (NDManager batch = trainer.getManager().newSubManager()) {
                NDArray x = batch.create(densify(train.counts(), order, b[0], b[1]), new Shape(size, genes));
                NDArray target = batch.create(WeightedCrossEntropy.target(train.labels(), order, b[0], b[1],
                        classWeights), new Shape(size, classWeights.length));
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList logits = trainer.forward(new NDList(x));
                    NDArray loss = trainer.getLoss().evaluate(new NDList(target), logits);
                    collector.backward(loss);
                    lossSum += loss.getFloat() * size;
                }
                trainer.step();
            }
        }
        return lossSum / train.cells();
    }

    /** Eval-mode softmax probabilities for raw counts, a chunk at a time. */
    static float[][] predict(GeneGraphNetwork network, NDManager parent, CsrMatrix counts) {
        int classes = network.numClasses();
        float[][] out = new float[counts.rows()][];
        for (int from = 0; from < counts.rows(); from += PREDICT_CHUNK) {
            int to = Math.min(counts.rows(), from + PREDICT_CHUNK);
            try (NDManager m = parent.newSubManager()) {
                NDArray x = m.create(densify(counts, null, from, to), new Shape(to - from, counts.cols()));
                NDArray logits = network.forward(new ParameterStore(m, false), new NDList(x), false)
                        .singletonOrThrow();
                float[] flat = logits.softmax(1).toFloatArray();
                for (int r = from; r < to; r++) {
                    out[r] = Arrays.copyOfRange(flat, (r - from) * classes, (r - from + 1) * classes);
                }
            }
        }
        return out;
    }

    /** Mean |p| of the graph residual over up to 256 cells (eval mode). */
    private static double residualMeanAbs(GeneGraphNetwork network, NDManager parent, CsrMatrix counts) {
        int to = Math.min(counts.rows(), PREDICT_CHUNK);
        try (NDManager m = parent.newSubManager()) {
            NDArray x = m.create(densify(counts, null, 0, to), new Shape(to, counts.cols()));
            ParameterStore store = new ParameterStore(m, false);
            NDArray p = network.graphResidual(store, network.modelInput(x), false);
            return p.abs().mean().getFloat();
        }
    }

    private static Map<String, float[]> pretrainAutoencoder(CsrMatrix counts, GeneGraphConfig config, long seed,
            TrainingListener listener, Map<String, String> notes) {
        int genes = counts.cols();
        Linear fc1 = Linear.builder().setUnits(config.hidden1()).build();
        BatchNorm bn1 = BatchNorm.builder().optEpsilon(GeneGraphNetwork.BN_EPSILON)
                .optMomentum(GeneGraphNetwork.BN_MOMENTUM).build();
        Linear fc2 = Linear.builder().setUnits(config.hidden2()).build();
        BatchNorm bn2 = BatchNorm.builder().optEpsilon(GeneGraphNetwork.BN_EPSILON)
                .optMomentum(GeneGraphNetwork.BN_MOMENTUM).build();
        SequentialBlock ae = new SequentialBlock()
                .add(LambdaBlock.singleton(GeneGraphNetwork::normalize, "preprocess"))
                .add(fc1).add(bn1).add(Activation.reluBlock())
                .add(fc2).add(bn2).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(config.hidden1()).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(genes).build());
        int[][] batches = batchBounds(counts.rows(), config.batchSize());
        try (Model model = Model.newInstance("cytolabel-ae", Device.cpu(), EngineLock.ENGINE)) {
            model.setBlock(ae);
            AdamW optimizer = AdamW.builder()
                    .optLearningRateTracker(stepPerEpoch(config.aeLr(), config.stepGamma(), batches.length))
                    .optWeightDecays(config.weightDecay()).build();
            DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(new L2Loss("mse", 1f))
                    .optOptimizer(optimizer).optDevices(new Device[] {Device.cpu()});
            double mse = Double.NaN;
            try (Trainer trainer = model.newTrainer(djlConfig)) {
                trainer.initialize(new Shape(config.batchSize(), genes));
                Random shuffle = new Random(seed ^ 0x5DEECE66DL);
                int[] order = IntStream.range(0, counts.rows()).toArray();
                for (int epoch = 1; epoch <= config.aeEpochs(); epoch++) {
                    shuffle(order, shuffle);
                    double sum = 0;
                    for (int[] b : batches) {
                        checkCancelled(listener);
                        int size = b[1] - b[0];
                        try (NDManager batch = trainer.getManager().newSubManager()) {
                            NDArray x = batch.create(densify(counts, order, b[0], b[1]), new Shape(size, genes));
                            NDArray target = GeneGraphNetwork.normalize(x);
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDList out = trainer.forward(new NDList(x));
                                NDArray loss = trainer.getLoss().evaluate(new NDList(target), out);
                                collector.backward(loss);
                                sum += loss.getFloat() * size;
                            }
                            trainer.step();
                        }
                    }
                    mse = sum / counts.rows();
                }
            }
            notes.put("ae_epochs", Integer.toString(config.aeEpochs()));
            notes.put("ae_reconstruction_mse", String.format(Locale.ROOT, "%.5f", mse));
            Map<String, float[]> enc = new LinkedHashMap<>();
            put(enc, "fc1", fc1, bn1);
            put(enc, "fc2", fc2, bn2);
            return enc;
        }
    }

    private static void put(Map<String, float[]> enc, String p, Linear linear, BatchNorm norm) {
        linear.getParameters().forEach(e -> enc.put(p + "." + e.getKey(), e.getValue().getArray().toFloatArray()));
        norm.getParameters().forEach(e -> enc.put(p + ".bn." + e.getKey(), e.getValue().getArray().toFloatArray()));
    }

    private static void loadEncoder(GeneGraphNetwork network, Map<String, float[]> enc) {
        set(enc, "fc1", network.fc1, network.bn1);
        set(enc, "fc2", network.fc2, network.bn2);
    }

    private static void set(Map<String, float[]> enc, String p, Linear linear, BatchNorm norm) {
        linear.getParameters().forEach(e -> e.getValue().getArray().set(enc.get(p + "." + e.getKey())));
        norm.getParameters().forEach(e -> e.getValue().getArray().set(enc.get(p + ".bn." + e.getKey())));
    }

    /**
     * The {@code k} model genes (indices into {@code modelGenes}) with the highest variance of the
     * log-normalised expression over these cells, ascending; all when there are at most k.
     */
    static int[] topVariance(CsrMatrix counts, int[] modelGenes, int k) {
        int gm = modelGenes.length;
        if (gm <= k) {
            return IntStream.range(0, gm).toArray();
        }
        int panel = counts.cols();
        int[] position = new int[panel];
        Arrays.fill(position, -1);
        for (int i = 0; i < gm; i++) {
            position[modelGenes[i]] = i;
        }
        double[] sum = new double[gm];
        double[] sq = new double[gm];
        for (int r = 0; r < counts.rows(); r++) {
            double size = Math.max(1, counts.rowSum(r));
            for (int p = counts.indptr()[r]; p < counts.indptr()[r + 1]; p++) {
                int g = position[counts.indices()[p]];
                if (g >= 0) {
                    double v = Math.log1p(counts.values()[p] / size * 1e4);
                    sum[g] += v;
                    sq[g] += v * v;
                }
            }
        }
        int n = counts.rows();
        Integer[] idx = new Integer[gm];
        double[] var = new double[gm];
        for (int g = 0; g < gm; g++) {
            idx[g] = g;
            double mean = sum[g] / n;
            var[g] = sq[g] / n - mean * mean;
        }
        Arrays.sort(idx, (a, b) -> var[b] != var[a] ? Double.compare(var[b], var[a]) : Integer.compare(a, b));
        return Arrays.stream(idx, 0, k).mapToInt(Integer::intValue).sorted().toArray();
    }

    private static ParameterTracker stepPerEpoch(float lr, float gamma, int stepsPerEpoch) {
        return (parameterId, numUpdate) -> (float) (lr * Math.pow(gamma, (numUpdate - 1) / stepsPerEpoch));
    }

    private static void checkCancelled(TrainingListener listener) {
        if (listener.isCancelled()) {
            throw new CytoLabelException(ErrorKind.CANCELLED, "training was cancelled");
        }
    }

    /** Class-weighted softmax cross-entropy, PyTorch's "mean" reduction (as the foundation's). */
    static final class WeightedCrossEntropy extends Loss {
        WeightedCrossEntropy() {
            super("WeightedCrossEntropy");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray target = labels.singletonOrThrow();
            NDArray logProb = predictions.singletonOrThrow().logSoftmax(1);
            return logProb.mul(target).sum().neg().div(target.sum());
        }

        static float[] target(int[] labels, int[] order, int from, int to, float[] classWeights) {
            int c = classWeights.length;
            float[] t = new float[(to - from) * c];
            for (int i = from; i < to; i++) {
                int y = labels[order[i]];
                t[(i - from) * c + y] = classWeights[y];
            }
            return t;
        }
    }
}
