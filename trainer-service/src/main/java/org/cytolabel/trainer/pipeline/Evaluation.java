package org.cytolabel.trainer.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.cytolabel.core.metrics.ClassificationReport;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.core.ontology.CellOntology;

/** Scores predicted probabilities against true labels: the metrics a model card records. */
final class Evaluation {
    private Evaluation() {
    }

    static org.cytolabel.proto.model.v1.Evaluation score(String split, float[][] probabilities, int[] truth,
            List<String> classNames, List<String> classClIds, CellOntology ontology) {
        int n = truth.length;
        int[] pred = new int[n];
        float[] conf = new float[n];
        boolean[] correct = new boolean[n];
        for (int i = 0; i < n; i++) {
            pred[i] = argmax(probabilities[i]);
            conf[i] = probabilities[i][pred[i]];
            correct[i] = pred[i] == truth[i];
        }
        ClassificationReport r = Metrics.evaluate(truth, pred, classNames);
        var b = org.cytolabel.proto.model.v1.Evaluation.newBuilder()
                .setSplit(split)
                .setCells(n)
                .setAccuracy(r.accuracy())
                .setMacroF1(r.macroF1())
                .setCohenKappa(r.cohenKappa())
                .setEce(Metrics.expectedCalibrationError(conf, correct))
                .putAllPerClassF1(r.perClassF1());
        if (classClIds.stream().noneMatch(String::isEmpty)) {
            List<String> t = new ArrayList<>(n);
            List<String> p = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                t.add(classClIds.get(truth[i]));
                p.add(classClIds.get(pred[i]));
            }
            b.setOntologyMacroF1(Metrics.ontologyMacroF1(t, p, ontology));
        }
        return b.build();
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int j = 1; j < p.length; j++) {
            if (p[j] > p[best]) {
                best = j;
            }
        }
        return best;
    }
}
