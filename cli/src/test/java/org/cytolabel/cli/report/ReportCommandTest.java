package org.cytolabel.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cytolabel.cli.Main;
import org.cytolabel.core.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report command end to end on one real split: table, plots and predictions, numbers checked. */
class ReportCommandTest {
    @TempDir
    Path out;

    @Test
    void writesTableplotsAndPredictionsForEveryRun() throws Exception {
        int code = Main.commandLine().execute("report", "--models", "linear", "--splits", "kang-ctrl-stim",
                "--seeds", "0,1", "--hp", "linear.epochs=4", "--data-dir", TestData.root().toString(),
                "--out", out.toString());
        assertEquals(0, code);
        String table = Files.readString(out.resolve("report.md"));
        assertEquals(1, table.lines().filter(l -> l.startsWith("| kang-ctrl-stim | linear | 2 | ") && l.contains(" ± "))
                .count(), table); // the mean ± sd row over both seeds
        List<String> runs = table.lines().filter(l -> l.startsWith("| kang-ctrl-stim | linear | 0 | ")
                || l.startsWith("| kang-ctrl-stim | linear | 1 | ")).toList();
        assertEquals(2, runs.size(), table); // one row per seed
        for (String row : runs) {
            double macroF1 = Double.parseDouble(row.split("\\|")[6].trim());
            // Measured 0.63 with 4 epochs; a linear model on control cells still labels stimulated ones.
            assertTrue(macroF1 > 0.5, row);
        }
        for (String f : List.of("plots/confusion_linear_kang-ctrl-stim.png", "plots/reliability_linear_kang-ctrl-stim.png",
                "predictions/linear_kang-ctrl-stim_seed0.csv", "predictions/linear_kang-ctrl-stim_seed1.csv")) {
            assertTrue(Files.size(out.resolve(f)) > 1000, f);
        }
        List<String> predictions = Files.readAllLines(out.resolve("predictions/linear_kang-ctrl-stim_seed0.csv"));
        assertEquals(806 + 1, predictions.size(), "every stimulated cell, in order, after the header");
        assertTrue(predictions.get(0).startsWith("cell,true_cl_id,true_label,predicted_label,probability,p_B cells"));
    }

    @Test
    void unknownModelKindOrSplitIsRefusedBeforeTraining() {
        assertEquals(2, Main.commandLine().execute("report", "--models", "resnet", "--data-dir",
                TestData.root().toString(), "--out", out.toString()));
        assertEquals(2, Main.commandLine().execute("report", "--splits", "pancreas", "--data-dir",
                TestData.root().toString(), "--out", out.toString()));
    }
}
