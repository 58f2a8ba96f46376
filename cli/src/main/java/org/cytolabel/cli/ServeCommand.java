package org.cytolabel.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Runs one service in the foreground; flags are the service's own (e.g. --port, --registry). */
final class ServeCommand {
    private ServeCommand() {
    }

    @Command(name = "registry", description = "Run the registry service (--port 50051 --data-dir registry-data).")
    static final class Registry implements Callable<Integer> {
        @Parameters(arity = "0..*")
        List<String> args = List.of();

        @Override
        public Integer call() throws Exception {
            org.cytolabel.registry.server.RegistryServer.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "trainer", description = "Run the trainer service (--port 50052 --registry host:port).")
    static final class Trainer implements Callable<Integer> {
        @Parameters(arity = "0..*")
        List<String> args = List.of();

        @Override
        public Integer call() throws Exception {
            org.cytolabel.trainer.server.TrainerServer.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "inference", description = "Run the inference service (--port 50053 --registry host:port).")
    static final class Inference implements Callable<Integer> {
        @Parameters(arity = "0..*")
        List<String> args = List.of();

        @Override
        public Integer call() throws Exception {
            org.cytolabel.inference.server.Main.main(args.toArray(String[]::new));
            return 0;
        }
    }
}
