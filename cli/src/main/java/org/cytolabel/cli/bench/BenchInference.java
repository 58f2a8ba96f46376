package org.cytolabel.cli.bench;

import io.grpc.ManagedChannel;
import org.cytolabel.cli.demo.LocalCluster;
import org.cytolabel.inference.server.InferenceConfig;
import org.cytolabel.inference.server.InferenceServer;
import org.cytolabel.service.Transport;

/**
 * The inference replica the gRPC rows run against: the cluster's own when it already uses the
 * requested intra-op thread count (LocalCluster runs one per available processor), else an extra
 * replica on loopback with that count, following the cluster's registry.
 */
final class BenchInference implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private final InferenceServer extra;
    private final ManagedChannel channel;
    private final int intraOpThreads;

    private BenchInference(InferenceServer extra, ManagedChannel channel, int intraOpThreads) {
        this.extra = extra;
        this.channel = channel;
        this.intraOpThreads = intraOpThreads;
    }

    static BenchInference start(LocalCluster cluster, int intraOpThreads) {
        int clusterThreads = Runtime.getRuntime().availableProcessors();
        if (intraOpThreads == clusterThreads) {
            return new BenchInference(null, cluster.inferenceChannel(), intraOpThreads);
        }
        InferenceServer server = InferenceServer.start(new InferenceConfig(HOST, 0, cluster.registryTarget(), -1,
                false, intraOpThreads));
        return new BenchInference(server, Transport.channel(HOST + ":" + server.port()), intraOpThreads);
    }

    ManagedChannel channel() {
        return channel;
    }

    int intraOpThreads() {
        return intraOpThreads;
    }

    /** Compute threads of the replica (one per available processor, see InferenceConfig). */
    int computeThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public void close() {
        if (extra != null) {
            Transport.close(channel);
            extra.close();
        }
    }
}
