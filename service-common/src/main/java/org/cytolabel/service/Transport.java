package org.cytolabel.service;

import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.service.security.ClientSecurity;
import org.cytolabel.service.security.Security;

/**
 * Server and channel builders with the project's message limits and keep-alive settings, and TLS
 * from {@link Security} / {@link ClientSecurity} (the environment unless given).
 */
public final class Transport {
    /** Largest message a server or client accepts (a model chunk, a block of cells). */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    /**
     * What a server's transport reads before it gives up on a message. Above the application limit on
     * purpose: gRPC answers a message over its own limit by resetting the stream (the client sees a
     * bare CANCELLED), so messages between the two limits reach the service, which refuses them with
     * RESOURCE_EXHAUSTED and a hint ({@link #requireWithinLimit}).
     */
    public static final int SERVER_INBOUND_BYTES = 4 * MAX_MESSAGE_BYTES;

    private Transport() {
    }

    /**
     * A server on {@code host:port} (port 0 picks a free port), with TLS when the environment asks
     * for it ({@link Security#fromEnvironment()}).
     */
    public static ServerBuilder<?> server(String host, int port) {
        return server(host, port, Security.fromEnvironment());
    }

    /** A server on {@code host:port}, plaintext or TLS as {@code security} says. */
    public static ServerBuilder<?> server(String host, int port, Security security) {
        NettyServerBuilder b;
        try {
            b = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), security.serverCredentials());
        } catch (IllegalArgumentException e) {
            throw CytoLabelException.invalid("the TLS certificate or key is unusable (" + security.tls() + "): "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        return b.maxInboundMessageSize(SERVER_INBOUND_BYTES)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
    }

    /**
     * A channel to {@code target}: {@code host:port}, or {@code dns:///name:port} for client-side
     * round-robin over every address the name resolves to. Token and TLS come from the environment
     * ({@link ClientSecurity#fromEnvironment()}); with nothing set it is plaintext without a token.
     */
    public static ManagedChannel channel(String target) {
        return channel(target, ClientSecurity.fromEnvironment());
    }

    /** A channel to {@code target} that sends and trusts what {@code security} says. */
    public static ManagedChannel channel(String target, ClientSecurity security) {
        return NettyChannelBuilder.forTarget(target, security.channelCredentials())
                .defaultLoadBalancingPolicy("round_robin")
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
    }

    /**
     * Refuses a message over {@link #MAX_MESSAGE_BYTES} with RESOURCE_EXHAUSTED that says how to send
     * it instead ({@code what}: e.g. "a CellChunk", {@code split}: the advice).
     */
    public static void requireWithinLimit(com.google.protobuf.MessageLite message, String what, String split) {
        int size = message.getSerializedSize();
        if (size > MAX_MESSAGE_BYTES) {
            throw new CytoLabelException(org.cytolabel.core.error.ErrorKind.RESOURCE_EXHAUSTED, String.format(
                    "%s of %.1f MiB is over the %d MiB message limit; %s", what, size / 1048576.0,
                    MAX_MESSAGE_BYTES >> 20, split));
        }
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
