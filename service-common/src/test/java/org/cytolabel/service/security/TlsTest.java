package org.cytolabel.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.service.GrpcServer;
import org.cytolabel.service.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS from PEM files, over real loopback sockets, with certificates made at test time. */
class TlsTest {
    private static final String LIST = "registry.v1.ModelRegistry/ListModels";
    private static final String PUBLISH = "registry.v1.ModelRegistry/PublishModel";

    @TempDir
    static Path pkiDir;
    private static TestPki pki;

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        assumeTrue(TestPki.opensslAvailable(), "the openssl command makes the test certificates");
        pki = TestPki.create(pkiDir);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void tlsServesClientsThatTrustTheCaOnly() {
        GrpcServer server = start(Security.NONE.withTls(pki.serverCert, pki.serverKey));

        ManagedChannel trusting = channel(server, ClientSecurity.NONE.withTls(pki.ca));
        assertEquals("over tls", StringRpcs.call(trusting, LIST, "over tls"));
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(trusting)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());

        assertEquals(Status.Code.UNAVAILABLE, fails(channel(server, ClientSecurity.NONE)).getCode(),
                "a plaintext client cannot talk to a TLS server");
        assertEquals(Status.Code.UNAVAILABLE,
                fails(channel(server, new ClientSecurity(null, null, new ClientSecurity.Tls(null, null, null))))
                        .getCode(), "the JDK's roots do not trust the test CA");
    }

    @Test
    void mutualTlsNeedsAClientCertificateFromTheClientCa() {
        GrpcServer server = start(Security.NONE.withMutualTls(pki.serverCert, pki.serverKey, pki.ca));

        assertEquals(Status.Code.UNAVAILABLE, fails(channel(server, ClientSecurity.NONE.withTls(pki.ca))).getCode(),
                "no client certificate");
        assertEquals(Status.Code.UNAVAILABLE, fails(channel(server, ClientSecurity.NONE.withMutualTls(pki.ca,
                pki.rogueClientCert, pki.rogueClientKey))).getCode(), "a client certificate from another CA");
        ManagedChannel client = channel(server,
                ClientSecurity.NONE.withMutualTls(pki.ca, pki.clientCert, pki.clientKey));
        assertEquals("mutual", StringRpcs.call(client, LIST, "mutual"));
    }

    @Test
    void kubeletProbesUseThePlaintextHealthPort() {
        GrpcServer server = start(Security.NONE.withMutualTls(pki.serverCert, pki.serverKey, pki.ca).withHealthPort(0));
        ManagedChannel probe = Transport.channel("127.0.0.1:" + server.healthPort(), ClientSecurity.NONE);
        open.add(() -> Transport.close(probe));
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(probe)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(probe)
                .check(HealthCheckRequest.newBuilder().setService("registry.v1.ModelRegistry").build()).getStatus());
        assertEquals(Status.Code.UNIMPLEMENTED, fails(probe).getCode(), "the health port serves health only");
        assertEquals(Status.Code.UNAVAILABLE, fails(channel(server, ClientSecurity.NONE)).getCode(),
                "the main port still needs mutual TLS");
        server.close();
        assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class, () -> HealthGrpc
                .newBlockingStub(probe).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())).getStatus().getCode(), "closed with the server");
    }

    @Test
    void environmentConfiguresMutualTlsAndTokensTogether() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "read r-0123456789abcdef\nwrite w-0123456789abcdef\n");
        Security server = Security.fromEnvironment(Map.of(
                "CYTOLABEL_AUTH_TOKENS_FILE", tokens.toString(),
                "CYTOLABEL_AUTH_PROTECT_READS", "true",
                "CYTOLABEL_TLS_CERT", pki.serverCert.toString(),
                "CYTOLABEL_TLS_KEY", pki.serverKey.toString(),
                "CYTOLABEL_TLS_CLIENT_CA", pki.ca.toString())::get);
        GrpcServer grpc = start(server);
        Map<String, String> clientEnv = Map.of(
                "CYTOLABEL_TLS_CA", pki.ca.toString(),
                "CYTOLABEL_TLS_CLIENT_CERT", pki.clientCert.toString(),
                "CYTOLABEL_TLS_CLIENT_KEY", pki.clientKey.toString());

        ManagedChannel anonymous = channel(grpc, ClientSecurity.fromEnvironment(clientEnv::get));
        assertEquals(Status.Code.UNAUTHENTICATED, fails(anonymous).getCode(), "reads protected");
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(anonymous)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus(), "probes stay open");

        ManagedChannel reader = channel(grpc, ClientSecurity.fromEnvironment(with(clientEnv, "r-0123456789abcdef")));
        assertEquals("read", StringRpcs.call(reader, LIST, "read"));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> StringRpcs.call(reader, PUBLISH, "x"));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());

        ManagedChannel writer = channel(grpc, ClientSecurity.fromEnvironment(with(clientEnv, "w-0123456789abcdef")));
        assertEquals("write", StringRpcs.call(writer, PUBLISH, "write"));
    }

    @Test
    void aPkcs1KeySaysHowToConvertIt() throws Exception {
        Path key = pki.pkcs1Key();
        assertTrue(Files.readString(key).contains("BEGIN RSA PRIVATE KEY"));
        CytoLabelException e = assertThrows(CytoLabelException.class,
                () -> Transport.server("127.0.0.1", 0, Security.NONE.withTls(pki.serverCert, key)));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
    }

    private static java.util.function.Function<String, String> with(Map<String, String> env, String token) {
        return name -> name.equals("CYTOLABEL_TOKEN") ? token : env.get(name);
    }

    private GrpcServer start(Security security) {
        GrpcServer server = GrpcServer.builder("tls", Transport.server("127.0.0.1", 0, security), security)
                .service(new StringRpcs("registry.v1.ModelRegistry", "ListModels", "PublishModel"))
                .drain(Duration.ofSeconds(1))
                .build()
                .start();
        open.add(server);
        return server;
    }

    private ManagedChannel channel(GrpcServer server, ClientSecurity security) {
        ManagedChannel c = Transport.channel("127.0.0.1:" + server.port(), security);
        open.add(() -> Transport.close(c));
        return c;
    }

    private static Status fails(ManagedChannel channel) {
        return assertThrows(StatusRuntimeException.class, () -> StringRpcs.call(channel, LIST, "x")).getStatus();
    }
}
