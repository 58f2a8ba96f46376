package org.cytolabel.service.security;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.cytolabel.core.error.CytoLabelException;

/**
 * A server's access control and transport security: bearer tokens from a mounted file, whether
 * reads need one too, TLS (mutual when a client CA is given), and a plaintext health-only port for
 * kubelet gRPC probes, which speak neither TLS nor mutual TLS. {@link #NONE} is plaintext and open.
 * Servers read it from the environment ({@link #fromEnvironment()}); tests build it.
 *
 * @param tokensFile the {@link Tokens} file, or null for no token checks
 * @param protectReads whether non-mutating calls need a (read) token too; needs {@code tokensFile}
 * @param tls certificate, key and optional client CA, or null for plaintext
 * @param healthPort a port that serves only {@code grpc.health.v1.Health}, in plaintext on all
 *     interfaces (0 picks one), or -1 for none
 */
public record Security(Path tokensFile, boolean protectReads, Tls tls, int healthPort) {
    public static final String TOKENS_FILE = "CYTOLABEL_AUTH_TOKENS_FILE";
    public static final String PROTECT_READS = "CYTOLABEL_AUTH_PROTECT_READS";
    public static final String TLS_CERT = "CYTOLABEL_TLS_CERT";
    public static final String TLS_KEY = "CYTOLABEL_TLS_KEY";
    public static final String TLS_CLIENT_CA = "CYTOLABEL_TLS_CLIENT_CA";
    public static final String HEALTH_PORT = "CYTOLABEL_HEALTH_PORT";

    /** Plaintext, no tokens: what a server does when nothing is configured. */
    public static final Security NONE = new Security(null, false, null, -1);

    /** How often a request may look at the token file for a change. */
    static final Duration TOKEN_FILE_CHECK = Duration.ofSeconds(1);

    /**
     * @param cert PEM certificate chain, server first
     * @param key PEM private key in PKCS#8 ({@code BEGIN PRIVATE KEY})
     * @param clientCa PEM CA that client certificates must chain to (mutual TLS), or null
     */
    public record Tls(Path cert, Path key, Path clientCa) {
        public Tls {
            if (cert == null || key == null) {
                throw CytoLabelException.invalid("TLS needs both a certificate and a key (" + TLS_CERT + ", "
                        + TLS_KEY + ")");
            }
        }

        public boolean mutual() {
            return clientCa != null;
        }
    }

    public Security {
        if (protectReads && tokensFile == null) {
            throw CytoLabelException.invalid(PROTECT_READS + "=true needs tokens: set " + TOKENS_FILE
                    + " to a file of '<role> <token>' lines");
        }
        if (healthPort < -1 || healthPort > 65535) {
            throw CytoLabelException.invalid(HEALTH_PORT + " must be a port number (1-65535), got " + healthPort);
        }
    }

    /** Reads the {@code CYTOLABEL_AUTH_*} and {@code CYTOLABEL_TLS_*} variables of this process. */
    public static Security fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    /** Same, from any variable lookup (null for unset). */
    public static Security fromEnvironment(Function<String, String> env) {
        Path tokens = EnvFiles.path(env, TOKENS_FILE);
        boolean protectReads = EnvFiles.bool(env, PROTECT_READS);
        Path cert = EnvFiles.path(env, TLS_CERT);
        Path key = EnvFiles.path(env, TLS_KEY);
        Path clientCa = EnvFiles.path(env, TLS_CLIENT_CA);
        Tls tls = null;
        if (cert != null || key != null) {
            tls = new Tls(cert, key, clientCa);
        } else if (clientCa != null) {
            throw CytoLabelException.invalid(TLS_CLIENT_CA + " (mutual TLS) needs " + TLS_CERT + " and " + TLS_KEY
                    + " too");
        }
        return new Security(tokens, protectReads, tls, EnvFiles.port(env, HEALTH_PORT));
    }

    public Security withTokens(Path file, boolean protectReads) {
        return new Security(file, protectReads, tls, healthPort);
    }

    public Security withTls(Path cert, Path key) {
        return new Security(tokensFile, protectReads, new Tls(cert, key, null), healthPort);
    }

    public Security withMutualTls(Path cert, Path key, Path clientCa) {
        return new Security(tokensFile, protectReads, new Tls(cert, key, clientCa), healthPort);
    }

    public Security withHealthPort(int port) {
        return new Security(tokensFile, protectReads, tls, port);
    }

    /** Plaintext, or TLS from the mounted files (client certificates required when mutual). */
    public ServerCredentials serverCredentials() {
        if (tls == null) {
            return InsecureServerCredentials.create();
        }
        try {
            EnvFiles.requirePkcs8(tls.key(), TLS_KEY);
            TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder()
                    .keyManager(tls.cert().toFile(), tls.key().toFile());
            if (tls.mutual()) {
                b.trustManager(tls.clientCa().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read the TLS files (" + TLS_CERT + "=" + tls.cert() + ", "
                    + TLS_KEY + "=" + tls.key() + (tls.mutual() ? ", " + TLS_CLIENT_CA + "=" + tls.clientCa() : "")
                    + "): " + e.getMessage(), e);
        }
    }

    /** The interceptor that checks tokens, or empty when no token file is configured. */
    public Optional<TokenAuthInterceptor> authInterceptor() {
        if (tokensFile == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TokenAuthInterceptor(tokensFile, AccessPolicy.project(protectReads),
                    TOKEN_FILE_CHECK));
        } catch (IllegalArgumentException e) {
            throw CytoLabelException.invalid(TOKENS_FILE + ": " + e.getMessage(), e);
        }
    }

    /** For the startup log line: transport and which calls need a token. */
    public String describe() {
        String transport = tls == null ? "plaintext" : tls.mutual() ? "mutual TLS" : "TLS";
        String access = tokensFile == null ? "no tokens"
                : protectReads ? "every call needs a token" : "writes need a token, reads open";
        return transport + ", " + access + (healthPort < 0 ? "" : ", plaintext health port");
    }
}
