package org.cytolabel.trainer.grpc;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.cytolabel.proto.trainer.v1.DatasetHeader;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.FileStart;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.TrainerGrpc;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.proto.trainer.v1.UploadDatasetRequest;
import org.cytolabel.proto.trainer.v1.WatchJobRequest;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.registry.server.RegistryConfig;
import org.cytolabel.registry.server.RegistryServer;
import org.cytolabel.service.Transport;
import org.cytolabel.trainer.server.TrainerConfig;
import org.cytolabel.trainer.server.TrainerServer;

/**
 * A real registry and a real trainer on 127.0.0.1 (free ports, data under one directory), a
 * channel to the trainer, and helpers that speak the Trainer API the way a client does.
 */
final class TrainerCluster implements AutoCloseable {
    static final int CHUNK = 256 * 1024;
    private static final long MAX_UPLOAD_BYTES = 64L << 20;

    final Path trainerData;
    final RegistryServer registryServer;
    final TrainerServer trainer;
    final RegistryClient registry;
    final ManagedChannel channel;

    private TrainerCluster(Path trainerData, RegistryServer registryServer, TrainerServer trainer,
            RegistryClient registry, ManagedChannel channel) {
        this.trainerData = trainerData;
        this.registryServer = registryServer;
        this.trainer = trainer;
        this.registry = registry;
        this.channel = channel;
    }

    static TrainerCluster start(Path dir) {
        RegistryServer reg = RegistryServer.start(new RegistryConfig("127.0.0.1", 0, dir.resolve("registry"), -1));
        String registryTarget = "127.0.0.1:" + reg.port();
        Path data = dir.resolve("trainer");
        TrainerServer trainer = TrainerServer.start(new TrainerConfig("127.0.0.1", 0, registryTarget, data, -1, 1,
                MAX_UPLOAD_BYTES));
        return new TrainerCluster(data, reg, trainer, RegistryClient.connect(registryTarget),
                Transport.channel("127.0.0.1:" + trainer.port()));
    }

    TrainerGrpc.TrainerBlockingStub blocking() {
        return TrainerGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** Uploads the files (a single .h5ad, or the files of a 10x directory) with their sha256. */
    DatasetInfo uploadFiles(String name, String format, Path... files) {
        List<UploadDatasetRequest> msgs = new ArrayList<>();
        msgs.add(header(name, format));
        for (Path f : files) {
            byte[] bytes = read(f);
            msgs.addAll(file(f.getFileName().toString(), bytes, bytes.length, sha256(bytes)));
        }
        return send(msgs);
    }

    /** Every regular file of a directory, in name order. */
    static Path[] filesOf(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toArray(Path[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static UploadDatasetRequest header(String name, String format) {
        return UploadDatasetRequest.newBuilder().setHeader(DatasetHeader.newBuilder().setName(name).setFormat(format))
                .build();
    }

    /** A FileStart declaring {@code declaredSize} and {@code sha} (may be ""), then the bytes in chunks. */
    static List<UploadDatasetRequest> file(String name, byte[] bytes, long declaredSize, String sha) {
        List<UploadDatasetRequest> msgs = new ArrayList<>();
        msgs.add(UploadDatasetRequest.newBuilder().setFile(FileStart.newBuilder().setName(name)
                .setSizeBytes(declaredSize).setSha256(sha)).build());
        for (int off = 0; off < bytes.length; off += CHUNK) {
            msgs.add(UploadDatasetRequest.newBuilder()
                    .setChunk(ByteString.copyFrom(bytes, off, Math.min(CHUNK, bytes.length - off))).build());
        }
        return msgs;
    }

    /** Streams the messages and returns the reply; a failed call throws its StatusRuntimeException. */
    DatasetInfo send(List<UploadDatasetRequest> msgs) {
        CompletableFuture<DatasetInfo> result = new CompletableFuture<>();
        StreamObserver<UploadDatasetRequest> req = TrainerGrpc.newStub(channel)
                .withDeadlineAfter(120, TimeUnit.SECONDS).uploadDataset(new StreamObserver<>() {
                    @Override
                    public void onNext(DatasetInfo info) {
                        result.complete(info);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        result.complete(null);
                    }
                });
        for (UploadDatasetRequest m : msgs) {
            if (result.isDone()) {
                break;
            }
            req.onNext(m);
        }
        req.onCompleted();
        try {
            return result.get(150, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw sre;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("upload did not finish", e);
        }
    }

    String submit(TrainingRequest request) {
        return blocking().submitTraining(request).getJobId();
    }

    /** Every event of the job, replayed and live, until the stream ends with the terminal phase. */
    List<JobEvent> watch(String jobId) {
        List<JobEvent> events = new ArrayList<>();
        Iterator<JobEvent> it = TrainerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES)
                .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
        it.forEachRemaining(events::add);
        return events;
    }

    static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Transport.close(channel);
        trainer.close();
        registry.close();
        registryServer.close();
    }
}
