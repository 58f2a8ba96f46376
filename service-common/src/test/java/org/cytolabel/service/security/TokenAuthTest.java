package org.cytolabel.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.service.GrpcServer;
import org.cytolabel.service.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens checked by the server interceptor, over real loopback sockets (plaintext). */
class TokenAuthTest {
    private static final String READ_TOKEN = "r-7f3a9c1e5b2d4f60";
    private static final String WRITE_TOKEN = "w-0c8e2a6b4d1f3e57";
    private static final String GET = "test.Kv/Get";
    private static final String PUT = "test.Kv/Put";

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void projectPolicyLeavesReadsOpenAndGuardsWrites() throws Exception {
        Security security = Security.NONE.withTokens(tokens("read " + READ_TOKEN, "write " + WRITE_TOKEN), false);
        GrpcServer server = start(GrpcServer.builder("registry", Transport.server("127.0.0.1", 0, security), security)
                .service(new StringRpcs("registry.v1.ModelRegistry", "ListModels", "SetAlias")));
        String list = ModelRegistryGrpc.getListModelsMethod().getFullMethodName();
        String setAlias = ModelRegistryGrpc.getSetAliasMethod().getFullMethodName();

        ManagedChannel anonymous = channel(server, ClientSecurity.NONE);
        assertEquals("a", StringRpcs.call(anonymous, list, "a"), "reads are open by default");
        StatusRuntimeException noToken = denied(anonymous, setAlias);
        assertEquals(Status.Code.UNAUTHENTICATED, noToken.getStatus().getCode());
        assertTrue(noToken.getStatus().getDescription().contains("send a bearer token (set CYTOLABEL_TOKEN"),
                noToken.getStatus().getDescription());

        ManagedChannel reader = channel(server, ClientSecurity.NONE.withToken(READ_TOKEN));
        assertEquals("b", StringRpcs.call(reader, list, "b"));
        StatusRuntimeException readOnly = denied(reader, setAlias);
        assertEquals(Status.Code.PERMISSION_DENIED, readOnly.getStatus().getCode());
        assertEquals("registry.v1.ModelRegistry/SetAlias changes state and needs a write token; "
                + "this token is read-only", readOnly.getStatus().getDescription());

        ManagedChannel writer = channel(server, ClientSecurity.NONE.withToken(WRITE_TOKEN));
        assertEquals("c", StringRpcs.call(writer, setAlias, "c"));
        assertEquals("d", StringRpcs.call(writer, list, "d"));

        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(anonymous)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    @Test
    void protectedReadsNeedATokenAndWritesAWriteToken() throws Exception {
        Path file = tokens("# test tokens", "", "read " + READ_TOKEN, "WRITE " + WRITE_TOKEN);
        GrpcServer server = startKv(new TokenAuthInterceptor(file, new AccessPolicy(Set.of(PUT), true),
                Duration.ZERO));

        ManagedChannel anonymous = channel(server, ClientSecurity.NONE);
        assertEquals(Status.Code.UNAUTHENTICATED, denied(anonymous, GET).getStatus().getCode());
        assertEquals(Status.Code.UNAUTHENTICATED, denied(anonymous, PUT).getStatus().getCode());

        ManagedChannel stranger = channel(server, ClientSecurity.NONE.withToken("x-" + WRITE_TOKEN));
        StatusRuntimeException wrong = denied(stranger, GET);
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
        assertTrue(wrong.getStatus().getDescription().contains("not one this server accepts"));
        assertFalse(wrong.getStatus().getDescription().contains(WRITE_TOKEN), "the token is not echoed");
        assertEquals(Status.Code.UNAUTHENTICATED, denied(stranger, PUT).getStatus().getCode());

        ManagedChannel reader = channel(server, ClientSecurity.NONE.withToken(READ_TOKEN));
        assertEquals("r", StringRpcs.call(reader, GET, "r"));
        StatusRuntimeException readOnly = denied(reader, PUT);
        assertEquals(Status.Code.PERMISSION_DENIED, readOnly.getStatus().getCode());
        assertTrue(readOnly.getStatus().getDescription().startsWith(PUT + " changes state"));

        ManagedChannel writer = channel(server, ClientSecurity.NONE.withToken(WRITE_TOKEN));
        assertEquals("w1", StringRpcs.call(writer, GET, "w1"), "write implies read");
        assertEquals("w2", StringRpcs.call(writer, PUT, "w2"));

        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(anonymous)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus(), "probes need no token");
    }

    @Test
    void headerThatIsNotBearerIsRejected() throws Exception {
        GrpcServer server = startKv(new TokenAuthInterceptor(tokens("write " + WRITE_TOKEN),
                new AccessPolicy(Set.of(PUT), false), Duration.ZERO));
        Metadata basic = new Metadata();
        basic.put(TokenAuthInterceptor.AUTHORIZATION, "Basic " + WRITE_TOKEN);
        var channel = ClientInterceptors.intercept(channel(server, ClientSecurity.NONE),
                MetadataUtils.newAttachHeadersInterceptor(basic));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> StringRpcs.call(channel, PUT, "x"));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("the authorization header is not 'Bearer <token>'"));
    }

    @Test
    void rotatedTokenFilesArePickedUpOnBothSides() throws Exception {
        String next = "w-next-5e1d9b3f7a2c";
        Path serverFile = tokens("write " + WRITE_TOKEN);
        GrpcServer server = startKv(new TokenAuthInterceptor(serverFile, new AccessPolicy(Set.of(PUT), false),
                Duration.ZERO));
        Path clientFile = dir.resolve("client-token");
        Files.writeString(clientFile, WRITE_TOKEN + "\n");
        ManagedChannel fromFile = channel(server, ClientSecurity.NONE.withTokenFile(clientFile));
        ManagedChannel old = channel(server, ClientSecurity.NONE.withToken(WRITE_TOKEN));
        assertEquals("1", StringRpcs.call(fromFile, PUT, "1"));

        rewrite(serverFile, "write " + next + "\n");
        assertEquals(Status.Code.UNAUTHENTICATED, denied(old, PUT).getStatus().getCode(), "old token revoked");
        assertEquals("2", StringRpcs.call(channel(server, ClientSecurity.NONE.withToken(next)), PUT, "2"));

        rewrite(clientFile, next + "\n");
        Thread.sleep(1100); // the client looks at its token file at most once a second
        assertEquals("3", StringRpcs.call(fromFile, PUT, "3"), "the client sends the rotated token");

        rewrite(serverFile, "admin " + next + "\n");
        StatusRuntimeException broken = denied(fromFile, PUT);
        assertEquals(Status.Code.UNAVAILABLE, broken.getStatus().getCode(), "a broken token file fails closed");
        assertTrue(broken.getStatus().getDescription().contains("cannot read its token file"));

        rewrite(serverFile, "write " + next + "\n");
        assertEquals("4", StringRpcs.call(fromFile, PUT, "4"));
    }

    private GrpcServer startKv(TokenAuthInterceptor auth) {
        return start(GrpcServer.builder("kv", Transport.server("127.0.0.1", 0, Security.NONE), Security.NONE)
                .service(new StringRpcs("test.Kv", "Get", "Put"))
                .intercept(auth));
    }

    private GrpcServer start(GrpcServer.Builder builder) {
        GrpcServer server = builder.drain(Duration.ofSeconds(1)).build().start();
        open.add(server);
        return server;
    }

    private ManagedChannel channel(GrpcServer server, ClientSecurity security) {
        ManagedChannel c = Transport.channel("127.0.0.1:" + server.port(), security);
        open.add(() -> Transport.close(c));
        return c;
    }

    private static StatusRuntimeException denied(io.grpc.Channel channel, String method) {
        return assertThrows(StatusRuntimeException.class, () -> StringRpcs.call(channel, method, "x"));
    }

    private Path tokens(String... lines) throws Exception {
        Path f = Files.createTempFile(dir, "tokens", "");
        Files.write(f, List.of(lines));
        return f;
    }

    /** Rewrites a file and moves its mtime on, so coarse file-system clocks cannot hide the change. */
    private static void rewrite(Path file, String text) throws Exception {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5_000));
    }
}
