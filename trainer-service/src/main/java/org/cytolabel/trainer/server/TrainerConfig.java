package org.cytolabel.trainer.server;

import java.nio.file.Path;

/**
 * How a trainer runs: where it listens, where the registry is, where it keeps datasets, how many
 * jobs run at once, and the largest upload it accepts. Port 0 picks a free port; metricsPort -1
 * starts no metrics endpoint.
 */
public record TrainerConfig(String host, int port, String registryTarget, Path dataDir, int metricsPort,
        int concurrentJobs, long maxUploadBytes) {

    public static TrainerConfig defaults(String registryTarget, Path dataDir) {
        return new TrainerConfig("0.0.0.0", 50052, registryTarget, dataDir, 9092, 1, 8L << 30);
    }

    public TrainerConfig withPorts(String host, int port, int metricsPort) {
        return new TrainerConfig(host, port, registryTarget, dataDir, metricsPort, concurrentJobs, maxUploadBytes);
    }
}
