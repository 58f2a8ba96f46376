package org.cytolabel.service;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A Prometheus registry and the HTTP {@code /metrics} endpoint that exposes it. */
public final class MetricsEndpoint implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final HttpServer http;

    private MetricsEndpoint(PrometheusMeterRegistry registry, HttpServer http) {
        this.registry = registry;
        this.http = http;
    }

    /** Starts {@code /metrics} on {@code host:port} (port 0 picks one; -1 starts no HTTP server). */
    public static MetricsEndpoint start(String service, String host, int port) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        if (port < 0) {
            return new MetricsEndpoint(registry, null);
        }
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
            http.createContext("/metrics", exchange -> {
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
            return new MetricsEndpoint(registry, http);
        } catch (IOException e) {
            throw new UncheckedIOException("metrics endpoint could not bind " + host + ":" + port, e);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The bound HTTP port, or -1 when no HTTP server runs. */
    public int port() {
        return http == null ? -1 : http.getAddress().getPort();
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        registry.close();
    }
}
