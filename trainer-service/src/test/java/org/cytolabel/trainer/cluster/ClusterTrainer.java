package org.cytolabel.trainer.cluster;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.TestData;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.TrainerGrpc;
import org.cytolabel.proto.trainer.v1.WatchJobRequest;
import org.cytolabel.trainer.dataset.DatasetStore;
import org.cytolabel.trainer.dataset.DatasetUpload;
import org.cytolabel.trainer.grpc.TrainerGrpcService;
import org.cytolabel.trainer.job.JobManager;

/**
 * The trainer's gRPC API over a {@link KubernetesJobRunner} talking to fabric8's mock API server:
 * a real dataset store (one uploaded h5ad), a recording model lookup, an in-process channel.
 */
final class ClusterTrainer implements AutoCloseable {
    static final String NAMESPACE = "cytolabel-test";
    /** What the fake registry answers for every lookup. */
    static final ModelCard CARD = ModelCard.newBuilder().setName("kang").setVersion(7).setSha256("ab".repeat(32))
            .addAliases("production").build();

    final KubernetesClient kube;
    final DatasetStore store;
    final String datasetId;
    final List<String> lookups = new CopyOnWriteArrayList<>();
    final JobManager jobs;
    final TrainerGrpc.TrainerBlockingStub blocking;
    private final Server server;
    private final ManagedChannel channel;
    private final ExecutorService parsing = Executors.newSingleThreadExecutor();

    ClusterTrainer(KubernetesClient kube, Path dir, KubernetesJobConfig config) {
        this.kube = kube;
        this.store = new DatasetStore(dir, 1L << 30);
        this.datasetId = upload(store, TestData.file(TestData.KANG_EXAMPLE));
        this.jobs = new JobManager(new KubernetesJobRunner(kube, config, ref -> {
            lookups.add(ref);
            return CARD;
        }));
        String name = InProcessServerBuilder.generateName();
        try {
            this.server = InProcessServerBuilder.forName(name).directExecutor()
                    .addService(new TrainerGrpcService(store, jobs, parsing)).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        this.blocking = TrainerGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** The template the tests configure: a GPU job with every key set. */
    static KubernetesJobConfig gpuConfig() {
        Properties p = new Properties();
        p.setProperty("image", "ghcr.io/cytolabel/trainer:0.1.0");
        p.setProperty("command", "java -jar /app/cytolabel-cli.jar");
        p.setProperty("namespace", NAMESPACE);
        p.setProperty("resources.cpu", "4");
        p.setProperty("resources.memory", "16Gi");
        p.setProperty("resources.gpu", "1");
        p.setProperty("nodeSelector.cloud.google.com/gke-accelerator", "nvidia-l4");
        p.setProperty("serviceAccount", "cytolabel-training-job");
        p.setProperty("registry", "cytolabel-registry:50051");
        p.setProperty("datasets.claim", "cytolabel-trainer-data");
        p.setProperty("datasets.subPath", "trainer");
        p.setProperty("backoffLimit", "1");
        p.setProperty("ttlSecondsAfterFinished", "600");
        p.setProperty("activeDeadlineSeconds", "7200");
        p.setProperty("env.JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75");
        p.setProperty("secretEnv.CYTOLABEL_TOKEN", "cytolabel-tokens/trainer");
        p.setProperty("secretMount.cytolabel-registry-ca", "/etc/cytolabel/ca");
        p.setProperty("labels.app.kubernetes.io/instance", "prod");
        return KubernetesJobConfig.fromProperties(p, "unused:1");
    }

    /** Opens WatchJob; events arrive in the returned queue, a terminal one ends the stream. */
    BlockingQueue<JobEvent> watch(String jobId) {
        BlockingQueue<JobEvent> q = new LinkedBlockingQueue<>();
        TrainerGrpc.newStub(channel).watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(JobEvent e) {
                        q.add(e);
                    }

                    @Override
                    public void onError(Throwable t) {
                        q.add(JobEvent.newBuilder().setMessage("stream error: " + t).build());
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return q;
    }

    Job job(String jobId) {
        return kube.batch().v1().jobs().inNamespace(NAMESPACE).withName(TrainingJobSpec.jobName(jobId)).get();
    }

    private static String upload(DatasetStore store, Path h5ad) {
        DatasetUpload u = store.begin("kang", "h5ad");
        try {
            byte[] bytes = Files.readAllBytes(h5ad);
            u.startFile(h5ad.getFileName().toString(), bytes.length, "");
            u.write(bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return store.commit(u).id();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        jobs.close();
        parsing.shutdownNow();
    }
}
