package org.cytolabel.inference.server;

import java.util.concurrent.CountDownLatch;

/**
 * {@code inference-service [--host H] [--port P] [--registry TARGET] [--metrics-port P] [--cuda]
 * [--intra-op-threads N]}; each flag also reads an environment variable (CYTOLABEL_HOST, ...).
 */
public final class Main {
    private static final String USAGE = """
            usage: inference-service [options]
              --host H               bind address (env CYTOLABEL_HOST, default 0.0.0.0)
              --port P               gRPC port (env CYTOLABEL_PORT, default 50053)
              --registry TARGET      registry host:port or dns:///name:port (env CYTOLABEL_REGISTRY, default localhost:50051)
              --metrics-port P       Prometheus /metrics port, -1 for none (env CYTOLABEL_METRICS_PORT, default 9093)
              --cuda                 try the CUDA execution provider, fall back to CPU (env CYTOLABEL_CUDA=true)
              --intra-op-threads N   ONNX Runtime threads per run, 0 = cores (env CYTOLABEL_INTRA_OP_THREADS, default 0)
            """;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        InferenceConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.print(USAGE);
            return;
        }
        InferenceServer server = InferenceServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "inference-shutdown"));
        server.awaitTermination();
        stopped.await();
    }

    /** The configuration the flags and environment describe; null when help was asked for. */
    static InferenceConfig parse(String[] args) {
        String host = env("CYTOLABEL_HOST", "0.0.0.0");
        int port = intValue("CYTOLABEL_PORT", env("CYTOLABEL_PORT", "50053"));
        String registry = env("CYTOLABEL_REGISTRY", "localhost:50051");
        int metricsPort = intValue("CYTOLABEL_METRICS_PORT", env("CYTOLABEL_METRICS_PORT", "9093"));
        boolean cuda = Boolean.parseBoolean(env("CYTOLABEL_CUDA", "false"));
        int threads = intValue("CYTOLABEL_INTRA_OP_THREADS", env("CYTOLABEL_INTRA_OP_THREADS", "0"));
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--cuda" -> cuda = true;
                case "--host" -> host = value(args, ++i, flag);
                case "--port" -> port = intValue(flag, value(args, ++i, flag));
                case "--registry" -> registry = value(args, ++i, flag);
                case "--metrics-port" -> metricsPort = intValue(flag, value(args, ++i, flag));
                case "--intra-op-threads" -> threads = intValue(flag, value(args, ++i, flag));
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new InferenceConfig(host, port, registry, metricsPort, cuda, threads);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int intValue(String what, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be an integer, got '" + v + "'");
        }
    }
}
