package org.cytolabel.trainer.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

/** The JSON reader and Java traversal reproduce XGBoost's own margins. */
class TreeEnsembleTest {

    @Test
    void marginsEqualXgboostsOwnPrediction() throws Exception {
        int n = 400;
        int k = 5;
        int classes = 3;
        Random rnd = new Random(3);
        float[][] x = new float[n][k];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                x[i][j] = (float) rnd.nextGaussian();
            }
            y[i] = x[i][0] + 0.5 * x[i][1] > 0.4 ? 2 : x[i][2] > 0 ? 1 : 0;
        }
        DMatrix m = XgboostFamily.matrix(x, y, new float[] {1f, 1f, 1f});
        Map<String, Object> p = new HashMap<>();
        p.put("objective", "multi:softprob");
        p.put("num_class", classes);
        p.put("max_depth", 4);
        p.put("eta", 0.3);
        p.put("subsample", 0.8);
        p.put("seed", 1);
        p.put("nthread", 1);
        p.put("verbosity", 0);
        Booster booster = XGBoost.train(m, p, 12, new HashMap<>(), null, null);
        try {
            float[][] margins = booster.predict(m, true);
            TreeEnsemble all = TreeEnsemble.fromJson(booster.toByteArray("json"), Integer.MAX_VALUE);
            assertEquals(12 * classes, all.trees().size());
            for (int i = 0; i < n; i++) {
                float[] mine = all.margins(x[i]);
                for (int c = 0; c < classes; c++) {
                    assertEquals(margins[i][c], mine[c], 1e-5, "cell " + i + " class " + c);
                }
            }
            float[][] five = booster.predict(m, true, 5);
            TreeEnsemble first = TreeEnsemble.fromJson(booster.toByteArray("json"), 5);
            assertEquals(5 * classes, first.trees().size());
            for (int c = 0; c < classes; c++) {
                assertEquals(five[7][c], first.margins(x[7])[c], 1e-5);
            }
        } finally {
            booster.dispose();
            m.dispose();
        }
    }
}
