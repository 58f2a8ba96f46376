package org.cytolabel.service;

import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Server and channel builders with the project's message limits and keep-alive settings. */
public final class Transport {
    /** Largest message a server or client accepts (a model chunk, a block of cells). */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private Transport() {
    }

    /** A server on {@code host:port} (port 0 picks a free port). */
    public static ServerBuilder<?> server(String host, int port) {
        return NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
    }

    /**
     * A plaintext channel to {@code target}: {@code host:port}, or {@code dns:///name:port} for
     * client-side round-robin over every address the name resolves to.
     */
    public static ManagedChannel channel(String target) {
        return NettyChannelBuilder.forTarget(target)
                .usePlaintext()
                .defaultLoadBalancingPolicy("round_robin")
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
    }

    public static void close(ManagedChannel channel) {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
