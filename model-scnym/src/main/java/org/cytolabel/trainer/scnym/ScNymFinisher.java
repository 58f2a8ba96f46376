package org.cytolabel.trainer.scnym;

import ai.djl.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.core.metrics.ReliabilityCurve;
import org.cytolabel.core.plot.ReliabilityDiagram;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.EpochReport;

/**
 * What happens after the best epoch is restored: the temperature fit on the validation cells,
 * the reliability diagram, the saliency marker table, and the notes for the model card.
 */
final class ScNymFinisher {
    static final String RELIABILITY_PNG = "reliability_validation.png";
    static final String MARKERS_TSV = "saliency_markers.tsv";
    private static final int MARKER_CELLS_PER_CLASS = 400;

    private final TrainingData data;
    private final ScNymConfig config;
    private final ScNymBlock block;
    private final ScNymPredictor predictor;
    private final Model model;

    ScNymFinisher(TrainingData data, ScNymConfig config, ScNymBlock block, ScNymPredictor predictor, Model model) {
        this.data = data;
        this.config = config;
        this.block = block;
        this.predictor = predictor;
        this.model = model;
    }

    ScNymModel finish(int bestEpoch, List<EpochReport> history, Map<String, String> hyperParameters, int novel) {
        int[] valLabels = data.validation().labels();
        float[][] valLogits = predictor.logits(data.validation().counts());
        double nllBefore = TemperatureScaling.nll(valLogits, valLabels, 1.0);
        double temperature = config.calibrate() ? TemperatureScaling.fit(valLogits, valLabels) : 1.0;
        float[][] before = predictor.probabilities(data.validation().counts(), 1f);
        float[][] after = predictor.probabilities(data.validation().counts(), (float) temperature);

        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("temperature", fmt(temperature));
        notes.put("validation_nll_before_temperature", fmt(nllBefore));
        notes.put("validation_nll_after_temperature", fmt(TemperatureScaling.nll(valLogits, valLabels, temperature)));
        notes.put("validation_ece_before_temperature", fmt(ece(before, valLabels)));
        notes.put("validation_ece_after_temperature", fmt(ece(after, valLabels)));
        notes.put("best_epoch", Integer.toString(bestEpoch));
        notes.put("selectable_from_epoch", Integer.toString(config.firstSelectableEpoch()));
        if (!history.isEmpty()) {
            notes.put("domain_accuracy_first_epoch", fmt(history.get(0).metrics().getOrDefault("domain_accuracy",
                    Double.NaN)));
            notes.put("domain_accuracy_last_epoch", fmt(history.get(history.size() - 1).metrics()
                    .getOrDefault("domain_accuracy", Double.NaN)));
        }
        if (novel >= 0) {
            notes.put("novel_candidates", Integer.toString(novel));
            notes.put("novel_candidates_fraction", fmt((double) novel / data.unlabeled().rows()));
        }
        notes.put("preprocessing", CpmPreprocessing.DESCRIPTION);
        notes.put("saliency", ScNymExporter.SALIENCY_DESCRIPTION);
        notes.put("optimizer", "AdamW lr " + config.learningRate() + ", weight decay " + config.weightDecay()
                + " (scNym: Adadelta lr 1, wd 1e-4)");

        Map<String, byte[]> attachments = new LinkedHashMap<>();
        attachments.put(RELIABILITY_PNG, reliabilityPng(after, valLabels, temperature));
        attachments.put(MARKERS_TSV, markers().toTsv(SaliencyMarkers.TOP));
        ScNymWeights weights = block.weights(temperature);
        return new ScNymModel(model, predictor, weights, bestEpoch, history, hyperParameters, notes, attachments,
                data.seed());
    }

    /** The saliency marker table over the labeled cells (training and validation, at most 400 per class). */
    SaliencyMarkers markers() {
        List<Integer> picked = new ArrayList<>();
        int nTrain = data.train().cells();
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < nTrain + data.validation().cells(); i++) {
            all.add(i);
        }
        Collections.shuffle(all, new Random(data.seed() + 11));
        int[] perClass = new int[data.classNames().size()];
        for (int i : all) {
            int y = label(i, nTrain);
            if (perClass[y] < MARKER_CELLS_PER_CLASS) {
                perClass[y]++;
                picked.add(i);
            }
        }
        Collections.sort(picked);
        int[] trainRows = picked.stream().filter(i -> i < nTrain).mapToInt(i -> i).toArray();
        int[] valRows = picked.stream().filter(i -> i >= nTrain).mapToInt(i -> i - nTrain).toArray();
        CsrMatrix cells = stack(data.train().counts().selectRows(trainRows),
                data.validation().counts().selectRows(valRows));
        int[] truth = picked.stream().mapToInt(i -> label(i, nTrain)).toArray();
        float[][] saliency = predictor.saliency(cells, data.seed());
        int[] predicted = ScNymTrainer.argmax(predictor.logits(cells));
        return SaliencyMarkers.of(saliency, truth, predicted, data.classNames(), data.genes());
    }

    private int label(int i, int nTrain) {
        return i < nTrain ? data.train().labels()[i] : data.validation().labels()[i - nTrain];
    }

    private static CsrMatrix stack(CsrMatrix a, CsrMatrix b) {
        int[] indptr = new int[a.rows() + b.rows() + 1];
        System.arraycopy(a.indptr(), 0, indptr, 0, a.rows() + 1);
        for (int r = 1; r <= b.rows(); r++) {
            indptr[a.rows() + r] = a.nnz() + b.indptr()[r];
        }
        int[] indices = new int[a.nnz() + b.nnz()];
        float[] values = new float[indices.length];
        System.arraycopy(a.indices(), 0, indices, 0, a.nnz());
        System.arraycopy(b.indices(), 0, indices, a.nnz(), b.nnz());
        System.arraycopy(a.values(), 0, values, 0, a.nnz());
        System.arraycopy(b.values(), 0, values, a.nnz(), b.nnz());
        return new CsrMatrix(a.rows() + b.rows(), a.cols(), indptr, indices, values);
    }

    static double ece(float[][] probs, int[] labels) {
        float[] conf = new float[labels.length];
        boolean[] correct = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int k = ScNymTrainer.argmax(probs[i]);
            conf[i] = probs[i][k];
            correct[i] = k == labels[i];
        }
        return Metrics.expectedCalibrationError(conf, correct);
    }

    private static byte[] reliabilityPng(float[][] probs, int[] labels, double temperature) {
        float[] conf = new float[labels.length];
        boolean[] correct = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int k = ScNymTrainer.argmax(probs[i]);
            conf[i] = probs[i][k];
            correct[i] = k == labels[i];
        }
        ReliabilityCurve curve = Metrics.reliability(conf, correct, Metrics.DEFAULT_BINS);
        try {
            Path tmp = Files.createTempFile("scnym-reliability", ".png");
            try {
                ReliabilityDiagram.write(tmp, curve, String.format(Locale.ROOT,
                        "scNym, validation cells, temperature %.3f", temperature));
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reliability diagram", e);
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
