package org.cytolabel.service.security;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the {@code authorization: Bearer <token>} header of every call against the server's token
 * file and the {@link AccessPolicy}: the one place where access is decided. A missing or unknown
 * token is UNAUTHENTICATED, a read-only token on a mutating call is PERMISSION_DENIED. Tokens are
 * never logged; the token file is re-read when it changes (mounted secrets rotate).
 */
public final class TokenAuthInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthInterceptor.class);
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final WatchedFile<Tokens> tokens;
    private final AccessPolicy policy;

    /**
     * @param tokensFile the {@link Tokens} file; read now (throws IllegalArgumentException if unusable)
     *     and again when it changes, checked at most once per {@code checkEvery}
     */
    public TokenAuthInterceptor(Path tokensFile, AccessPolicy policy, Duration checkEvery) {
        this.tokens = new WatchedFile<>(tokensFile, text -> Tokens.parse(text, tokensFile.toString()), checkEvery);
        this.policy = policy;
    }

    public AccessPolicy policy() {
        return policy;
    }

    /** The tokens now in force, for a log line (counts only). */
    public String describe() {
        WatchedFile.Snapshot<Tokens> s = tokens.get();
        return s.error() != null ? "token file unusable" : s.value().toString() + " from " + tokens.path();
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Optional<Role> needed = policy.required(method);
        if (needed.isEmpty()) {
            return next.startCall(call, headers);
        }
        Status denied = check(method, needed.get(), headers.get(AUTHORIZATION));
        if (denied == null) {
            return next.startCall(call, headers);
        }
        LOG.info("denied {} from {}: {}", method, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
                denied.getCode());
        call.close(denied, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    /** Null when the call may go ahead, else the status to close it with. */
    private Status check(String method, Role needed, String authorization) {
        String token = bearer(authorization);
        if (token == null) {
            return Status.UNAUTHENTICATED.withDescription((authorization == null ? "" : "the authorization "
                    + "header is not 'Bearer <token>'; ") + method + " needs a " + name(needed)
                    + " token: send a bearer token (set CYTOLABEL_TOKEN or CYTOLABEL_TOKEN_FILE on the client)");
        }
        WatchedFile.Snapshot<Tokens> current = tokens.get();
        if (current.error() != null) {
            return Status.UNAVAILABLE.withDescription(
                    "the server cannot read its token file; its log says why");
        }
        Optional<Role> role = current.value().roleOf(token);
        if (role.isEmpty()) {
            return Status.UNAUTHENTICATED.withDescription("the bearer token is not one this server accepts; "
                    + "check CYTOLABEL_TOKEN against the server's token secret");
        }
        if (!role.get().allows(needed)) {
            return Status.PERMISSION_DENIED.withDescription(method + " changes state and needs a write "
                    + "token; this token is read-only");
        }
        return null;
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).strip();
        return token.isEmpty() ? null : token;
    }

    private static String name(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }
}
