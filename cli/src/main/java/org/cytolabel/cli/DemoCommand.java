package org.cytolabel.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cytolabel.cli.demo.Demo;
import org.cytolabel.core.error.CytoLabelException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the three services on loopback, train on FACS-sorted PBMC, publish, and annotate a "
                + "held-out split and PBMC 68k through gRPC; print the scores.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "data", description = "The bundled data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--work-dir", defaultValue = "demo-output", description = "Where services keep state and the "
            + "demo writes predictions and plots (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--model", defaultValue = "mlp", description = "linear or mlp (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--epochs", defaultValue = "0", description = "Maximum epochs (0: the model's default).")
    int epochs;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dataDir.resolve("h5ad"))) {
            throw CytoLabelException.invalid("no h5ad/ under " + dataDir.toAbsolutePath()
                    + "; run from the repository root or pass --data-dir");
        }
        Files.createDirectories(workDir);
        Demo.run(new Demo.Config(dataDir, workDir, model, seed, epochs), System.out);
        return 0;
    }
}
