package org.cytolabel.registry.server;

import java.nio.file.Path;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.registry.store.MetadataConfig;

/**
 * Where the registry listens and keeps its data. {@code port} 0 picks a free port;
 * {@code metricsPort} -1 serves no {@code /metrics}, 0 picks a free port. Blobs always live in
 * {@code dataDir}; the metadata in SQLite there unless {@code metadata} names PostgreSQL.
 */
public record RegistryConfig(String host, int port, Path dataDir, int metricsPort, MetadataConfig metadata) {
    /** Environment variables read when the matching option is not given. */
    public static final String ENV_METADATA_USER = "CYTOLABEL_METADATA_USER";
    public static final String ENV_METADATA_PASSWORD = "CYTOLABEL_METADATA_PASSWORD";
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 50051;
    public static final Path DEFAULT_DATA_DIR = Path.of("registry-data");
    public static final int DEFAULT_METRICS_PORT = 9090;
    static final String USAGE = "usage: registry-service [--host 0.0.0.0] [--port 50051] [--data-dir ./registry-data]"
            + " [--metrics-port 9090 (-1: none)] [--metadata-url jdbc:postgresql://host:5432/db (default: SQLite in"
            + " the data dir)] [--metadata-user name (or $" + ENV_METADATA_USER + ")] [--metadata-password-file"
            + " /secret/file (or $" + ENV_METADATA_PASSWORD + ")]";

    public RegistryConfig {
        if (host == null || host.isBlank()) {
            throw CytoLabelException.invalid("host must be an address to bind, e.g. 0.0.0.0 or 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw CytoLabelException.invalid("port must be 0-65535 (0: any free port), got " + port);
        }
        if (metricsPort < -1 || metricsPort > 65535) {
            throw CytoLabelException.invalid("metrics port must be -1 (none) or 0-65535, got " + metricsPort);
        }
        if (dataDir == null) {
            throw CytoLabelException.invalid("data dir must be set, e.g. ./registry-data");
        }
        if (metadata == null) {
            metadata = MetadataConfig.sqlite();
        }
    }

    /** Metadata in SQLite in {@code dataDir}. */
    public RegistryConfig(String host, int port, Path dataDir, int metricsPort) {
        this(host, port, dataDir, metricsPort, MetadataConfig.sqlite());
    }

    /** This configuration with the metadata kept where {@code metadata} says. */
    public RegistryConfig withMetadata(MetadataConfig metadata) {
        return new RegistryConfig(host, port, dataDir, metricsPort, metadata);
    }

    /**
     * Parses {@code --host --port --data-dir --metrics-port --metadata-url --metadata-user
     * --metadata-password-file} (as {@code --key value} or {@code --key=value}); the metadata user and
     * password fall back to the environment ({@value #ENV_METADATA_USER}, {@value #ENV_METADATA_PASSWORD}).
     */
    public static RegistryConfig fromArgs(String... args) {
        return fromArgs(System.getenv(), args);
    }

    static RegistryConfig fromArgs(Map<String, String> env, String... args) {
        String metadataUrl = "";
        String metadataUser = null;
        Path passwordFile = null;
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        Path dataDir = DEFAULT_DATA_DIR;
        int metricsPort = DEFAULT_METRICS_PORT;
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw CytoLabelException.invalid("option " + key + " needs a value; " + USAGE);
            }
            switch (key) {
                case "--host" -> host = value;
                case "--port" -> port = integer(key, value);
                case "--data-dir" -> dataDir = Path.of(value);
                case "--metrics-port" -> metricsPort = integer(key, value);
                case "--metadata-url" -> metadataUrl = value;
                case "--metadata-user" -> metadataUser = value;
                case "--metadata-password-file" -> passwordFile = Path.of(value);
                default -> throw CytoLabelException.invalid("unknown option " + key + "; " + USAGE);
            }
        }
        MetadataConfig metadata = MetadataConfig.sqlite();
        if (!metadataUrl.isBlank()) {
            metadata = new MetadataConfig(metadataUrl,
                    metadataUser != null ? metadataUser : env.getOrDefault(ENV_METADATA_USER, ""),
                    passwordFile, passwordFile != null ? "" : env.getOrDefault(ENV_METADATA_PASSWORD, ""));
        } else if (metadataUser != null || passwordFile != null) {
            throw CytoLabelException.invalid("--metadata-user and --metadata-password-file need --metadata-url"
                    + " (the default SQLite store has no user); " + USAGE);
        }
        return new RegistryConfig(host, port, dataDir, metricsPort, metadata);
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw CytoLabelException.invalid(key + " must be a number, got '" + value + "'; " + USAGE);
        }
    }
}
