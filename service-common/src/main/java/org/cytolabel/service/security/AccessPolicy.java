package org.cytolabel.service.security;

import io.grpc.MethodDescriptor;
import java.util.Optional;
import java.util.Set;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.proto.trainer.v1.TrainerGrpc;

/**
 * Which calls need which {@link Role}: the one place that says which RPCs mutate state. Mutating
 * calls need a {@code write} token; every other call needs a {@code read} token when reads are
 * protected and nothing otherwise. Health and reflection are always open (probes, grpcurl).
 *
 * @param mutating full method names ({@code package.Service/Method}) that change state
 * @param protectReads whether non-mutating calls need a token too
 */
public record AccessPolicy(Set<String> mutating, boolean protectReads) {

    /** The project's mutating RPCs, named from the generated descriptors so a rename cannot slip by. */
    public static final Set<String> MUTATING = Set.of(
            ModelRegistryGrpc.getPublishModelMethod().getFullMethodName(),
            ModelRegistryGrpc.getSetAliasMethod().getFullMethodName(),
            ModelRegistryGrpc.getDeleteVersionMethod().getFullMethodName(),
            TrainerGrpc.getUploadDatasetMethod().getFullMethodName(),
            TrainerGrpc.getSubmitTrainingMethod().getFullMethodName(),
            TrainerGrpc.getCancelJobMethod().getFullMethodName());

    private static final Set<String> ALWAYS_OPEN = Set.of(
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");

    public AccessPolicy {
        mutating = Set.copyOf(mutating);
    }

    /** The project's policy ({@link #MUTATING}). */
    public static AccessPolicy project(boolean protectReads) {
        return new AccessPolicy(MUTATING, protectReads);
    }

    /** The role a call to {@code fullMethodName} needs, or empty when it is open to anyone. */
    public Optional<Role> required(String fullMethodName) {
        if (mutating.contains(fullMethodName)) {
            return Optional.of(Role.WRITE);
        }
        if (ALWAYS_OPEN.contains(MethodDescriptor.extractFullServiceName(fullMethodName)) || !protectReads) {
            return Optional.empty();
        }
        return Optional.of(Role.READ);
    }
}
