package org.cytolabel.inference.server;

import io.micrometer.core.instrument.Gauge;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cytolabel.inference.annotate.AnnotationMetrics;
import org.cytolabel.inference.annotate.ModelResolver;
import org.cytolabel.inference.batch.Batchers;
import org.cytolabel.inference.grpc.AnnotatorGrpcService;
import org.cytolabel.inference.runtime.ExecutionProviders;
import org.cytolabel.inference.runtime.SessionCache;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.service.GrpcServer;
import org.cytolabel.service.MetricsEndpoint;
import org.cytolabel.service.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An inference replica: the Annotator gRPC API (with health, reflection, RPC metrics and drain), a
 * bounded compute pool, shared ORT sessions and the registry client that feeds them.
 */
public final class InferenceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);
    /** Sessions kept open while idle. */
    static final int MAX_RESIDENT_MODELS = 8;
    /** Streams whose next task may wait for a compute thread before new work is refused. */
    static final int COMPUTE_QUEUE = 4096;

    private final MetricsEndpoint metrics;
    private final RegistryClient registry;
    private final SessionCache sessions;
    private final ModelResolver resolver;
    private final ThreadPoolExecutor compute;
    private final GrpcServer server;
    private final ExecutionProviders providers;
    private Batchers batchers;

    private InferenceServer(MetricsEndpoint metrics, RegistryClient registry, SessionCache sessions,
            ModelResolver resolver, ThreadPoolExecutor compute, GrpcServer server, ExecutionProviders providers) {
        this.metrics = metrics;
        this.registry = registry;
        this.sessions = sessions;
        this.resolver = resolver;
        this.compute = compute;
        this.server = server;
        this.providers = providers;
    }

    public static InferenceServer start(InferenceConfig config) {
        MetricsEndpoint metrics = MetricsEndpoint.start("inference-service", config.host(), config.metricsPort());
        ExecutionProviders providers = new ExecutionProviders(config.cuda(), config.intraOpThreads());
        AnnotationMetrics meters = new AnnotationMetrics(metrics.registry(), providers.provider().tag());
        SessionCache sessions = new SessionCache(providers, MAX_RESIDENT_MODELS);
        meters.bindSessions(sessions);
        RegistryClient registry = RegistryClient.connect(config.registryTarget());
        ModelResolver resolver = new ModelResolver(registry, sessions, meters);
        resolver.follow();
        ThreadPoolExecutor compute = computePool(config.computeThreads());
        Gauge.builder("cytolabel.inference.compute.queue", compute, p -> p.getQueue().size())
                .description("streams waiting for a compute thread").register(metrics.registry());
        Batchers batchers = new Batchers(config.batchSettings(), compute, meters.batchListener());
        meters.bindBatchers(batchers);
        GrpcServer server = GrpcServer.builder("inference-service", Transport.server(config.host(), config.port()))
                .service(new AnnotatorGrpcService(resolver, meters, compute, batchers))
                .service(new org.cytolabel.inference.oip.OipGrpcService(resolver, registry, meters, compute))
                .meterRegistry(metrics.registry())
                .drain(Duration.ofSeconds(20))
                .readyLater(!config.preload().isEmpty())
                .build()
                .start();
        resolver.reportHealthTo((ref, serving) -> server.health().setStatus(ref,
                serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING));
        if (!config.preload().isEmpty()) {
            preload(resolver, server, config.preload());
        }
        LOG.info("inference-service on port {} (registry {}, provider {}, {} compute threads x {} intra-op, metrics {})",
                server.port(), config.registryTarget(), providers.provider().tag(), config.computeThreads(),
                providers.intraOpThreads(), metrics.port());
        InferenceServer started = new InferenceServer(metrics, registry, sessions, resolver, compute, server, providers);
        started.batchers = batchers;
        return started;
    }

    /** Loads and warms the default models, then reports the replica ready (health SERVING). */
    private static void preload(ModelResolver resolver, GrpcServer server, List<String> refs) {
        Thread t = new Thread(() -> {
            for (String text : refs) {
                long start = System.nanoTime();
                while (true) {
                    try {
                        resolver.preload(RegistryClient.parseRef(text), text);
                        LOG.info("preloaded {} in {} ms", text, (System.nanoTime() - start) / 1_000_000);
                        break;
                    } catch (RuntimeException e) {
                        LOG.warn("preloading {} failed ({}); the replica stays not ready, retrying in 5 s", text,
                                e.getMessage());
                        try {
                            Thread.sleep(5000);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }
            server.markReady();
            LOG.info("ready: default models {} loaded", refs);
        }, "model-preload");
        t.setDaemon(true);
        t.start();
    }

    private static ThreadPoolExecutor computePool(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "annotate-compute-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(COMPUTE_QUEUE), factory, new ThreadPoolExecutor.AbortPolicy());
    }

    public int port() {
        return server.port();
    }

    /** The /metrics port, or -1 when none is served. */
    public int metricsPort() {
        return metrics.port();
    }

    /** The execution provider sessions run on ("cpu" or "cuda"). */
    public String provider() {
        return providers.provider().tag();
    }

    public SessionCache sessions() {
        return sessions;
    }

    /** Where model references are routed (rollout state). */
    public ModelResolver resolver() {
        return resolver;
    }

    /** The registry the domain and RPC meters go to (scraped at /metrics). */
    public io.micrometer.core.instrument.MeterRegistry meters() {
        return metrics.registry();
    }

    public GrpcServer grpc() {
        return server;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Drains calls (health NOT_SERVING, shutdown, await), then stops compute, sessions and clients. */
    @Override
    public void close() {
        server.close();
        compute.shutdown();
        try {
            if (!compute.awaitTermination(10, TimeUnit.SECONDS)) {
                compute.shutdownNow();
            }
        } catch (InterruptedException e) {
            compute.shutdownNow();
            Thread.currentThread().interrupt();
        }
        batchers.close();
        resolver.close();
        sessions.close();
        registry.close();
        metrics.close();
    }
}
