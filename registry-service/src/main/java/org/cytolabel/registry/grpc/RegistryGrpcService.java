package org.cytolabel.registry.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Supplier;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.proto.registry.v1.DeleteVersionRequest;
import org.cytolabel.proto.registry.v1.DeleteVersionResponse;
import org.cytolabel.proto.registry.v1.GetModelRequest;
import org.cytolabel.proto.registry.v1.GetModelResponse;
import org.cytolabel.proto.registry.v1.ListModelsRequest;
import org.cytolabel.proto.registry.v1.ListModelsResponse;
import org.cytolabel.proto.registry.v1.ModelEvent;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.proto.registry.v1.PublishModelRequest;
import org.cytolabel.proto.registry.v1.PublishModelResponse;
import org.cytolabel.proto.registry.v1.ResolveAliasRequest;
import org.cytolabel.proto.registry.v1.ResolveAliasResponse;
import org.cytolabel.proto.registry.v1.SetAliasRequest;
import org.cytolabel.proto.registry.v1.SetAliasResponse;
import org.cytolabel.proto.registry.v1.WatchModelsRequest;
import org.cytolabel.registry.domain.ModelRegistry;
import org.cytolabel.registry.domain.OpenedModel;
import org.cytolabel.service.StatusMapping;

/** registry.v1.ModelRegistry over {@link ModelRegistry}: validate, call the domain, reply. */
public final class RegistryGrpcService extends ModelRegistryGrpc.ModelRegistryImplBase {
    /** Chunk size of GetModel when the request leaves it 0. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;
    public static final int MAX_CHUNK_BYTES = 16 << 20;

    private final ModelRegistry registry;

    public RegistryGrpcService(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public StreamObserver<PublishModelRequest> publishModel(StreamObserver<PublishModelResponse> response) {
        return new PublishCall(registry, response);
    }

    @Override
    public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> response) {
        OpenedModel model;
        try {
            int chunk = request.getChunkSize();
            if (chunk < 0 || chunk > MAX_CHUNK_BYTES) {
                throw CytoLabelException.invalid("chunk_size must be between 1 and " + MAX_CHUNK_BYTES
                        + " bytes, or 0 for the default (" + DEFAULT_CHUNK_BYTES + "); got " + chunk);
            }
            model = registry.open(ref(request.hasRef(), request.getRef()));
            ModelSender.start((ServerCallStreamObserver<GetModelResponse>) response, model,
                    chunk == 0 ? DEFAULT_CHUNK_BYTES : chunk);
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
        }
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
        unary(response, () -> ListModelsResponse.newBuilder()
                .addAllVersions(registry.list(request.getName()).stream().map(ProtoMapping::summary).toList())
                .build());
    }

    @Override
    public void setAlias(SetAliasRequest request, StreamObserver<SetAliasResponse> response) {
        unary(response, () -> SetAliasResponse.newBuilder()
                .setPreviousVersion(registry.setAlias(request.getName(), request.getAlias(), request.getVersion(),
                        request.getExpectedVersion()))
                .build());
    }

    @Override
    public void resolveAlias(ResolveAliasRequest request, StreamObserver<ResolveAliasResponse> response) {
        unary(response, () -> ResolveAliasResponse.newBuilder()
                .setCard(registry.resolve(ref(request.hasRef(), request.getRef())))
                .build());
    }

    @Override
    public void deleteVersion(DeleteVersionRequest request, StreamObserver<DeleteVersionResponse> response) {
        unary(response, () -> {
            List<String> removed = registry.deleteVersion(request.getName(), request.getVersion());
            return DeleteVersionResponse.newBuilder().addAllRemovedAliases(removed).build();
        });
    }

    @Override
    public void watchModels(WatchModelsRequest request, StreamObserver<ModelEvent> response) {
        WatchCall.start(registry, request, (ServerCallStreamObserver<ModelEvent>) response);
    }

    private static ModelRef ref(boolean present, ModelRef ref) {
        if (!present) {
            throw CytoLabelException.invalid("the request has no model ref; set ref.name (and a version or alias),"
                    + " e.g. name 'pbmc-mlp' with alias 'production'");
        }
        return ref;
    }

    private static <T> void unary(StreamObserver<T> response, Supplier<T> call) {
        T reply;
        try {
            reply = call.get();
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
            return;
        }
        response.onNext(reply);
        response.onCompleted();
    }
}
