package org.cytolabel.trainer.baseline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.core.metrics.ClassificationReport;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.trainer.model.EngineLock;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * "xgboost": PCA of the log-normalised training cells (randomized SVD, seeded), then XGBoost
 * ({@code multi:softprob}, hist trees) on the components, one boosting round per epoch, stopping
 * when the validation log-loss has not improved for {@code early_stopping} rounds and keeping the
 * trees up to the best round. Exported to ONNX with an {@code ai.onnx.ml} tree ensemble.
 */
public final class XgboostFamily implements ModelFamily {
    public static final String KIND = "xgboost";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "XGBoost (multi:softprob) on the top principal components of log-normalised counts";
    }

    @Override
    public Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("epochs", "300");
        d.put("n_components", "50");
        d.put("power_iterations", "4");
        d.put("eta", "0.1");
        d.put("max_depth", "6");
        d.put("min_child_weight", "1");
        d.put("subsample", "0.8");
        d.put("colsample_bytree", "0.8");
        d.put("lambda", "1");
        d.put("early_stopping", "20");
        d.put("balanced", "true");
        d.put("threads", "1");
        return d;
    }

    @Override
    public FittedModel fit(TrainingData data, HyperParameters hp, TrainingListener listener) {
        int rounds = hp.integer("epochs");
        hp.require(rounds >= 1, "epochs", "at least 1");
        int k = hp.integer("n_components");
        hp.require(k >= 1, "n_components", "at least 1");
        int power = hp.integer("power_iterations");
        hp.require(power >= 0, "power_iterations", "at least 0");
        int patience = hp.integer("early_stopping");
        hp.require(patience >= 1, "early_stopping", "at least 1");
        int threads = hp.integer("threads");
        hp.require(threads >= 1, "threads", "at least 1");
        boolean balanced = hp.flag("balanced");
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "multi:softprob");
        params.put("eval_metric", "mlogloss");
        params.put("tree_method", "hist");
        params.put("eta", positive(hp, "eta"));
        params.put("max_depth", hp.integer("max_depth"));
        params.put("min_child_weight", hp.real("min_child_weight"));
        params.put("subsample", fraction(hp, "subsample"));
        params.put("colsample_bytree", fraction(hp, "colsample_bytree"));
        params.put("lambda", hp.real("lambda"));
        params.put("nthread", threads);
        params.put("verbosity", 0);
        if (data.train().cells() < 2 || data.validation().cells() < 1) {
            throw CytoLabelException.invalid("xgboost needs at least 2 training cells and 1 validation cell");
        }
        hp.require(k <= Math.min(data.train().cells(), data.genes().size()), "n_components",
                "at most min(training cells, genes) = " + Math.min(data.train().cells(), data.genes().size()));
        params.put("num_class", data.classNames().size());
        params.put("seed", data.seed());
        try (EngineLock lock = EngineLock.seeded(data.seed(), listener)) {
            CsrMatrix trainLog = LogNormalized.of(data.train().counts());
            Pca pca = Pca.fit(trainLog, k, 10, power, data.seed());
            float[][] trainX = pca.project(trainLog);
            float[][] valX = pca.project(LogNormalized.of(data.validation().counts()));
            return boost(data, pca, trainX, valX, params, rounds, patience, balanced, hp, listener);
        } catch (XGBoostError e) {
            throw new CytoLabelException(ErrorKind.INTERNAL, "XGBoost failed: " + e.getMessage(), e);
        }
    }

    private static XgboostModel boost(TrainingData data, Pca pca, float[][] trainX, float[][] valX,
            Map<String, Object> params, int rounds, int patience, boolean balanced, HyperParameters hp,
            TrainingListener listener) throws XGBoostError {
        int classes = data.classNames().size();
        int[] labels = data.train().labels();
        int[] valLabels = data.validation().labels();
        float[] classWeight = SoftmaxRegression.sampleWeights(labels, classes, balanced);
        DMatrix train = matrix(trainX, labels, classWeight);
        DMatrix val = matrix(valX, valLabels, classWeight);
        Booster booster = null;
        try {
            booster = XGBoost.train(train, params, 0, new HashMap<>(), null, null);
            List<EpochReport> history = new ArrayList<>();
            double bestLoss = Double.POSITIVE_INFINITY;
            int bestRound = 0;
            for (int round = 1; round <= rounds; round++) {
                if (listener.isCancelled()) {
                    throw new CytoLabelException(ErrorKind.CANCELLED, "training was cancelled");
                }
                booster.update(train, round - 1);
                String eval = booster.evalSet(new DMatrix[] {train}, new String[] {"train"}, round - 1);
                float[][] probs = booster.predict(val);
                double valLoss = SoftmaxRegression.validationLoss(probs, valLabels, classWeight);
                ClassificationReport report = Metrics.evaluate(valLabels, SoftmaxRegression.argmax(probs),
                        SoftmaxRegression.classNames(classes));
                boolean isBest = valLoss < bestLoss;
                if (isBest) {
                    bestLoss = valLoss;
                    bestRound = round;
                }
                EpochReport r = new EpochReport(round, rounds, trainLoss(eval), valLoss, report.macroF1(),
                        report.accuracy(), isBest, Map.of("trees", (double) round * classes));
                history.add(r);
                listener.onEpoch(r);
                if (round - bestRound >= patience) {
                    break;
                }
            }
            TreeEnsemble trees = TreeEnsemble.fromJson(booster.toByteArray("json"), bestRound);
            return new XgboostModel(data.genes().size(), pca, trees, bestRound, history, hp.asMap());
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            train.dispose();
            val.dispose();
        }
    }

    /** A dense DMatrix of features with labels and per-cell weights from the class weights. */
    static DMatrix matrix(float[][] x, int[] labels, float[] classWeight) throws XGBoostError {
        int n = x.length;
        int k = n == 0 ? 0 : x[0].length;
        float[] flat = new float[n * k];
        float[] y = new float[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, flat, i * k, k);
            y[i] = labels[i];
            w[i] = classWeight[labels[i]];
        }
        DMatrix m = new DMatrix(flat, n, k, Float.NaN);
        m.setLabel(y);
        m.setWeight(w);
        return m;
    }

    /** The training mlogloss from XGBoost's evaluation line ({@code [i]\ttrain-mlogloss:0.123}). */
    static double trainLoss(String evalLine) {
        int at = evalLine.lastIndexOf(':');
        try {
            return at < 0 ? Double.NaN : Double.parseDouble(evalLine.substring(at + 1).trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static float positive(HyperParameters hp, String key) {
        float v = hp.real(key);
        hp.require(v > 0, key, "positive");
        return v;
    }

    private static float fraction(HyperParameters hp, String key) {
        float v = hp.real(key);
        hp.require(v > 0 && v <= 1, key, "in (0, 1]");
        return v;
    }
}
