package org.cytolabel.trainer.baseline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.model.EngineLock;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * "celltypist": CellTypist's classifier as its {@code train(feature_selection=True)} builds it.
 * Log-normalised counts (the contract's preprocessing), per-gene standard scaling fitted on the
 * training cells with values above 10 clipped, multinomial logistic regression with CellTypist's
 * default penalty ({@code LogisticRegression(C=1)}) fitted by mini-batch SGD; then the top
 * {@code top_genes} genes per class by absolute coefficient, their union, and a second regression
 * on those genes only. Plain Java; deterministic for a seed.
 */
public final class CellTypistFamily implements ModelFamily {
    public static final String KIND = "celltypist";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "CellTypist-style logistic regression: scaled log-normalised counts, L2 (C=1), "
                + "top genes per class, retrained on them";
    }

    @Override
    public Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("epochs", "40");
        d.put("batch_size", "128");
        d.put("lr", "0.002");
        d.put("momentum", "0.9");
        d.put("lr_decay", "0.1");
        d.put("C", "1.0");
        d.put("patience", "10");
        d.put("feature_selection", "true");
        d.put("top_genes", "300");
        d.put("balanced", "false");
        return d;
    }

    @Override
    public FittedModel fit(TrainingData data, HyperParameters hp, TrainingListener listener) {
        int epochs = hp.integer("epochs");
        hp.require(epochs >= 1, "epochs", "at least 1");
        int batch = hp.integer("batch_size");
        hp.require(batch >= 1, "batch_size", "at least 1");
        float lr = hp.real("lr");
        hp.require(lr > 0, "lr", "positive");
        float momentum = hp.real("momentum");
        hp.require(momentum >= 0 && momentum < 1, "momentum", "in [0, 1)");
        float decay = hp.real("lr_decay");
        hp.require(decay >= 0, "lr_decay", "at least 0");
        float c = hp.real("C");
        hp.require(c > 0, "C", "positive (inverse L2 strength, as sklearn's LogisticRegression C)");
        int patience = hp.integer("patience");
        hp.require(patience >= 1, "patience", "at least 1");
        boolean select = hp.flag("feature_selection");
        int top = hp.integer("top_genes");
        hp.require(top >= 1, "top_genes", "at least 1");
        boolean balanced = hp.flag("balanced");
        if (data.train().cells() < 2 || data.validation().cells() < 1) {
            throw CytoLabelException.invalid("celltypist needs at least 2 training cells and 1 validation cell, got "
                    + data.train().cells() + " and " + data.validation().cells());
        }
        int classes = data.classNames().size();
        int n = data.train().cells();
        SoftmaxRegression.Settings settings = new SoftmaxRegression.Settings(epochs, batch, lr, momentum,
                1f / (c * n), decay, patience, balanced, data.seed());
        int total = select ? 2 * epochs : epochs;
        try (EngineLock lock = EngineLock.seeded(data.seed(), listener)) {
            CsrMatrix trainLog = LogNormalized.of(data.train().counts());
            CsrMatrix valLog = LogNormalized.of(data.validation().counts());
            GeneScaler scaler = GeneScaler.fit(trainLog);
            int[] labels = data.train().labels();
            int[] valLabels = data.validation().labels();
            List<EpochReport> history = new ArrayList<>();
            SoftmaxRegression.Fit fit = SoftmaxRegression.train(ScaledCells.of(trainLog, scaler), labels,
                    ScaledCells.of(valLog, scaler), valLabels, classes, settings, 1, 0, total, listener);
            history.addAll(fit.history());
            int[] genes = allGenes(trainLog.cols());
            if (select && top < trainLog.cols()) {
                genes = FeatureSelection.topGenesPerClass(fit.weight(), classes, trainLog.cols(), top);
                GeneScaler sub = scaler.select(genes);
                fit = SoftmaxRegression.train(ScaledCells.of(FeatureSelection.columns(trainLog, genes), sub), labels,
                        ScaledCells.of(FeatureSelection.columns(valLog, genes), sub), valLabels, classes, settings, 2,
                        history.size(), total, listener);
                history.addAll(fit.history());
                scaler = sub;
            }
            return new CellTypistModel(data.genes(), data.classNames(), genes, scaler, fit.weight(), fit.bias(),
                    fit.bestEpoch(), history, hp.asMap());
        }
    }

    private static int[] allGenes(int g) {
        int[] all = new int[g];
        for (int j = 0; j < g; j++) {
            all[j] = j;
        }
        return all;
    }
}
