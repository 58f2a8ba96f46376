package org.cytolabel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The service subcommands hand every flag to the service's own parser (as the container images do). */
class ServeCommandTest {

    @Test
    void flagsPassThroughToTheService() {
        CommandLine cli = new CommandLine(new Main());
        var parsed = cli.parseArgs("trainer", "--port", "50052", "--registry=r:50051", "--runner", "kubernetes");
        ServeCommand.Trainer trainer = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertEquals(List.of("--port", "50052", "--registry=r:50051", "--runner", "kubernetes"), trainer.args);

        parsed = new CommandLine(new Main()).parseArgs("registry", "--port", "1", "--data-dir", "d");
        ServeCommand.Registry registry = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertEquals(List.of("--port", "1", "--data-dir", "d"), registry.args);
    }
}
