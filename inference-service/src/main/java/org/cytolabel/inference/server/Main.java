package org.cytolabel.inference.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.cytolabel.inference.batch.BatchSettings;

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
              --preload REFS         comma-separated models (name, name@alias, name:version) loaded and warmed
                                     before the replica reports ready; aliases are followed (env CYTOLABEL_PRELOAD)
              --max-batch N          most cells per ONNX Runtime run, across streams (env CYTOLABEL_MAX_BATCH, default 512)
              --batch-delay-us N     longest a partial batch waits for more cells (env CYTOLABEL_BATCH_DELAY_US, default 0)
              --max-queued-cells N   streams stop reading while more cells wait (env CYTOLABEL_MAX_QUEUED_CELLS, default 16384)
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
        String preload = env("CYTOLABEL_PRELOAD", "");
        int maxBatch = intValue("CYTOLABEL_MAX_BATCH", env("CYTOLABEL_MAX_BATCH",
                Integer.toString(BatchSettings.DEFAULT_MAX_BATCH)));
        int delayUs = intValue("CYTOLABEL_BATCH_DELAY_US", env("CYTOLABEL_BATCH_DELAY_US", "0"));
        int maxQueued = intValue("CYTOLABEL_MAX_QUEUED_CELLS", env("CYTOLABEL_MAX_QUEUED_CELLS",
                Integer.toString(BatchSettings.DEFAULT_MAX_QUEUED)));
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
                case "--preload" -> preload = value(args, ++i, flag);
                case "--max-batch" -> maxBatch = intValue(flag, value(args, ++i, flag));
                case "--batch-delay-us" -> delayUs = intValue(flag, value(args, ++i, flag));
                case "--max-queued-cells" -> maxQueued = intValue(flag, value(args, ++i, flag));
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        InferenceConfig base = new InferenceConfig(host, port, registry, metricsPort, cuda, threads);
        List<String> refs = Arrays.stream(preload.split(",")).map(String::trim).filter(r -> !r.isEmpty()).toList();
        return base.withBatch(new BatchSettings(maxBatch, Duration.ofNanos(delayUs * 1000L), maxQueued,
                base.computeThreads())).withPreload(refs);
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
