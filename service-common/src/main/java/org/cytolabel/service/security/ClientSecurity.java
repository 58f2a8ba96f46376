package org.cytolabel.service.security;

import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.cytolabel.core.error.CytoLabelException;

/**
 * What a client sends and trusts: a bearer token (inline or from a mounted file, re-read when it
 * changes) and TLS (trusting a given CA, or the JDK's roots), with a client certificate for mutual
 * TLS. {@link #NONE} is plaintext without a token. {@link #toString()} never shows the token.
 *
 * @param token the bearer token, or null
 * @param tokenFile a file holding only the token, or null (at most one of token and tokenFile)
 * @param tls trust and client certificate, or null for plaintext
 */
public record ClientSecurity(String token, Path tokenFile, Tls tls) {
    public static final String TOKEN = "CYTOLABEL_TOKEN";
    public static final String TOKEN_FILE = "CYTOLABEL_TOKEN_FILE";
    public static final String TLS = "CYTOLABEL_TLS";
    public static final String TLS_CA = "CYTOLABEL_TLS_CA";
    public static final String TLS_CLIENT_CERT = "CYTOLABEL_TLS_CLIENT_CERT";
    public static final String TLS_CLIENT_KEY = "CYTOLABEL_TLS_CLIENT_KEY";

    public static final ClientSecurity NONE = new ClientSecurity(null, null, null);

    /**
     * @param ca PEM CA to trust, or null for the JDK's default trust roots
     * @param cert PEM client certificate chain for mutual TLS, or null
     * @param key PEM PKCS#8 key of {@code cert}, or null
     */
    public record Tls(Path ca, Path cert, Path key) {
        public Tls {
            if ((cert == null) != (key == null)) {
                throw CytoLabelException.invalid("a client certificate needs its key: set both " + TLS_CLIENT_CERT
                        + " and " + TLS_CLIENT_KEY);
            }
        }
    }

    public ClientSecurity {
        if (token != null && tokenFile != null) {
            throw CytoLabelException.invalid("set " + TOKEN + " or " + TOKEN_FILE + ", not both");
        }
        if (token != null && (token.isBlank() || token.chars().anyMatch(Character::isWhitespace))) {
            throw CytoLabelException.invalid(TOKEN + " must be one word without spaces");
        }
    }

    /**
     * Reads {@code CYTOLABEL_TOKEN} / {@code CYTOLABEL_TOKEN_FILE} and {@code CYTOLABEL_TLS_*}; TLS is on
     * when {@code CYTOLABEL_TLS_CA} is set or {@code CYTOLABEL_TLS=true}.
     */
    public static ClientSecurity fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    /** Same, from any variable lookup (null for unset). */
    public static ClientSecurity fromEnvironment(Function<String, String> env) {
        String token = EnvFiles.value(env, TOKEN);
        Path tokenFile = EnvFiles.path(env, TOKEN_FILE);
        Path ca = EnvFiles.path(env, TLS_CA);
        Path cert = EnvFiles.path(env, TLS_CLIENT_CERT);
        Path key = EnvFiles.path(env, TLS_CLIENT_KEY);
        boolean tls = ca != null || EnvFiles.bool(env, TLS);
        if (!tls && (cert != null || key != null)) {
            throw CytoLabelException.invalid(TLS_CLIENT_CERT + " is for mutual TLS: set " + TLS_CA
                    + " (or " + TLS + "=true) too");
        }
        return new ClientSecurity(token, tokenFile, tls ? new Tls(ca, cert, key) : null);
    }

    public ClientSecurity withToken(String bearerToken) {
        return new ClientSecurity(bearerToken, null, tls);
    }

    public ClientSecurity withTokenFile(Path file) {
        return new ClientSecurity(null, file, tls);
    }

    public ClientSecurity withTls(Path ca) {
        return new ClientSecurity(token, tokenFile, new Tls(ca, null, null));
    }

    public ClientSecurity withMutualTls(Path ca, Path cert, Path key) {
        return new ClientSecurity(token, tokenFile, new Tls(ca, cert, key));
    }

    /** Plaintext or TLS, carrying the bearer token as call credentials when there is one. */
    public ChannelCredentials channelCredentials() {
        ChannelCredentials transport = tls == null ? InsecureChannelCredentials.create() : tlsCredentials();
        Supplier<String> bearer = bearer();
        return bearer == null ? transport
                : CompositeChannelCredentials.create(transport, new BearerCallCredentials(bearer));
    }

    private ChannelCredentials tlsCredentials() {
        try {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (tls.ca() != null) {
                b.trustManager(tls.ca().toFile());
            }
            if (tls.cert() != null) {
                EnvFiles.requirePkcs8(tls.key(), TLS_CLIENT_KEY);
                b.keyManager(tls.cert().toFile(), tls.key().toFile());
            }
            return b.build();
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read the client TLS files (" + TLS_CA + ", " + TLS_CLIENT_CERT
                    + ", " + TLS_CLIENT_KEY + "): " + e.getMessage(), e);
        }
    }

    private Supplier<String> bearer() {
        if (token != null) {
            String t = token;
            return () -> t;
        }
        if (tokenFile == null) {
            return null;
        }
        WatchedFile<String> file;
        try {
            file = new WatchedFile<>(tokenFile, ClientSecurity::parseTokenFile, Duration.ofSeconds(1));
        } catch (IllegalArgumentException e) {
            throw CytoLabelException.invalid(TOKEN_FILE + "=" + tokenFile + ": " + e.getMessage(), e);
        }
        return () -> {
            WatchedFile.Snapshot<String> s = file.get();
            if (s.error() != null) {
                throw new IllegalStateException(TOKEN_FILE + " unusable: " + s.error());
            }
            return s.value();
        };
    }

    private static String parseTokenFile(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the token file must hold just the token (one word)");
        }
        return t;
    }

    @Override
    public String toString() {
        return "ClientSecurity[token=" + (token != null ? "(set)" : "none") + ", tokenFile=" + tokenFile
                + ", tls=" + tls + "]";
    }
}
