package org.cytolabel.cli;

import org.cytolabel.core.error.CytoLabelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cytolabel demo | train | annotate | bench | report | registry | trainer | inference | run-job}. */
@Command(name = "cytolabel", mixinStandardHelpOptions = true, version = "cytolabel 0.1.0",
        description = "Train and serve single-cell cell-type classifiers over gRPC.",
        subcommands = {DemoCommand.class, TrainCommand.class, AnnotateCommand.class, ServeCommand.Registry.class,
            ServeCommand.Trainer.class, ServeCommand.Inference.class, RunJobCommand.class,
            org.cytolabel.cli.bench.BenchCommand.class, org.cytolabel.cli.report.ReportCommand.class,
            PretrainCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: a user's mistake prints its message and exits 2. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CytoLabelException ce) {
                cmd.getErr().println("error: " + ce.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
