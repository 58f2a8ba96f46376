package org.cytolabel.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.service.Flags;
import org.cytolabel.trainer.server.RunnerConfig;
import org.cytolabel.trainer.server.TrainerConfig;
import org.cytolabel.trainer.server.TrainerServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training stays in-process unless the trainer is told --runner kubernetes. */
class DefaultRunnerTest {
    @TempDir
    Path dir;

    @Test
    void trainerRunsJobsInProcessByDefault() {
        try (TrainerServer s = TrainerServer.start(new TrainerConfig("127.0.0.1", 0, "127.0.0.1:1", dir, -1, 1,
                1L << 20))) {
            assertEquals("in-process", s.runner());
        }
    }

    @Test
    void flagsChooseTheRunner() throws Exception {
        assertFalse(RunnerConfig.fromFlags(Flags.parse(new String[0]), "r:1").isKubernetes());
        assertFalse(RunnerConfig.fromFlags(Flags.parse(new String[] {"--runner", "in-process"}), "r:1")
                .isKubernetes());

        Path f = dir.resolve("job.properties");
        Files.writeString(f, "image=trainer:1\ndatasets.claim=data\n");
        RunnerConfig k = RunnerConfig.fromFlags(Flags.parse(new String[] {"--runner", "kubernetes", "--job-config",
            f.toString()}), "registry:50051");
        assertTrue(k.isKubernetes());
        assertEquals("registry:50051", k.kubernetesJob().registryTarget());

        var missing = assertThrows(CytoLabelException.class,
                () -> RunnerConfig.fromFlags(Flags.parse(new String[] {"--runner", "kubernetes"}), "r:1"));
        assertTrue(missing.getMessage().contains("--job-config"), missing.getMessage());
        var unknown = assertThrows(CytoLabelException.class,
                () -> RunnerConfig.fromFlags(Flags.parse(new String[] {"--runner", "slurm"}), "r:1"));
        assertTrue(unknown.getMessage().contains("in-process or kubernetes"), unknown.getMessage());
    }
}
