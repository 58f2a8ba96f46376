package org.cytolabel.inference.oip;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.inference.annotate.AnnotationMetrics;
import org.cytolabel.inference.annotate.ModelResolver;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.oip.GRPCInferenceServiceGrpc;
import org.cytolabel.proto.oip.ModelConfigRequest;
import org.cytolabel.proto.oip.ModelConfigResponse;
import org.cytolabel.proto.oip.ModelInferRequest;
import org.cytolabel.proto.oip.ModelInferResponse;
import org.cytolabel.proto.oip.ModelMetadataRequest;
import org.cytolabel.proto.oip.ModelMetadataResponse;
import org.cytolabel.proto.oip.ModelReadyRequest;
import org.cytolabel.proto.oip.ModelReadyResponse;
import org.cytolabel.proto.oip.ModelStatistics;
import org.cytolabel.proto.oip.ModelStatisticsRequest;
import org.cytolabel.proto.oip.ModelStatisticsResponse;
import org.cytolabel.proto.oip.ModelStreamInferResponse;
import org.cytolabel.proto.oip.RepositoryIndexRequest;
import org.cytolabel.proto.oip.RepositoryIndexResponse;
import org.cytolabel.proto.oip.ServerLiveRequest;
import org.cytolabel.proto.oip.ServerLiveResponse;
import org.cytolabel.proto.oip.ServerMetadataRequest;
import org.cytolabel.proto.oip.ServerMetadataResponse;
import org.cytolabel.proto.oip.ServerReadyRequest;
import org.cytolabel.proto.oip.ServerReadyResponse;
import org.cytolabel.proto.registry.v1.ModelVersionSummary;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.service.StatusMapping;
import org.cytolabel.service.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol (KServe v2, Triton's {@code inference.GRPCInferenceService}) on top of
 * the registry and the shared ORT sessions, so Triton and KServe clients (tritonclient, perf_analyzer)
 * work unchanged. A model is a registry model name ({@code name@alias} allowed) with an optional
 * version number; its one input is the raw-count tensor {@code counts} FP32 [N, G] in the panel's gene
 * order; its outputs are the graph's named FP32 outputs. Unary calls share a model resolution for up
 * to {@value ResolvedModels#TTL_MILLIS} ms ({@link ResolvedModels}); a stream keeps the versions it
 * started with. Work that loads or runs a model goes to the bounded compute pool; errors map to gRPC
 * status in {@link StatusMapping}.
 */
public final class OipGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(OipGrpcService.class);
    static final String SERVER_NAME = "cytolabel";
    /** Protocol extensions served beyond the core (Triton's names). */
    static final List<String> EXTENSIONS = List.of("model_configuration", "statistics");
    static final String READY = "READY";
    static final String UNAVAILABLE = "UNAVAILABLE";

    private final OipModels models;
    private final ResolvedModels resolved;
    private final RegistryClient registry;
    private final AnnotationMetrics metrics;
    private final Executor compute;

    /**
     * @param registry the registry client the resolver uses (for RepositoryIndex and statistics)
     * @param compute  the bounded compute pool; each stream's requests run on it one at a time, in order
     */
    public OipGrpcService(ModelResolver resolver, RegistryClient registry, AnnotationMetrics metrics,
            Executor compute) {
        this.models = new OipModels(resolver);
        this.resolved = new ResolvedModels(models);
        this.registry = registry;
        this.metrics = metrics;
        this.compute = compute;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
        out.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        out.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
        out.onNext(ServerReadyResponse.newBuilder().setReady(true).build());
        out.onCompleted();
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
        String version = OipGrpcService.class.getPackage().getImplementationVersion();
        out.onNext(ServerMetadataResponse.newBuilder().setName(SERVER_NAME)
                .setVersion(version == null ? "dev" : version).addAllExtensions(EXTENSIONS).build());
        out.onCompleted();
    }

    /** Ready once the model resolves and its session loads; false (not an error) when it does not. */
    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
        answer(out, () -> {
            boolean ready;
            try (ResolvedModels.Use model = resolved.acquire(request.getName(), request.getVersion())) {
                ready = true;
            } catch (CytoLabelException e) {
                if (e.kind() == ErrorKind.INVALID_ARGUMENT) {
                    throw e;
                }
                LOG.debug("model {} version '{}' is not ready: {}", request.getName(), request.getVersion(),
                        e.getMessage());
                ready = false;
            }
            return ModelReadyResponse.newBuilder().setReady(ready).build();
        });
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
        answer(out, () -> {
            try (ResolvedModels.Use model = resolved.acquire(request.getName(), request.getVersion())) {
                return ModelDescriptions.metadata(model.model());
            }
        });
    }

    @Override
    public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
        answer(out, () -> {
            try (ResolvedModels.Use model = resolved.acquire(request.getName(), request.getVersion())) {
                return ModelConfigResponse.newBuilder().setConfig(ModelDescriptions.config(model.model())).build();
            }
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        long arrived = System.nanoTime();
        answer(out, () -> {
            long queued = System.nanoTime() - arrived;
            metrics.chunkQueued(queued);
            Transport.requireWithinLimit(request, "ModelInferRequest", "split the batch into several requests");
            try (ResolvedModels.Use model = resolved.acquire(request.getModelName(), request.getModelVersion())) {
                return models.infer(model.model(), request, queued);
            }
        });
    }

    @Override
    public StreamObserver<ModelInferRequest> modelStreamInfer(StreamObserver<ModelStreamInferResponse> out) {
        return new StreamInferCall((ServerCallStreamObserver<ModelStreamInferResponse>) out,
                MoreExecutors.newSequentialExecutor(compute), models, metrics).start();
    }

    /**
     * Statistics of the versions that ran here; a named model that has not run yet gets zeros for the
     * version it resolves to (NOT_FOUND when it does not exist).
     */
    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
        answer(out, () -> {
            String name = request.getName();
            int version = 0;
            if (!name.isEmpty() && !request.getVersion().isEmpty()) {
                version = OipModelRef.parse(name, request.getVersion()).getVersion();
            }
            List<ModelStatistics> stats = models.served().statistics(name, version);
            if (stats.isEmpty() && !name.isEmpty()) {
                ModelCard card = registry.resolve(OipModelRef.parse(name, request.getVersion()));
                stats = models.served().statistics(card.getName(), card.getVersion());
                if (stats.isEmpty()) {
                    stats = List.of(ServedVersions.empty(card.getName(), card.getVersion()));
                }
            }
            return ModelStatisticsResponse.newBuilder().addAllModelStats(stats).build();
        });
    }

    /**
     * The registry's models, each with its latest version: READY when this replica has loaded it,
     * else UNAVAILABLE (it loads on the first ModelReady, ModelMetadata, ModelConfig or ModelInfer).
     */
    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
        answer(out, () -> {
            Map<String, Integer> latest = new TreeMap<>();
            for (ModelVersionSummary v : registry.list("")) {
                latest.merge(v.getName(), v.getVersion(), Math::max);
            }
            List<RepositoryIndexResponse.ModelIndex> index = new ArrayList<>();
            latest.forEach((name, version) -> {
                boolean ready = models.served().isLoaded(name, version);
                if (ready || !request.getReady()) {
                    index.add(RepositoryIndexResponse.ModelIndex.newBuilder()
                            .setName(name)
                            .setVersion(Integer.toString(version))
                            .setState(ready ? READY : UNAVAILABLE)
                            .setReason(ready ? "" : "not loaded on this replica yet; it loads on the first"
                                    + " ModelReady, ModelMetadata, ModelConfig or ModelInfer")
                            .build());
                }
            });
            return RepositoryIndexResponse.newBuilder().addAllModels(index).build();
        });
    }

    /** Runs {@code work} on the compute pool and answers with its result or its error's status. */
    private <T> void answer(StreamObserver<T> observer, Supplier<T> work) {
        var out = (ServerCallStreamObserver<T>) observer;
        out.setOnCancelHandler(() -> { });
        CompletableFuture<T> result;
        try {
            result = CompletableFuture.supplyAsync(() -> out.isCancelled() ? null : work.get(), compute);
        } catch (RejectedExecutionException e) {
            out.onError(StatusMapping.toStatus(new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED,
                    "the inference server is at capacity; retry with backoff or use another replica")));
            return;
        }
        result.whenComplete((response, error) -> {
            if (out.isCancelled()) {
                return;
            }
            if (error != null) {
                out.onError(StatusMapping.toStatus(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error));
            } else {
                out.onNext(response);
                out.onCompleted();
            }
        });
    }
}
