package org.cytolabel.service;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC server with health (overall and per service), reflection and RPC metrics, and a graceful
 * drain on close: health NOT_SERVING, then shutdown, then await, then shutdownNow.
 */
public final class GrpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);

    private final String name;
    private final Server server;
    private final HealthStatusManager health;
    private final List<String> serviceNames;
    private final Duration drain;

    private GrpcServer(String name, Server server, HealthStatusManager health, List<String> serviceNames,
            Duration drain) {
        this.name = name;
        this.server = server;
        this.health = health;
        this.serviceNames = serviceNames;
        this.drain = drain;
    }

    public static Builder builder(String name, ServerBuilder<?> serverBuilder) {
        return new Builder(name, serverBuilder);
    }

    public GrpcServer start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " could not bind its port: " + e.getMessage(), e);
        }
        for (String s : serviceNames) {
            health.setStatus(s, ServingStatus.SERVING);
        }
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        LOG.info("{} listening on port {}", name, server.getPort());
        return this;
    }

    public int port() {
        return server.getPort();
    }

    public String name() {
        return name;
    }

    /** Health of a sub-service (e.g. one model); NOT_SERVING until it says otherwise. */
    public HealthStatusManager health() {
        return health;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{}: calls still open after {} ms drain; cancelling them", name, drain.toMillis());
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("{} stopped", name);
    }

    public static final class Builder {
        private final String name;
        private final ServerBuilder<?> sb;
        private final List<BindableService> services = new ArrayList<>();
        private final List<io.grpc.ServerInterceptor> interceptors = new ArrayList<>();
        private MeterRegistry meters;
        private Duration drain = Duration.ofSeconds(20);

        private Builder(String name, ServerBuilder<?> sb) {
            this.name = name;
            this.sb = sb;
        }

        public Builder service(BindableService service) {
            services.add(service);
            return this;
        }

        /** Interceptors applied to every application service (first added runs first). */
        public Builder intercept(io.grpc.ServerInterceptor interceptor) {
            interceptors.add(interceptor);
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = registry;
            return this;
        }

        public Builder drain(Duration d) {
            this.drain = d;
            return this;
        }

        public GrpcServer build() {
            HealthStatusManager health = new HealthStatusManager();
            List<String> names = new ArrayList<>();
            List<io.grpc.ServerInterceptor> all = new ArrayList<>();
            if (meters != null) {
                all.add(new MetricCollectingServerInterceptor(meters));
            }
            all.addAll(interceptors);
            for (BindableService s : services) {
                var def = s.bindService();
                names.add(def.getServiceDescriptor().getName());
                // ServerInterceptors.intercept runs the last interceptor first: reverse for "first added runs first".
                List<io.grpc.ServerInterceptor> order = new ArrayList<>(all);
                java.util.Collections.reverse(order);
                sb.addService(ServerInterceptors.intercept(def, order));
            }
            sb.addService(health.getHealthService());
            sb.addService(ProtoReflectionServiceV1.newInstance());
            return new GrpcServer(name, sb.build(), health, List.copyOf(names), drain);
        }
    }
}
