package org.cytolabel.trainer.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.cytolabel.core.TestData;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Same data, parameters and seed give the same model; a cancelling listener stops training. */
class DeterminismAndCancelTest {
    private static BenchmarkSplit split;

    @BeforeAll
    static void load() {
        split = StandardSplits.kangCtrlToStim(TestData.root(), 0);
    }

    @Test
    void celltypistIsDeterministicForASeed() {
        Map<String, String> hp = Map.of("epochs", "4");
        float[][] a = fitAndPredict("celltypist", hp);
        float[][] b = fitAndPredict("celltypist", hp);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], 0f, "cell " + i);
        }
    }

    @Test
    void xgboostIsDeterministicForASeed() {
        Map<String, String> hp = Map.of("epochs", "8", "n_components", "10");
        float[][] a = fitAndPredict("xgboost", hp);
        float[][] b = fitAndPredict("xgboost", hp);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], 0f, "cell " + i);
        }
    }

    @Test
    void bothStopWhenTheListenerCancels() {
        for (String kind : new String[] {"celltypist", "xgboost"}) {
            ModelFamily f = ModelFamilies.get(kind);
            TrainingListener cancelling = new TrainingListener() {
                @Override
                public void onEpoch(EpochReport report) {
                }

                @Override
                public boolean isCancelled() {
                    return true;
                }
            };
            CytoLabelException e = assertThrows(CytoLabelException.class, () -> f.fit(split.data(),
                    HyperParameters.of(kind, f.defaults(), Map.of("epochs", "3")), cancelling));
            assertEquals(ErrorKind.CANCELLED, e.kind(), kind);
        }
    }

    private static float[][] fitAndPredict(String kind, Map<String, String> overrides) {
        ModelFamily f = ModelFamilies.get(kind);
        try (FittedModel m = f.fit(split.data(), HyperParameters.of(kind, f.defaults(), overrides),
                TrainingListener.none())) {
            return m.predictProbabilities(split.testCounts().sliceRows(0, 200));
        }
    }
}
