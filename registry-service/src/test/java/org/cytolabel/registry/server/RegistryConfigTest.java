package org.cytolabel.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.registry.store.MetadataConfig;
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
        for (String[] bad : new String[][] {{"--prot", "1"}, {"--port", "x"}, {"--port", "70000"}, {"--port"},
                {"--metadata-url", "jdbc:mysql://db/x"}, {"--metadata-user", "u"}}) {
            CytoLabelException e = assertThrows(CytoLabelException.class, () -> RegistryConfig.fromArgs(bad));
            assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        }
    }

    @Test
    void theMetadataStoreIsSqliteUnlessAUrlNamesPostgres() {
        Map<String, String> env = Map.of(RegistryConfig.ENV_METADATA_USER, "env-user",
                RegistryConfig.ENV_METADATA_PASSWORD, "env-secret");
        RegistryConfig plain = RegistryConfig.fromArgs(env, "--data-dir", "/d");
        assertTrue(plain.metadata().isSqlite());
        assertEquals(new RegistryConfig("0.0.0.0", 50051, Path.of("/d"), 9090), plain);
        assertEquals("SQLite " + Path.of("/d/registry.db"), plain.metadata().describe(plain.dataDir()));

        String url = "jdbc:postgresql://db:5432/cytolabel?currentSchema=reg";
        RegistryConfig fromEnv = RegistryConfig.fromArgs(env, "--metadata-url", url);
        assertEquals(new MetadataConfig(url, "env-user", null, "env-secret"), fromEnv.metadata());
        assertFalse(fromEnv.toString().contains("env-secret"), fromEnv.toString());

        RegistryConfig fromFlags = RegistryConfig.fromArgs(env, "--metadata-url=" + url, "--metadata-user", "reg",
                "--metadata-password-file", "/run/secrets/db-password");
        assertEquals(new MetadataConfig(url, "reg", Path.of("/run/secrets/db-password"), ""), fromFlags.metadata());
        assertEquals(fromFlags, new RegistryConfig("0.0.0.0", 50051, Path.of("registry-data"), 9090)
                .withMetadata(fromFlags.metadata()));
    }

    @Test
    void thePasswordFileIsReadWhenTheStoreOpensAndAMissingOneSaysWhatToDo() throws Exception {
        MetadataConfig missing = new MetadataConfig("jdbc:postgresql://127.0.0.1:1/x", "u", dir.resolve("nope"), "");
        CytoLabelException e = assertThrows(CytoLabelException.class, () -> missing.open(dir));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("cannot read the metadata password file"), e.getMessage());

        Files.writeString(dir.resolve("pw"), "s3cret\n");
        MetadataConfig unreachable = new MetadataConfig("jdbc:postgresql://127.0.0.1:1/x", "u", dir.resolve("pw"), "");
        CytoLabelException down = assertThrows(CytoLabelException.class, () -> unreachable.open(dir));
        assertEquals(ErrorKind.UNAVAILABLE, down.kind());
        assertTrue(down.getMessage().contains("cannot reach the registry database jdbc:postgresql://127.0.0.1:1/x as u"),
                down.getMessage());
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
