package org.cytolabel.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading server and client security from environment variables. */
class SecurityConfigTest {
    @TempDir
    Path dir;

    @Test
    void nothingSetMeansPlaintextAndOpen() {
        assertEquals(Security.NONE, Security.fromEnvironment(Map.<String, String>of()::get));
        assertEquals(ClientSecurity.NONE, ClientSecurity.fromEnvironment(Map.<String, String>of()::get));
        assertTrue(Security.NONE.authInterceptor().isEmpty());
        assertEquals("plaintext, no tokens", Security.NONE.describe());
    }

    @Test
    void serverSettingsAreRead() throws Exception {
        Path tokens = file("tokens", "write w-0123456789abcdef\n");
        Path cert = file("tls.crt", "x");
        Path key = file("tls.key", "x");
        Path ca = file("ca.crt", "x");
        Security s = Security.fromEnvironment(Map.of(
                "CYTOLABEL_AUTH_TOKENS_FILE", tokens.toString(),
                "CYTOLABEL_AUTH_PROTECT_READS", "TRUE",
                "CYTOLABEL_TLS_CERT", cert.toString(),
                "CYTOLABEL_TLS_KEY", key.toString(),
                "CYTOLABEL_TLS_CLIENT_CA", ca.toString(),
                "CYTOLABEL_HEALTH_PORT", "8081")::get);
        assertEquals(new Security(tokens, true, new Security.Tls(cert, key, ca), 8081), s);
        assertEquals("mutual TLS, every call needs a token, plaintext health port", s.describe());
        assertEquals("Tokens[0 read, 1 write] from " + tokens, s.authInterceptor().orElseThrow().describe());
    }

    @Test
    void inconsistentServerSettingsSayWhatToSet() throws Exception {
        Path cert = file("tls.crt", "x");
        assertMessage("CYTOLABEL_AUTH_PROTECT_READS=true needs tokens: set CYTOLABEL_AUTH_TOKENS_FILE to a file "
                + "of '<role> <token>' lines", () -> Security.fromEnvironment(
                        Map.of("CYTOLABEL_AUTH_PROTECT_READS", "true")::get));
        assertMessage("CYTOLABEL_AUTH_PROTECT_READS must be true or false, got 'yes'", () -> Security.fromEnvironment(
                Map.of("CYTOLABEL_AUTH_PROTECT_READS", "yes")::get));
        assertMessage("TLS needs both a certificate and a key (CYTOLABEL_TLS_CERT, CYTOLABEL_TLS_KEY)",
                () -> Security.fromEnvironment(Map.of("CYTOLABEL_TLS_CERT", cert.toString())::get));
        assertMessage("CYTOLABEL_TLS_CLIENT_CA (mutual TLS) needs CYTOLABEL_TLS_CERT and CYTOLABEL_TLS_KEY too",
                () -> Security.fromEnvironment(Map.of("CYTOLABEL_TLS_CLIENT_CA", cert.toString())::get));
        assertMessage("CYTOLABEL_HEALTH_PORT must be a port number (1-65535), got 'grpc'",
                () -> Security.fromEnvironment(Map.of("CYTOLABEL_HEALTH_PORT", "grpc")::get));
        String missing = dir.resolve("nope").toString();
        assertMessage("CYTOLABEL_AUTH_TOKENS_FILE=" + missing + " is not a readable file; mount the secret there or "
                + "unset CYTOLABEL_AUTH_TOKENS_FILE", () -> Security.fromEnvironment(
                        Map.of("CYTOLABEL_AUTH_TOKENS_FILE", missing)::get));
        Path badTokens = file("bad", "owner w-0123456789abcdef\n");
        Security bad = Security.NONE.withTokens(badTokens, false);
        assertMessage("CYTOLABEL_AUTH_TOKENS_FILE: " + badTokens + " line 1: role must be 'read' or 'write'",
                bad::authInterceptor);
    }

    @Test
    void clientSettingsAreReadAndTheTokenIsNeverPrinted() throws Exception {
        Path ca = file("ca.crt", "x");
        Path cert = file("client.crt", "x");
        Path key = file("client.key", "x");
        ClientSecurity c = ClientSecurity.fromEnvironment(Map.of(
                "CYTOLABEL_TOKEN", "t-0123456789abcdef",
                "CYTOLABEL_TLS_CA", ca.toString(),
                "CYTOLABEL_TLS_CLIENT_CERT", cert.toString(),
                "CYTOLABEL_TLS_CLIENT_KEY", key.toString())::get);
        assertEquals(new ClientSecurity("t-0123456789abcdef", null, new ClientSecurity.Tls(ca, cert, key)), c);
        assertFalse(c.toString().contains("t-0123456789abcdef"), c.toString());
        assertEquals(new ClientSecurity(null, null, new ClientSecurity.Tls(null, null, null)),
                ClientSecurity.fromEnvironment(Map.of("CYTOLABEL_TLS", "true")::get), "TLS with the JDK's roots");

        Path tokenFile = file("token", "t-0123456789abcdef\n");
        assertMessage("set CYTOLABEL_TOKEN or CYTOLABEL_TOKEN_FILE, not both", () -> ClientSecurity.fromEnvironment(
                Map.of("CYTOLABEL_TOKEN", "t-0123456789abcdef", "CYTOLABEL_TOKEN_FILE", tokenFile.toString())::get));
        assertMessage("CYTOLABEL_TLS_CLIENT_CERT is for mutual TLS: set CYTOLABEL_TLS_CA (or CYTOLABEL_TLS=true) too",
                () -> ClientSecurity.fromEnvironment(Map.of("CYTOLABEL_TLS_CLIENT_CERT", cert.toString(),
                        "CYTOLABEL_TLS_CLIENT_KEY", key.toString())::get));
        assertMessage("a client certificate needs its key: set both CYTOLABEL_TLS_CLIENT_CERT and "
                + "CYTOLABEL_TLS_CLIENT_KEY", () -> ClientSecurity.fromEnvironment(Map.of(
                        "CYTOLABEL_TLS_CA", ca.toString(), "CYTOLABEL_TLS_CLIENT_CERT", cert.toString())::get));
        Path twoWords = file("token2", "read t-0123456789abcdef\n");
        assertMessage("CYTOLABEL_TOKEN_FILE=" + twoWords + ": the token file must hold just the token (one word)",
                () -> ClientSecurity.NONE.withTokenFile(twoWords).channelCredentials());
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        CytoLabelException e = assertThrows(CytoLabelException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
