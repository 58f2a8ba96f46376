package org.cytolabel.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryConfigTest {
    @TempDir
    Path dir;

    @Test
    void argumentsAndDefaults() {
        assertEquals(new RegistryConfig("0.0.0.0", 50051, Path.of("registry-data"), 9090), RegistryConfig.fromArgs());
        assertEquals(new RegistryConfig("127.0.0.1", 0, Path.of("/data/reg"), -1), RegistryConfig.fromArgs(
                "--host", "127.0.0.1", "--port=0", "--data-dir", "/data/reg", "--metrics-port", "-1"));
        for (String[] bad : new String[][] {{"--prot", "1"}, {"--port", "x"}, {"--port", "70000"}, {"--port"}}) {
            CytoLabelException e = assertThrows(CytoLabelException.class, () -> RegistryConfig.fromArgs(bad));
            assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        }
    }

    @Test
    void metricsEndpointServesRpcAndRegistryMeters() throws Exception {
        try (RegistryServer server = RegistryServer.start(new RegistryConfig("127.0.0.1", 0, dir, 0));
                RegistryClient client = RegistryClient.connect("127.0.0.1:" + server.port())) {
            assertEquals(0, client.list("").size());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("cytolabel_registry_watchers"), r.body());
            assertTrue(r.body().contains("ListModels"), "RPC metrics present");
        }
    }
}
