package org.cytolabel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Runs one service in the foreground; every argument goes to the service's own flag parser. */
final class ServeCommand {
    private ServeCommand() {
    }

    @Command(name = "registry", description = "Run the registry service (--port 50051 --data-dir registry-data "
            + "[--metadata-url jdbc:postgresql://...]).")
    static final class Registry implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.cytolabel.registry.server.RegistryServer.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "trainer", description = "Run the trainer service (--port 50052 --registry host:port "
            + "--data-dir trainer-data [--runner kubernetes --job-config FILE]).")
    static final class Trainer implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.cytolabel.trainer.server.TrainerServer.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "inference", description = "Run the inference service (--port 50053 --registry host:port "
            + "[--cuda] [--intra-op-threads N]).")
    static final class Inference implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.cytolabel.inference.server.Main.main(args.toArray(String[]::new));
            return 0;
        }
    }
}
