package org.cytolabel.trainer.sctab.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.sctab.ScTabFamily;

/**
 * Hyper-parameter search on VALIDATION cells only: fits scTab on a split's training cells and prints
 * the best validation macro-F1 (the test cells are never touched).
 * Usage: {@code ScTabTune <split> <seed> [key=value ...]}.
 */
public final class ScTabTune {
    private ScTabTune() {
    }

    public static void main(String[] args) {
        String splitName = args[0];
        long seed = Long.parseLong(args[1]);
        Map<String, String> hp = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            hp.put(kv[0], kv[1]);
        }
        BenchmarkSplit split = StandardSplits.load(splitName, Path.of("data"), seed);
        TrainingData d = split.data();
        System.out.printf(Locale.ROOT, "split %s: %d train, %d validation cells, %d genes, %d classes%n", splitName,
                d.train().cells(), d.validation().cells(), d.genes().size(), d.classNames().size());
        var family = ModelFamilies.get(ScTabFamily.KIND);
        long t0 = System.nanoTime();
        double[] best = {0};
        try (FittedModel m = family.fit(d, HyperParameters.of(ScTabFamily.KIND, family.defaults(), hp), r -> {
            best[0] = Math.max(best[0], r.validationMacroF1());
            System.out.printf(Locale.ROOT, "epoch %d loss %.4f val F1 %.4f acc %.4f %s%n", r.epoch(), r.trainLoss(),
                    r.validationMacroF1(), r.validationAccuracy(), r.metrics());
        })) {
            System.out.printf(Locale.ROOT, "RESULT %s seed %d %s best val F1 %.4f (epoch %d) in %.1f s%n", splitName,
                    seed, hp, best[0], m.bestEpoch(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
