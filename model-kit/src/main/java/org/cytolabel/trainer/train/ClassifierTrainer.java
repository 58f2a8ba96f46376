package org.cytolabel.trainer.train;

import static org.cytolabel.trainer.train.Batches.batchBounds;
import static org.cytolabel.trainer.train.Batches.weightedLoss;
import static org.cytolabel.trainer.train.Batches.argmax;
import static org.cytolabel.trainer.train.Batches.shuffle;

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
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.tracker.ParameterTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.core.metrics.ClassificationReport;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.trainer.model.EngineLock;

/**
 * Trains a linear or MLP cell-type classifier with DJL's PyTorch engine: class-weighted
 * cross-entropy ({@code n / (C * n_c)}), AdamW, StepLR per epoch, early stopping on validation
 * macro-F1 with the best epoch's weights restored. Same data, config and seed give the same model:
 * the engine seed fixes initialisation and dropout, {@code java.util.Random(seed)} the shuffles,
 * and one training runs at a time per JVM so no other run draws from the engine's generator.
 */
public final class ClassifierTrainer {
    private static final String ENGINE = EngineLock.ENGINE;

    private ClassifierTrainer() {
    }

    public static TrainedClassifier train(LabeledMatrix train, LabeledMatrix validation, TrainingConfig config,
            TrainingListener listener) {
        check(train, validation);
        try (EngineLock lock = EngineLock.seeded(config.seed(), listener)) {
            return run(train, validation, config, listener);
        }
    }

    private static TrainedClassifier run(LabeledMatrix train, LabeledMatrix validation, TrainingConfig config,
            TrainingListener listener) {
        int genes = train.genes();
        int classes = train.numClasses();
        float[] classWeights = ClassWeights.balanced(train.labels(), classes);
        int[][] batches = batchBounds(train.cells(), config.batchSize());
        ClassifierNetwork network = new ClassifierNetwork(config, genes, classes);
        Model model = Model.newInstance("cytolabel-" + config.modelKind(), Device.cpu(), ENGINE);
        try {
            model.setBlock(network.block());
            AdamW optimizer = AdamW.builder()
                    .optLearningRateTracker(stepPerEpoch(config, batches.length))
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
                trainer.initialize(new Shape(config.batchSize(), genes));
                Random shuffle = new Random(config.seed());
                int[] order = IntStream.range(0, train.cells()).toArray();
                for (int epoch = 1; epoch <= config.maxEpochs(); epoch++) {
                    shuffle(order, shuffle);
                    double trainLoss = trainEpoch(trainer, train, order, batches, classWeights, listener);
                    float[][] probs = network.predict(model.getNDManager(), validation.counts());
                    ClassificationReport report = Metrics.evaluate(validation.labels(), argmax(probs),
                            classNames(classes));
                    boolean isBest = report.macroF1() > bestF1;
                    if (isBest) {
                        bestF1 = report.macroF1();
                        bestEpoch = epoch;
                        best = network.snapshot();
                    }
                    EpochReport r = new EpochReport(epoch, config.maxEpochs(), trainLoss,
                            weightedLoss(probs, validation.labels(), classWeights), report.macroF1(),
                            report.accuracy(), isBest);
                    history.add(r);
                    listener.onEpoch(r);
                    if (epoch - bestEpoch >= config.patience()) {
                        break;
                    }
                }
            }
            network.restore(best);
            return new DjlClassifier(model, network, config, bestEpoch, history);
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
            if (listener.isCancelled()) {
                throw new CytoLabelException(ErrorKind.CANCELLED, "training was cancelled");
            }
            int size = b[1] - b[0];
            try (NDManager batch = trainer.getManager().newSubManager()) {
                NDArray x = batch.create(Batches.densify(train.counts(), order, b[0], b[1]),
                        new Shape(size, genes));
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

    /** lr * gamma^epoch, where DJL counts updates from 1 and every batch is one update. */
    private static ParameterTracker stepPerEpoch(TrainingConfig config, int stepsPerEpoch) {
        float lr = config.learningRate();
        double gamma = config.stepGamma();
        return (parameterId, numUpdate) -> (float) (lr * Math.pow(gamma, (numUpdate - 1) / stepsPerEpoch));
    }
    private static List<String> classNames(int classes) {
        return IntStream.range(0, classes).mapToObj(c -> "class_" + c).toList();
    }
    private static void check(LabeledMatrix train, LabeledMatrix validation) {
        if (train.cells() < 2 || validation.cells() < 1) {
            throw CytoLabelException.invalid("training needs at least 2 training cells and 1 validation cell, got "
                    + train.cells() + " and " + validation.cells());
        }
        if (train.genes() != validation.genes() || train.numClasses() != validation.numClasses()) {
            throw CytoLabelException.invalid("training and validation sets differ: " + train.genes() + " vs "
                    + validation.genes() + " genes, " + train.numClasses() + " vs " + validation.numClasses()
                    + " classes");
        }
    }
}
