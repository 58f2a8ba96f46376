package org.cytolabel.trainer.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.cytolabel.core.ontology.BundledOntology;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.service.GrpcServer;
import org.cytolabel.service.MetricsEndpoint;
import org.cytolabel.service.Transport;
import org.cytolabel.trainer.dataset.DatasetStore;
import org.cytolabel.trainer.grpc.TrainerGrpcService;
import org.cytolabel.trainer.job.JobManager;
import org.cytolabel.trainer.pipeline.LabelOntology;
import org.cytolabel.trainer.pipeline.TrainingPipeline;

/** The trainer service: dataset store, job manager and the Trainer gRPC API, wired together. */
public final class TrainerServer implements AutoCloseable {
    private final GrpcServer server;
    private final MetricsEndpoint metrics;
    private final JobManager jobs;
    private final RegistryClient registry;
    private final ExecutorService parsing;

    private TrainerServer(GrpcServer server, MetricsEndpoint metrics, JobManager jobs, RegistryClient registry,
            ExecutorService parsing) {
        this.server = server;
        this.metrics = metrics;
        this.jobs = jobs;
        this.registry = registry;
        this.parsing = parsing;
    }

    public static TrainerServer start(TrainerConfig config) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        MetricsEndpoint metrics = MetricsEndpoint.start("trainer", config.host(), config.metricsPort());
        RegistryClient registry = RegistryClient.connect(config.registryTarget());
        DatasetStore store = new DatasetStore(config.dataDir(), config.maxUploadBytes());
        LabelOntology labels = new LabelOntology(BundledOntology.cellOntology(), BundledOntology.labelMap());
        TrainingPipeline pipeline = new TrainingPipeline(store, new RegistryPublisher(registry), labels);
        JobManager jobs = new JobManager(pipeline, config.concurrentJobs(), 32);
        ExecutorService parsing = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dataset-parse");
            t.setDaemon(true);
            return t;
        });
        GrpcServer server = GrpcServer.builder("trainer", Transport.server(config.host(), config.port()))
                .service(new TrainerGrpcService(store, jobs, parsing))
                .meterRegistry(metrics.registry())
                .build()
                .start();
        return new TrainerServer(server, metrics, jobs, registry, parsing);
    }

    public int port() {
        return server.port();
    }

    public int metricsPort() {
        return metrics.port();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.close();
        jobs.close();
        parsing.shutdownNow();
        registry.close();
        metrics.close();
    }

    public static void main(String[] args) throws InterruptedException {
        var flags = org.cytolabel.service.Flags.parse(args);
        TrainerConfig config = new TrainerConfig(flags.get("host", "0.0.0.0"), flags.getInt("port", 50052),
                flags.get("registry", "localhost:50051"), java.nio.file.Path.of(flags.get("data-dir", "trainer-data")),
                flags.getInt("metrics-port", 9092), flags.getInt("concurrent-jobs", 1),
                flags.getLong("max-upload-bytes", 8L << 30));
        TrainerServer s = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "trainer-shutdown"));
        s.awaitTermination();
    }
}
