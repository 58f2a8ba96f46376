package org.cytolabel.trainer.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.cytolabel.core.ontology.BundledOntology;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.service.GrpcServer;
import org.cytolabel.service.MetricsEndpoint;
import org.cytolabel.service.Transport;
import org.cytolabel.trainer.cluster.KubernetesJobRunner;
import org.cytolabel.trainer.dataset.DatasetStore;
import org.cytolabel.trainer.grpc.TrainerGrpcService;
import org.cytolabel.trainer.job.InProcessJobRunner;
import org.cytolabel.trainer.job.JobManager;
import org.cytolabel.trainer.job.JobRunner;
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

    /** Starts a trainer that runs jobs in-process. */
    public static TrainerServer start(TrainerConfig config) {
        return start(config, RunnerConfig.inProcess());
    }

    public static TrainerServer start(TrainerConfig config, RunnerConfig runnerConfig) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        MetricsEndpoint metrics = MetricsEndpoint.start("trainer", config.host(), config.metricsPort());
        RegistryClient registry = RegistryClient.connect(config.registryTarget());
        DatasetStore store = new DatasetStore(config.dataDir(), config.maxUploadBytes());
        JobRunner runner;
        try {
            runner = runner(config, runnerConfig, store, registry);
        } catch (RuntimeException e) {
            registry.close();
            metrics.close();
            throw e;
        }
        JobManager jobs = new JobManager(runner);
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

    private static JobRunner runner(TrainerConfig config, RunnerConfig runnerConfig, DatasetStore store,
            RegistryClient registry) {
        if (runnerConfig.isKubernetes()) {
            return KubernetesJobRunner.connect(runnerConfig.kubernetesJob(),
                    ref -> registry.resolve(RegistryClient.parseRef(ref)));
        }
        LabelOntology labels = new LabelOntology(BundledOntology.cellOntology(), BundledOntology.labelMap());
        TrainingPipeline pipeline = new TrainingPipeline(store, new RegistryPublisher(registry), labels);
        return new InProcessJobRunner(pipeline, config.concurrentJobs(), 32);
    }

    /** Where jobs run: "in-process" or "kubernetes". */
    public String runner() {
        return jobs.runnerName();
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
        TrainerServer s = start(config, RunnerConfig.fromFlags(flags, config.registryTarget()));
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "trainer-shutdown"));
        s.awaitTermination();
    }
}
