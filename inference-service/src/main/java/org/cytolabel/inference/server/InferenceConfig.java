package org.cytolabel.inference.server;

import java.util.List;
import org.cytolabel.inference.batch.BatchSettings;

/**
 * How an inference replica runs.
 *
 * @param host           address to bind gRPC and /metrics on
 * @param port           gRPC port (0 picks a free one)
 * @param registryTarget the registry, {@code host:port} or {@code dns:///name:port}
 * @param metricsPort    Prometheus /metrics port (0 picks one, -1 serves none)
 * @param cuda           try the CUDA execution provider, falling back to CPU
 * @param intraOpThreads ORT threads per run (0: the available processors)
 * @param batch          how the models' shared batchers group cells (null: {@link BatchSettings#defaults})
 * @param preload        model references ({@code name}, {@code name@alias}, {@code name:version}) loaded
 *                       and warmed before the replica reports ready; aliases among them are followed
 */
public record InferenceConfig(String host, int port, String registryTarget, int metricsPort, boolean cuda,
        int intraOpThreads, BatchSettings batch, List<String> preload) {

    public InferenceConfig(String host, int port, String registryTarget, int metricsPort, boolean cuda,
            int intraOpThreads) {
        this(host, port, registryTarget, metricsPort, cuda, intraOpThreads, null, List.of());
    }

    public InferenceConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be set (e.g. 0.0.0.0)");
        }
        if (registryTarget == null || registryTarget.isBlank()) {
            throw new IllegalArgumentException("registryTarget must be set (e.g. localhost:50051)");
        }
        preload = preload == null ? List.of() : List.copyOf(preload);
    }

    /** The batch settings, or the defaults for {@link #computeThreads()}. */
    public BatchSettings batchSettings() {
        return batch != null ? batch : BatchSettings.defaults(computeThreads());
    }

    /** The same configuration with other batch settings. */
    public InferenceConfig withBatch(BatchSettings settings) {
        return new InferenceConfig(host, port, registryTarget, metricsPort, cuda, intraOpThreads, settings, preload);
    }

    /** The same configuration with models to load before the replica is ready. */
    public InferenceConfig withPreload(List<String> refs) {
        return new InferenceConfig(host, port, registryTarget, metricsPort, cuda, intraOpThreads, batch, refs);
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
