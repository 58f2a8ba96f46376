package org.cytolabel.trainer.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * scPretrain's supervised phase: maps the panel onto the encoder's genes by name (zero rows for
 * genes it never saw), adds the deeper head, and trains everything with Adam and cross-entropy on
 * {@code min(labeled_cells, labeled_fraction * n)} of the training cells (a seeded draw), keeping
 * the epoch with the best validation accuracy. Reports carry {@code phase} 0 for pretraining
 * iterations (when it pretrains itself) and 1 for fine-tuning epochs.
 */
final class FineTuner {

    private FineTuner() {
    }

    static ScPretrainModel fit(TrainingData data, HyperParameters hp, PretrainedEncoder given, boolean pretrained,
            TrainingListener listener) {
        int width = hp.integer("hidden");
        Map<String, String> notes = new LinkedHashMap<>();
        Map<String, byte[]> attachments = new LinkedHashMap<>();
        List<EpochReport> history = new ArrayList<>();
        try (EngineLock lock = EngineLock.seeded(data.seed(), listener)) {
            PretrainedEncoder encoder = given;
            if (pretrained && encoder == null) {
                encoder = pretrainOnRequest(data, hp, listener, history);
                attachments.put("scpretrain_encoder.scpt", encoder.toBytes());
                notes.put("pretraining", "on the request's cells without labels, " + history.size() + " iterations");
            }
            float[] w0 = null;
            float[] b0 = null;
            if (encoder != null) {
                int overlap = encoder.overlap(data.genes());
                if (overlap == 0) {
                    throw CytoLabelException.invalid("the pretrained encoder shares no gene with the training panel ("
                            + data.genes().size() + " genes); pretrain on data with the same gene symbols");
                }
                width = encoder.hidden();
                w0 = encoder.weightFor(data.genes());
                b0 = encoder.bias();
                notes.put("encoder_overlap", overlap + " of " + data.genes().size() + " panel genes");
            }
            notes.put("init", pretrained ? "pretrained" : "random");
            lock.reseed(data.seed());
            return train(data, hp, width, w0, b0, listener, history, notes, attachments);
        }
    }

    private static PretrainedEncoder pretrainOnRequest(TrainingData data, HyperParameters hp, TrainingListener listener,
            List<EpochReport> history) {
        List<Pretrainer.Dataset> sets = new ArrayList<>();
        sets.add(new Pretrainer.Dataset("train", data.train().counts()));
        for (int domain = 0; domain < data.numDomains(); domain++) {
            final int d = domain;
            int[] rows = IntStream.range(0, data.unlabeled().rows()).filter(i -> data.unlabeledDomains()[i] == d)
                    .toArray();
            if (rows.length >= 4) {
                sets.add(new Pretrainer.Dataset("domain" + d, data.unlabeled().selectRows(rows)));
            }
        }
        PretrainConfig cfg = new PretrainConfig(hp.integer("hidden"), hp.integer("pretrain_iterations"),
                hp.integer("pretrain_epochs"), 256, 1e-3f, hp.integer("pretrain_pca"), hp.integer("pretrain_max_cells"),
                new int[] {50, 100, 200}, data.seed());
        TrainingListener forward = new TrainingListener() {
            @Override
            public void onEpoch(EpochReport r) {
                Map<String, Double> m = new LinkedHashMap<>(r.metrics());
                m.put("phase", 0.0);
                EpochReport tagged = new EpochReport(r.epoch(), r.maxEpochs(), r.trainLoss(), r.validationLoss(),
                        r.validationMacroF1(), r.validationAccuracy(), false, m);
                history.add(tagged);
                listener.onEpoch(tagged);
            }

            @Override
            public boolean isCancelled() {
                return listener.isCancelled();
            }
        };
        return Pretrainer.pretrain(data.genes(), sets, cfg, forward).encoder();
    }

    private static ScPretrainModel train(TrainingData data, HyperParameters hp, int width, float[] w0, float[] b0,
            TrainingListener listener, List<EpochReport> history, Map<String, String> notes,
            Map<String, byte[]> attachments) {
        int genes = data.genes().size();
        int classes = data.classNames().size();
        Random rnd = new Random(data.seed());
        int n = data.train().cells();
        int m = (int) Math.max(2, Math.min(hp.integer("labeled_cells"), Math.floor(hp.real("labeled_fraction") * n)));
        m = Math.min(m, n);
        int[] chosen = Arrays.copyOf(shuffled(n, rnd), m);
        Arrays.sort(chosen);
        CsrMatrix x = data.train().counts().selectRows(chosen);
        int[] y = Arrays.stream(chosen).map(i -> data.train().labels()[i]).toArray();
        notes.put("labeled_cells", Integer.toString(m));
        int batch = hp.integer("batch_size");
        int epochs = hp.integer("epochs");
        int patience = hp.integer("patience");
        NDManager manager = NDManager.newBaseManager(Device.cpu(), EngineLock.ENGINE);
        try {
            FineTuneNetwork net = new FineTuneNetwork(manager, genes, width, hp.integer("head_hidden"), classes, w0, b0,
                    rnd);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(hp.real("learning_rate"))).build();
            Engine engine = Engine.getEngine(EngineLock.ENGINE);
            List<String> names = data.classNames();
            double bestAccuracy = Double.NEGATIVE_INFINITY;
            int bestEpoch = 0;
            List<float[]> best = net.snapshot();
            for (int epoch = 1; epoch <= epochs; epoch++) {
                int[] order = shuffled(m, rnd);
                double lossSum = 0;
                for (int from = 0; from < m; from += batch) {
                    if (listener.isCancelled()) {
                        throw new CytoLabelException(ErrorKind.CANCELLED, "training was cancelled");
                    }
                    int to = Math.min(m, from + batch);
                    try (NDManager step = manager.newSubManager()) {
                        NDArray xb = step.create(Normalization.densify(x, order, from, to), new Shape(to - from, genes));
                        NDArray target = step.create(MultiTaskLoss.oneHot(y, order, from, to, classes),
                                new Shape(to - from, classes));
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            NDArray loss = MultiTaskLoss.evaluate(List.of(net.forward(xb)[1]), List.of(target));
                            collector.backward(loss);
                            lossSum += loss.getFloat() * (to - from);
                        }
                        net.step(adam);
                    }
                }
                float[][] probs = net.predict(data.validation().counts())[0];
                int[] predicted = argmax(probs);
                ClassificationReport report = Metrics.evaluate(data.validation().labels(), predicted, names);
                boolean isBest = report.accuracy() > bestAccuracy;
                if (isBest) {
                    bestAccuracy = report.accuracy();
                    bestEpoch = epoch;
                    best = net.snapshot();
                }
                EpochReport r = new EpochReport(epoch, epochs, lossSum / m, crossEntropy(probs,
                        data.validation().labels()), report.macroF1(), report.accuracy(), isBest,
                        Map.of("phase", 1.0, "validation_kappa", report.cohenKappa()));
                history.add(r);
                listener.onEpoch(r);
                if (epoch - bestEpoch >= patience) {
                    break;
                }
            }
            net.restore(best);
            Map<String, String> hpMap = new LinkedHashMap<>(hp.asMap());
            return new ScPretrainModel(manager, net, genes, bestEpoch, history, hpMap, notes, attachments);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    static int[] argmax(float[][] probs) {
        int[] out = new int[probs.length];
        for (int i = 0; i < probs.length; i++) {
            int best = 0;
            for (int c = 1; c < probs[i].length; c++) {
                if (probs[i][c] > probs[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static double crossEntropy(float[][] probs, int[] labels) {
        double s = 0;
        for (int i = 0; i < labels.length; i++) {
            s -= Math.log(Math.max(probs[i][labels[i]], 1e-30));
        }
        return labels.length == 0 ? Double.NaN : s / labels.length;
    }

    private static int[] shuffled(int n, Random rnd) {
        int[] a = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
