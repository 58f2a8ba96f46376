package org.cytolabel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cytolabel.core.TestData;
import org.cytolabel.proto.model.v1.Label;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.registry.server.RegistryConfig;
import org.cytolabel.registry.server.RegistryServer;
import org.cytolabel.trainer.server.TrainerConfig;
import org.cytolabel.trainer.server.TrainerServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cytolabel train} against a real trainer and registry on 127.0.0.1: uploads the sorted
 * PBMC h5ad, trains a linear model for a few epochs, and the registry then serves it by alias.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainCommandTest {
    @TempDir
    static Path dir;

    private RegistryServer registryServer;
    private TrainerServer trainer;
    private RegistryClient registry;

    @BeforeAll
    void start() {
        registryServer = RegistryServer.start(new RegistryConfig("127.0.0.1", 0, dir.resolve("registry"), -1));
        String registryTarget = "127.0.0.1:" + registryServer.port();
        trainer = TrainerServer.start(new TrainerConfig("127.0.0.1", 0, registryTarget, dir.resolve("trainer"), -1, 1,
                64L << 20));
        registry = RegistryClient.connect(registryTarget);
    }

    @AfterAll
    void stop() {
        if (trainer != null) {
            trainer.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (registryServer != null) {
            registryServer.close();
        }
    }

    @Test
    void trainPublishesAModelTheRegistryResolvesByAlias() {
        Run run = train("--data", TestData.file(TestData.SORTED_PBMC).toString(), "--label-column", "cell_type",
                "--model", "linear", "--epochs", "3", "--seed", "0", "--name", "sorted-pbmc", "--alias", "production");
        assertEquals(0, run.code, run.out);
        assertTrue(run.out.contains(": 2140 cells x 8863 genes"), run.out);
        assertTrue(run.out.contains("published sorted-pbmc:1 (sha256 "), run.out);

        ModelCard card = registry.resolve(RegistryClient.parseRef("sorted-pbmc@production"));
        assertEquals(1, card.getVersion());
        assertEquals(List.of("production"), card.getAliasesList());
        assertEquals("linear", card.getModelKind());
        assertEquals("3", card.getHyperParametersOrThrow("epochs"));
        assertEquals(8863, card.getGenePanel().getSymbolsCount());
        assertTrue(run.out.contains(card.getSha256()), "the CLI prints the sha256 the registry holds");
        var data = card.getTrainingData();
        assertEquals("cell_type", data.getLabelColumn());
        assertEquals(428, data.getTestCells(), "default test fraction 0.2, per type");
        assertEquals(2140, data.getTrainCells() + data.getValidationCells() + data.getTestCells());
        Map<String, String> ids = new TreeMap<>();
        for (Label l : card.getLabelsList()) {
            ids.put(l.getName(), l.getCellOntologyId());
        }
        assertEquals(9, ids.size());
        assertEquals("CL:0001054", ids.get("monocytes"));
        assertEquals("CL:0000623", ids.get("nk"));
        assertTrue(ids.values().stream().allMatch(id -> id.startsWith("CL:")), ids.toString());
        var test = card.getEvaluationsList().stream().filter(e -> e.getSplit().equals("test")).findFirst()
                .orElseThrow();
        assertEquals(428, test.getCells());
        // a linear model after 3 epochs is far from converged, but well above chance (1/9)
        assertTrue(test.getAccuracy() > 0.5, "accuracy " + test.getAccuracy());
    }

    @Test
    void trainWithAWrongLabelColumnExitsNonZeroAndPublishesNothing() {
        Run run = train("--data", TestData.file(TestData.KANG_EXAMPLE).toString(), "--label-column", "cell_type",
                "--model", "linear", "--epochs", "1", "--name", "kang-wrong-column");
        assertNotEquals(0, run.code);
        assertTrue(run.out.contains("uploaded kang2018_muscat_example_sce-"), run.out);
        assertEquals(List.of(), registry.list("kang-wrong-column"));
    }

    private Run train(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "train";
        all[1] = "--trainer";
        all[2] = "127.0.0.1:" + trainer.port();
        System.arraycopy(args, 0, all, 3, args.length);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        int code;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = new CommandLine(new Main()).execute(all);
        } finally {
            System.setOut(previous);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return new Run(code, text);
    }

    private record Run(int code, String out) {
    }
}
