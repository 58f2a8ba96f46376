package org.cytolabel.trainer.sctab;

import static org.cytolabel.trainer.train.Batches.argmax;
import static org.cytolabel.trainer.train.Batches.batchBounds;
import static org.cytolabel.trainer.train.Batches.shuffle;
import static org.cytolabel.trainer.train.Batches.weightedLoss;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.tracker.ParameterTracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.cytolabel.trainer.train.TrainingListener;

/**
 * Trains one scTab TabNet: class-weighted cross-entropy ({@code n / (C n_c)}) plus
 * {@code lambda_sparse} times the mean mask entropy, AdamW, StepLR per epoch, gradient-norm
 * clipping, optional donor augmentation, and the best epoch by validation macro-F1 restored.
 * Callers hold the {@link EngineLock} and seed it; shuffles and augmentation draw from
 * {@code java.util.Random(seed)}.
 */
final class ScTabTrainer {
    static final float ENTROPY_EPSILON = 1e-15f;

    private ScTabTrainer() {
    }

    static ScTabMember train(TrainingData data, ScTabConfig config, long seed, DonorAugmentation augmentation,
            String memberTag, TrainingListener listener) {
        CsrMatrix counts = data.train().counts();
        int[] labels = data.train().labels();
        int genes = counts.cols();
        int classes = data.train().numClasses();
        float[] classWeights = ClassWeights.balanced(labels, classes);
        int[][] batches = batchBounds(counts.rows(), config.batchSize());
        TabNetBlock block = new TabNetBlock(config, genes, classes);
        Model model = Model.newInstance("cytolabel-sctab", Device.cpu(), EngineLock.ENGINE);
        try {
            model.setBlock(block);
            AdamW optimizer = AdamW.builder().optLearningRateTracker(stepPerEpoch(config, batches.length))
                    .optWeightDecays(config.weightDecay()).build();
            DefaultTrainingConfig djl = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            List<EpochReport> history = new ArrayList<>();
            Map<Parameter, float[]> best = null;
            int bestEpoch = 0;
            double bestF1 = Double.NEGATIVE_INFINITY;
            try (Trainer trainer = model.newTrainer(djl)) {
                trainer.initialize(new Shape(Math.min(config.batchSize(), counts.rows()), genes));
                Random rnd = new Random(seed);
                int[] order = IntStream.range(0, counts.rows()).toArray();
                for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                    shuffle(order, rnd);
                    double[] sums = new double[4]; // loss, ce, entropy, pre-clip grad norm (per batch)
                    for (int[] b : batches) {
                        if (listener.isCancelled()) {
                            throw new CytoLabelException(ErrorKind.CANCELLED, "training was cancelled");
                        }
                        step(trainer, block, counts, labels, order, b, classWeights, config, augmentation, rnd, sums);
                    }
                    ScTabPrediction val = ScTabMember.predict(model.getNDManager(), block, genes,
                            data.validation().counts());
                    ClassificationReport report = Metrics.evaluate(data.validation().labels(),
                            argmax(val.probabilities()), data.classNames());
                    boolean isBest = report.macroF1() > bestF1;
                    if (isBest) {
                        bestF1 = report.macroF1();
                        bestEpoch = epoch;
                        best = snapshot(block);
                    }
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    metrics.put("cross_entropy", sums[1] / batches.length);
                    metrics.put("mask_entropy", sums[2] / batches.length);
                    metrics.put("grad_norm", sums[3] / batches.length);
                    metrics.put("validation_mask_genes", meanSupport(val.masks()));
                    if (!memberTag.isEmpty()) {
                        metrics.put("member", Double.parseDouble(memberTag));
                    }
                    EpochReport r = new EpochReport(epoch, config.epochs(), sums[0] / batches.length,
                            weightedLoss(val.probabilities(), data.validation().labels(), classWeights),
                            report.macroF1(), report.accuracy(), isBest, metrics);
                    history.add(r);
                    listener.onEpoch(r);
                    if (epoch - bestEpoch >= config.patience()) {
                        break;
                    }
                }
            }
            restore(best);
            return new ScTabMember(model, block, genes, bestEpoch, history);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    private static void step(Trainer trainer, TabNetBlock block, CsrMatrix counts, int[] labels, int[] order, int[] b,
            float[] classWeights, ScTabConfig config, DonorAugmentation augmentation, Random rnd, double[] sums) {
        int size = b[1] - b[0];
        int genes = counts.cols();
        int classes = classWeights.length;
        try (NDManager m = trainer.getManager().newSubManager()) {
            float[] dense = new float[size * genes];
            float[] target = new float[size * classes];
            for (int i = b[0]; i < b[1]; i++) {
                counts.scatterRow(order[i], dense, (i - b[0]) * genes);
                int y = labels[order[i]];
                target[(i - b[0]) * classes + y] = classWeights[y];
            }
            NDArray x = ScTabMember.normalize(m.create(dense, new Shape(size, genes)));
            if (config.augment() && augmentation != null && !augmentation.isEmpty()) {
                NDArray shift = m.create(augmentation.shifts(size, genes, config.augmentProbability(), rnd),
                        new Shape(size, genes));
                x = x.add(shift).clip(DonorAugmentation.LOW, DonorAugmentation.HIGH);
            }
            NDArray t = m.create(target, new Shape(size, classes));
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList out = trainer.forward(new NDList(x));
                NDArray ce = out.get(0).logSoftmax(1).mul(t).sum().neg().div(t.sum());
                NDArray mask = out.get(1);
                // constants as arrays of this batch's manager: see TabNetBlock#transform
                NDArray entropy = mask.mul(mask.add(m.create(ENTROPY_EPSILON)).log()).sum(new int[] {1}).mean().neg();
                NDArray loss = ce.add(entropy.mul(m.create(config.lambdaSparse())));
                collector.backward(loss);
                sums[0] += loss.getFloat();
                sums[1] += ce.getFloat();
                sums[2] += entropy.getFloat();
            }
            sums[3] += clipGradients(block, config.clipNorm());
            trainer.step();
        }
    }

    /** Scales every gradient so their joint L2 norm is at most {@code maxNorm}; returns the norm before. */
    static double clipGradients(ai.djl.nn.Block block, float maxNorm) {
        double sq = 0;
        List<NDArray> grads = new ArrayList<>();
        for (var p : block.getParameters()) {
            NDArray arr = p.getValue().getArray();
            if (arr.hasGradient()) {
                NDArray g = arr.getGradient();
                grads.add(g);
                sq += g.square().sum().getFloat();
            }
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (NDArray g : grads) {
                g.muli(scale);
            }
        }
        return norm;
    }

    private static ParameterTracker stepPerEpoch(ScTabConfig config, int stepsPerEpoch) {
        float lr = config.learningRate();
        double gamma = config.stepGamma();
        return (parameterId, numUpdate) -> (float) (lr * Math.pow(gamma, (numUpdate - 1) / stepsPerEpoch));
    }

    private static Map<Parameter, float[]> snapshot(TabNetBlock block) {
        Map<Parameter, float[]> copy = new LinkedHashMap<>();
        for (var p : block.getParameters()) {
            copy.put(p.getValue(), p.getValue().getArray().toFloatArray());
        }
        return copy;
    }

    private static void restore(Map<Parameter, float[]> snapshot) {
        snapshot.forEach((p, values) -> p.getArray().set(values));
    }

    static double meanSupport(float[][] masks) {
        long nonZero = 0;
        for (float[] m : masks) {
            for (float v : m) {
                if (v != 0f) {
                    nonZero++;
                }
            }
        }
        return masks.length == 0 ? 0 : (double) nonZero / masks.length;
    }
}
