package org.cytolabel.registry.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.registry.domain.ModelRegistry;
import org.cytolabel.registry.grpc.RegistryGrpcService;
import org.cytolabel.service.GrpcServer;
import org.cytolabel.service.MetricsEndpoint;
import org.cytolabel.service.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry process: domain, gRPC server (health, reflection, RPC metrics) and {@code /metrics}. */
public final class RegistryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
    private static final int THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final RegistryConfig config;
    private final ModelRegistry registry;
    private final MetricsEndpoint metrics;
    private final ExecutorService executor;
    private final GrpcServer grpc;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RegistryServer(RegistryConfig config, ModelRegistry registry, MetricsEndpoint metrics,
            ExecutorService executor, GrpcServer grpc) {
        this.config = config;
        this.registry = registry;
        this.metrics = metrics;
        this.executor = executor;
        this.grpc = grpc;
    }

    /** Opens the data directory (recovering from any crash) and starts serving. */
    public static RegistryServer start(RegistryConfig config) {
        ModelRegistry registry = ModelRegistry.open(config.dataDir(), config.metadata());
        MetricsEndpoint metrics = null;
        ExecutorService executor = null;
        try {
            metrics = MetricsEndpoint.start("registry", config.host(), config.metricsPort());
            bindMeters(metrics.registry(), registry);
            executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
            GrpcServer grpc = GrpcServer.builder("registry", Transport.server(config.host(), config.port())
                            .executor(executor))
                    .service(new RegistryGrpcService(registry))
                    .meterRegistry(metrics.registry())
                    .drain(Duration.ofSeconds(10))
                    .build()
                    .start();
            LOG.info("registry serving {} (metadata: {}) on {}:{} (metrics port {})", config.dataDir().toAbsolutePath(),
                    config.metadata().describe(config.dataDir()), config.host(), grpc.port(), metrics.port());
            return new RegistryServer(config, registry, metrics, executor, grpc);
        } catch (RuntimeException e) {
            if (executor != null) {
                executor.shutdownNow();
            }
            if (metrics != null) {
                metrics.close();
            }
            registry.close();
            throw e;
        }
    }

    public int port() {
        return grpc.port();
    }

    /** The {@code /metrics} port, or -1 when none is served. */
    public int metricsPort() {
        return metrics.port();
    }

    /** The domain service behind the server (for embedding it, e.g. in a demo). */
    public ModelRegistry registry() {
        return registry;
    }

    public RegistryConfig config() {
        return config;
    }

    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    /** Ends watches (clients reconnect elsewhere), drains calls, then releases the stores. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        registry.events().close();
        grpc.close();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        registry.close();
        metrics.close();
    }

    public static void main(String[] args) throws InterruptedException {
        RegistryConfig config;
        try {
            config = RegistryConfig.fromArgs(args);
        } catch (CytoLabelException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        RegistryServer server = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "registry-shutdown"));
        server.awaitTermination();
    }

    private static void bindMeters(MeterRegistry meters, ModelRegistry registry) {
        Gauge.builder("cytolabel.registry.watchers", registry.events(), e -> e.subscriberCount())
                .description("open WatchModels subscriptions")
                .register(meters);
        Gauge.builder("cytolabel.registry.events", registry.events(), e -> e.sequence())
                .description("sequence number of the last registry event")
                .register(meters);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "registry-grpc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
