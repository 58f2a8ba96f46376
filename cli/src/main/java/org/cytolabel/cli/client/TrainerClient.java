package org.cytolabel.cli.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.trainer.v1.DatasetHeader;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.FileStart;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.TrainerGrpc;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.proto.trainer.v1.UploadDatasetRequest;
import org.cytolabel.proto.trainer.v1.WatchJobRequest;
import org.cytolabel.service.StatusMapping;

/** Uploads datasets to the trainer, submits training and follows a job to its end. */
public final class TrainerClient {
    private static final int CHUNK = 1 << 20;
    private final Channel channel;

    public TrainerClient(Channel channel) {
        this.channel = channel;
    }

    /** Uploads an .h5ad file or a 10x directory under {@code name}. */
    public DatasetInfo upload(Path path, String name) {
        List<Path> files = files(path);
        String format = Files.isDirectory(path) ? "10x" : "h5ad";
        CompletableFuture<DatasetInfo> result = new CompletableFuture<>();
        StreamObserver<UploadDatasetRequest> req = TrainerGrpc.newStub(channel).uploadDataset(new StreamObserver<>() {
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
        try {
            req.onNext(UploadDatasetRequest.newBuilder()
                    .setHeader(DatasetHeader.newBuilder().setName(name).setFormat(format)).build());
            byte[] buf = new byte[CHUNK];
            for (Path f : files) {
                req.onNext(UploadDatasetRequest.newBuilder().setFile(FileStart.newBuilder()
                        .setName(f.getFileName().toString()).setSizeBytes(Files.size(f))).build());
                try (InputStream in = Files.newInputStream(f)) {
                    int n;
                    while ((n = in.readNBytes(buf, 0, buf.length)) > 0 && !result.isDone()) {
                        req.onNext(UploadDatasetRequest.newBuilder().setChunk(ByteString.copyFrom(buf, 0, n)).build());
                    }
                }
            }
            req.onCompleted();
        } catch (IOException e) {
            req.onError(e);
            throw new UncheckedIOException("cannot read " + path, e);
        }
        return await(result);
    }

    public String submit(TrainingRequest request) {
        try {
            return TrainerGrpc.newBlockingStub(channel).submitTraining(request).getJobId();
        } catch (StatusRuntimeException e) {
            throw StatusMapping.fromStatus(e);
        }
    }

    /** Blocks while the job runs, handing each event to {@code onEvent}; returns the terminal event. */
    public JobEvent follow(String jobId, Consumer<JobEvent> onEvent) {
        JobEvent last = null;
        try {
            Iterator<JobEvent> it = TrainerGrpc.newBlockingStub(channel)
                    .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
            while (it.hasNext()) {
                last = it.next();
                onEvent.accept(last);
            }
        } catch (StatusRuntimeException e) {
            throw StatusMapping.fromStatus(e);
        }
        if (last == null) {
            throw CytoLabelException.precondition("job " + jobId + " sent no events");
        }
        return last;
    }

    /** Submits {@code request}, shows its progress on {@code out}, and returns the published card. */
    public ModelCard train(java.io.PrintStream out, TrainingRequest request) {
        return train(out, request, new java.util.ArrayList<>());
    }

    /** As {@link #train(java.io.PrintStream, TrainingRequest)}, collecting the per-epoch events in {@code epochs}. */
    public ModelCard train(java.io.PrintStream out, TrainingRequest request, List<JobEvent> epochs) {
        String job = submit(request);
        out.printf("training %s (%s), job %s%n", request.getPublishAs(), request.getModelKind(), job);
        ProgressBar[] bar = new ProgressBar[1];
        JobEvent last = follow(job, e -> {
            if (e.getPhase() == JobEvent.Phase.TRAINING && e.getEpoch() > 0) {
                epochs.add(e);
                if (bar[0] == null) {
                    bar[0] = new ProgressBar("  epochs", e.getMaxEpochs(), "epochs");
                }
                bar[0].set(e.getEpoch());
            } else if (!e.getMessage().isEmpty()) {
                if (bar[0] != null) {
                    bar[0].close();
                    bar[0] = null;
                }
                out.println("  " + e.getPhase() + ": " + e.getMessage());
            }
        });
        if (bar[0] != null) {
            bar[0].close();
        }
        if (last.getPhase() != JobEvent.Phase.SUCCEEDED) {
            throw CytoLabelException.precondition("training " + request.getPublishAs() + " ended " + last.getPhase()
                    + ": " + last.getMessage());
        }
        return last.getCard();
    }

    private static List<Path> files(Path path) {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw CytoLabelException.notFound(path + " does not exist; give an .h5ad file or a 10x directory");
        }
        try (Stream<Path> s = Files.list(path)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CytoLabelException.precondition("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw StatusMapping.fromStatus(sre);
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
