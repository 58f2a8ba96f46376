package org.cytolabel.service.security;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Sends {@code authorization: Bearer <token>} on every call; the token is fetched per call (files rotate). */
final class BearerCallCredentials extends CallCredentials {
    private final Supplier<String> token;

    /** @param token the token; throws IllegalStateException (with a message naming no token) if unavailable */
    BearerCallCredentials(Supplier<String> token) {
        this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        String t;
        try {
            t = token.get();
        } catch (IllegalStateException e) {
            applier.fail(Status.UNAUTHENTICATED.withDescription(e.getMessage()));
            return;
        }
        Metadata headers = new Metadata();
        headers.put(TokenAuthInterceptor.AUTHORIZATION, "Bearer " + t);
        applier.apply(headers);
    }
}
