package org.cytolabel.cli.demo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.core.plot.ReliabilityDiagram;
import org.cytolabel.core.plot.TrainingCurvePlot;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.trainer.v1.JobEvent;

/** The demo's pictures: training curves from the job's epoch events, and a reliability diagram. */
final class DemoPlots {
    private DemoPlots() {
    }

    static void trainingCurve(Path png, List<JobEvent> epochs, String title) {
        if (epochs.isEmpty()) {
            return;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train loss", epochs.stream().mapToDouble(e -> e.getLossesOrDefault("train", Double.NaN)).toArray());
        series.put("validation loss", epochs.stream().mapToDouble(e -> e.getLossesOrDefault("validation", Double.NaN))
                .toArray());
        series.put("validation macro-F1", epochs.stream().mapToDouble(JobEvent::getValidationMacroF1).toArray());
        TrainingCurvePlot.write(png, series, title, "epoch");
    }

    static void reliability(Path png, List<CellPrediction> predictions, List<String> truth, String title) {
        float[] confidence = new float[predictions.size()];
        boolean[] correct = new boolean[predictions.size()];
        for (int i = 0; i < confidence.length; i++) {
            confidence[i] = predictions.get(i).getProbability();
            correct[i] = predictions.get(i).getLabel().equals(truth.get(i));
        }
        ReliabilityDiagram.write(png, Metrics.reliability(confidence, correct, Metrics.DEFAULT_BINS), title);
    }
}
