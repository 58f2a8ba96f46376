package org.cytolabel.inference.server;

/**
 * How an inference replica runs.
 *
 * @param host           address to bind gRPC and /metrics on
 * @param port           gRPC port (0 picks a free one)
 * @param registryTarget the registry, {@code host:port} or {@code dns:///name:port}
 * @param metricsPort    Prometheus /metrics port (0 picks one, -1 serves none)
 * @param cuda           try the CUDA execution provider, falling back to CPU
 * @param intraOpThreads ORT threads per run (0: the available processors)
 */
public record InferenceConfig(String host, int port, String registryTarget, int metricsPort, boolean cuda,
        int intraOpThreads) {

    public InferenceConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be set (e.g. 0.0.0.0)");
        }
        if (registryTarget == null || registryTarget.isBlank()) {
            throw new IllegalArgumentException("registryTarget must be set (e.g. localhost:50051)");
        }
    }

    /** Ephemeral ports on loopback, CPU, default threads: for tests. */
    public static InferenceConfig local(String registryTarget) {
        return new InferenceConfig("127.0.0.1", 0, registryTarget, -1, false, 0);
    }

    /** Threads computing chunks: one per core (each ORT run uses {@link #intraOpThreads()} itself). */
    public int computeThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
