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
import java.util.concurrent.atomic.AtomicBoolean;
import org.cytolabel.service.security.Security;
import org.cytolabel.service.security.TokenAuthInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC server with health (overall and per service), reflection and RPC metrics, bearer-token
 * access control ({@link Security}), and a graceful drain on close: health NOT_SERVING, then
 * shutdown, then await, then shutdownNow. Health and reflection are never behind the token check.
 */
public final class GrpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);
    /**
     * Health service name that is SERVING from start to drain whatever the readiness: what liveness
     * probes ask, so a replica still loading its models is not restarted.
     */
    public static final String LIVENESS = "liveness";

    private final String name;
    private final Server server;
    private final Server healthServer;
    private final HealthStatusManager health;
    private final List<String> serviceNames;
    private final Duration drain;
    private final String security;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final boolean readyLater;

    private GrpcServer(String name, Server server, Server healthServer, HealthStatusManager health,
            List<String> serviceNames, Duration drain, String security, boolean readyLater) {
        this.readyLater = readyLater;
        this.name = name;
        this.server = server;
        this.healthServer = healthServer;
        this.health = health;
        this.serviceNames = serviceNames;
        this.drain = drain;
        this.security = security;
    }

    /** A server whose token checks come from the environment ({@link Security#fromEnvironment()}). */
    public static Builder builder(String name, ServerBuilder<?> serverBuilder) {
        return builder(name, serverBuilder, Security.fromEnvironment());
    }

    /**
     * A server whose token checks follow {@code security}; pass the same value to
     * {@link Transport#server(String, int, Security)} for its TLS.
     */
    public static Builder builder(String name, ServerBuilder<?> serverBuilder, Security security) {
        return new Builder(name, serverBuilder, security);
    }

    public GrpcServer start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " could not bind its port: " + e.getMessage(), e);
        }
        if (healthServer != null) {
            try {
                healthServer.start();
            } catch (IOException e) {
                server.shutdownNow();
                throw new UncheckedIOException(name + " could not bind its health port (" + Security.HEALTH_PORT
                        + "): " + e.getMessage(), e);
            }
            LOG.info("{} serves plaintext health checks on port {}", name, healthServer.getPort());
        }
        health.setStatus(LIVENESS, ServingStatus.SERVING);
        if (readyLater) {
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
            for (String s : serviceNames) {
                health.setStatus(s, ServingStatus.NOT_SERVING);
            }
        } else {
            markReady();
        }
        LOG.info("{} listening on port {} ({}){}", name, server.getPort(), security,
                readyLater ? "; not ready until it says so" : "");
        return this;
    }

    /** Health SERVING for the server and its services (at start, unless built with {@code readyLater}). */
    public void markReady() {
        if (closed.get()) {
            return;
        }
        for (String s : serviceNames) {
            health.setStatus(s, ServingStatus.SERVING);
        }
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    }

    public int port() {
        return server.getPort();
    }

    /** The plaintext health-only port, or -1 when there is none. */
    public int healthPort() {
        return healthServer == null ? -1 : healthServer.getPort();
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

    /** Drains and stops; a second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
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
        if (healthServer != null) {
            healthServer.shutdownNow(); // probes saw NOT_SERVING for the whole drain
        }
        LOG.info("{} stopped", name);
    }

    public static final class Builder {
        private final String name;
        private final ServerBuilder<?> sb;
        private final Security security;
        private final List<BindableService> services = new ArrayList<>();
        private final List<io.grpc.ServerInterceptor> interceptors = new ArrayList<>();
        private MeterRegistry meters;
        private Duration drain = Duration.ofSeconds(20);
        private boolean readyLater;

        private Builder(String name, ServerBuilder<?> sb, Security security) {
            this.name = name;
            this.sb = sb;
            this.security = security;
        }

        public Builder service(BindableService service) {
            services.add(service);
            return this;
        }

        /**
         * Interceptors applied to every application service (first added runs first), after the
         * metrics and token checks.
         */
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

        /** Health stays NOT_SERVING after start until {@link GrpcServer#markReady()} (e.g. models still loading). */
        public Builder readyLater(boolean later) {
            this.readyLater = later;
            return this;
        }

        public GrpcServer build() {
            HealthStatusManager health = new HealthStatusManager();
            List<String> names = new ArrayList<>();
            List<io.grpc.ServerInterceptor> all = new ArrayList<>();
            if (meters != null) {
                all.add(new MetricCollectingServerInterceptor(meters));
            }
            TokenAuthInterceptor auth = security.authInterceptor().orElse(null);
            if (auth != null) {
                all.add(auth);
                if (security.tls() == null) {
                    LOG.warn("{}: bearer tokens arrive in plaintext; set {} and {} (or run behind a mesh with "
                            + "mutual TLS)", name, Security.TLS_CERT, Security.TLS_KEY);
                }
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
            Server healthOnly = security.healthPort() < 0 ? null
                    : Transport.server("0.0.0.0", security.healthPort(), Security.NONE)
                            .addService(health.getHealthService()).build();
            String summary = security.describe() + (auth == null ? "" : ", " + auth.describe());
            return new GrpcServer(name, sb.build(), healthOnly, health, List.copyOf(names), drain, summary, readyLater);
        }
    }
}
