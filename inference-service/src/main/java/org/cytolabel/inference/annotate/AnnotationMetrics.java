package org.cytolabel.inference.annotate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.cytolabel.inference.runtime.SessionCache;

/**
 * Domain meters of the inference service, all tagged with the execution provider: cells annotated,
 * chunk compute time, chunk queue time (what an autoscaler should follow), ORT batch size, model
 * load time, and the open sessions gauge.
 */
public final class AnnotationMetrics {
    private final MeterRegistry registry;
    private final String provider;

    public AnnotationMetrics(MeterRegistry registry, String provider) {
        this.registry = registry;
        this.provider = provider;
    }

    /** Meters that go nowhere (tests, tools). */
    public static AnnotationMetrics discard() {
        return new AnnotationMetrics(new SimpleMeterRegistry(), "cpu");
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void bindSessions(SessionCache sessions) {
        Gauge.builder("cytolabel.inference.sessions.open", sessions, SessionCache::openSessions)
                .description("ONNX Runtime sessions open").tag("provider", provider).register(registry);
        Gauge.builder("cytolabel.inference.sessions.leases", sessions, SessionCache::leases)
                .description("leases held on sessions (streams using them)").tag("provider", provider)
                .register(registry);
    }

    void cellsAnnotated(String model, int cells) {
        Counter.builder("cytolabel.inference.cells").description("cells annotated")
                .tags("model", model, "provider", provider).register(registry).increment(cells);
    }

    void chunkComputed(String model, long nanos) {
        Timer.builder("cytolabel.inference.chunk.compute").description("time to annotate one chunk")
                .tags("model", model, "provider", provider).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void batchRun(String model, int cells) {
        DistributionSummary.builder("cytolabel.inference.batch.size").description("cells per ONNX Runtime run")
                .tags("model", model, "provider", provider).register(registry).record(cells);
    }

    void modelLoaded(String model, long nanos) {
        Timer.builder("cytolabel.inference.model.load").description("time to fetch an artifact and open its session")
                .tags("model", model, "provider", provider).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Time a chunk waited between arriving and its compute starting. */
    public void chunkQueued(long nanos) {
        Timer.builder("cytolabel.inference.chunk.queue").description("time a chunk waited for a compute thread")
                .tag("provider", provider).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
