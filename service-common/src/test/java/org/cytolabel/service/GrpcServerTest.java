package org.cytolabel.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.junit.jupiter.api.Test;

/** Health, reflection, metrics and status mapping over a real loopback socket. */
class GrpcServerTest {

    @Test
    void healthReflectionAndMetricsAreServed() throws Exception {
        try (MetricsEndpoint metrics = MetricsEndpoint.start("test", "127.0.0.1", 0)) {
            GrpcServer server = GrpcServer.builder("test", Transport.server("127.0.0.1", 0))
                    .service(EchoService::definition)
                    .meterRegistry(metrics.registry())
                    .build()
                    .start();
            ManagedChannel channel = Transport.channel("127.0.0.1:" + server.port());
            try {
                var health = HealthGrpc.newBlockingStub(channel);
                assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
                assertEquals(ServingStatus.SERVING,
                        health.check(HealthCheckRequest.newBuilder().setService(EchoService.NAME).build())
                                .getStatus());
                assertEquals("hello", EchoService.call(channel, "hello"));
                StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> health.check(
                        HealthCheckRequest.newBuilder().setService("no.such.Service").build()));
                assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

                assertTrue(listServices(channel).contains("grpc.reflection.v1.ServerReflection"));

                HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, scrape.statusCode());
                assertTrue(scrape.body().contains("grpc_server_requests_received_messages_total"),
                        "RPC metrics from the interceptor");
            } finally {
                Transport.close(channel);
                server.close();
            }
        }
    }

    @Test
    void domainErrorsMapToStatusAndBack() {
        for (ErrorKind kind : ErrorKind.values()) {
            StatusRuntimeException s = StatusMapping.toStatus(new CytoLabelException(kind, "what to do"));
            assertEquals("what to do", s.getStatus().getDescription());
            assertEquals(kind, StatusMapping.fromStatus(s).kind());
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, StatusMapping.toStatus(CytoLabelException.invalid("x"))
                .getStatus().getCode());
        assertEquals(Status.Code.DATA_LOSS, StatusMapping.toStatus(CytoLabelException.integrity("x"))
                .getStatus().getCode());
        StatusRuntimeException internal = StatusMapping.toStatus(new IllegalStateException("secret detail"));
        assertEquals(Status.Code.INTERNAL, internal.getStatus().getCode());
        assertTrue(!internal.getStatus().getDescription().contains("secret detail"),
                "unexpected exceptions do not leak their message to clients");
    }

    @Test
    void anUnreachableServiceSaysWhatToCheck() {
        ManagedChannel channel = Transport.channel("127.0.0.1:1");
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> EchoService.call(channel, "x"));
            CytoLabelException mapped = StatusMapping.fromStatus(e);
            assertEquals(ErrorKind.UNAVAILABLE, mapped.kind());
            assertTrue(mapped.getMessage().contains("check the address"), mapped.getMessage());
        } finally {
            Transport.close(channel);
        }
    }

    private static List<String> listServices(ManagedChannel channel) throws InterruptedException {
        List<String> names = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        var req = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse r) {
                r.getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        req.onCompleted();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        return names;
    }
}
