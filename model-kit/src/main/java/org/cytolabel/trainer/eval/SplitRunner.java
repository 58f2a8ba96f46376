package org.cytolabel.trainer.eval;

import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.trainer.export.OnnxRunner;
import org.cytolabel.trainer.export.ParityCheck;
import org.cytolabel.trainer.export.ParityResult;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * Trains a family on a {@link BenchmarkSplit}, exports it, holds the export to the parity bound and
 * scores the exported graph on the test cells: the one code path every benchmark and report uses,
 * so all families are measured the same way.
 */
public final class SplitRunner {
    private static final int PARITY_CELLS = 256;
    private static final int BATCH = 256;

    private SplitRunner() {
    }

    /** Fits {@code kind} with {@code overrides} on {@code split} (its data re-seeded with {@code seed}). */
    public static SplitRun run(String kind, Map<String, String> overrides, BenchmarkSplit split, long seed,
            TrainingListener listener) {
        ModelFamily family = ModelFamilies.get(kind);
        HyperParameters hp = HyperParameters.of(kind, family.defaults(), overrides);
        TrainingData d = split.data();
        TrainingData data = new TrainingData(d.train(), d.validation(), d.genes(), d.classNames(), d.trainGroups(),
                d.groupNames(), d.unlabeled(), d.trainDomains(), d.unlabeledDomains(), d.numDomains(), seed);
        long t0 = System.nanoTime();
        try (FittedModel model = family.fit(data, hp, listener)) {
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            byte[] onnx = model.exportOnnx(kind + "-" + split.name());
            CsrMatrix test = split.testCounts();
            CsrMatrix sample = test.sliceRows(0, Math.min(PARITY_CELLS, test.rows()));
            ParityResult parity = ParityCheck.compare(model, onnx, sample);
            ParityCheck.require(parity, ParityCheck.DEFAULT_TOLERANCE);
            float[][] probs;
            double cellsPerSecond;
            try (OnnxRunner runner = new OnnxRunner(onnx)) {
                runner.probabilities(test.sliceRows(0, Math.min(BATCH, test.rows()))); // warm-up
                long t1 = System.nanoTime();
                probs = runner.probabilities(test);
                cellsPerSecond = test.rows() / ((System.nanoTime() - t1) / 1e9);
            }
            return new SplitRun(kind, seed, SplitScore.of(split, probs), probs, onnx, parity, trainSeconds,
                    cellsPerSecond, model.bestEpoch());
        }
    }

    /** Mean and sample standard deviation, formatted "0.8431 ± 0.0132". */
    public static String meanSd(double[] values) {
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= values.length;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
        return String.format(java.util.Locale.ROOT, "%.4f ± %.4f", mean, sd);
    }
}
