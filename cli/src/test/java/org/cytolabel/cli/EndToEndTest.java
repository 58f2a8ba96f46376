package org.cytolabel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cytolabel.cli.demo.Demo;
import org.cytolabel.cli.demo.LocalCluster;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.DatasetReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The three services over loopback gRPC (real sockets) on real data: the demo's training,
 * publishing, alias move and annotation, then the CLI's annotate command against the same cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
    @TempDir
    static Path work;

    private LocalCluster cluster;
    private Demo.Result result;
    private String demoOutput;

    @BeforeAll
    void runDemo() {
        cluster = LocalCluster.start(work);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            result = Demo.run(new Demo.Config(TestData.root(), work, "mlp", 0, 0), cluster, out);
        }
        demoOutput = buf.toString(StandardCharsets.UTF_8);
        System.out.println(demoOutput);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void heldOutSortedPbmcIsAnnotatedAccurately() {
        // Measured 0.8401 (accuracy 0.9136) with seed 0 on this machine; the floor sits just below.
        assertTrue(result.heldOut().macroF1() >= 0.82, "held-out macro-F1 " + result.heldOut().macroF1());
        assertTrue(result.heldOut().accuracy() >= 0.89, "held-out accuracy " + result.heldOut().accuracy());
        assertTrue(result.heldOut().ontologyMacroF1() >= result.heldOut().macroF1() - 1e-9,
                "ontology-aware F1 only forgives descendants, so it is never below plain macro-F1 here");
        assertEquals(result.heldOut().cells(), result.heldOutCard().getTrainingData().getTestCells());
    }

    @Test
    void streamReturnsEveryCellInOrder() throws Exception {
        List<String> lines = Files.readAllLines(result.heldOutCsv());
        CellDataset pbmc68k = DatasetReader.read(TestData.file(TestData.PBMC68K));
        List<String> ids68k = Files.readAllLines(result.pbmc68kCsv()).stream().skip(1)
                .map(l -> l.substring(0, l.indexOf(','))).toList();
        assertEquals(pbmc68k.cellIds(), ids68k, "PBMC 68k cells come back complete and in order");
        assertEquals(result.heldOut().cells() + 1, lines.size());
    }

    @Test
    void cliAnnotateWritesTheSameCsv() throws Exception {
        Path out = work.resolve("cli.csv");
        int code = Main.commandLine().execute("annotate", "--server", cluster.inferenceTarget(),
                "--model", "pbmc-68k-panel@production", "--data", TestData.file(TestData.PBMC68K).toString(),
                "--out", out.toString(), "--chunk-size", "97");
        assertEquals(0, code);
        assertEquals(Files.readAllLines(result.pbmc68kCsv()), Files.readAllLines(out));
    }

    @Test
    void cliReportsAnUnknownModelAsAnErrorMessage() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        int code = cli.execute("annotate", "--server", cluster.inferenceTarget(), "--model", "nope@production",
                "--data", TestData.file(TestData.PBMC68K).toString(), "--out", work.resolve("nope.csv").toString());
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("nope"), err.toString());
    }

    @Test
    void pbmc68kIsScoredOntologyAwareOverSharedTypes() {
        // 447 of the 700 cells carry a Cell Ontology id that occurs in training (Dendritic and CD34+
        // cells have no counterpart in the sorted set); measured ontology-aware macro-F1 0.4540, seed 0.
        assertEquals(447, result.pbmc68k().cells());
        assertTrue(result.pbmc68k().ontologyMacroF1() >= 0.42, "68k ontology-aware macro-F1 "
                + result.pbmc68k().ontologyMacroF1());
        assertTrue(demoOutput.contains("ontology macro-F1"));
    }
}
