package org.cytolabel.inference.annotate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.cytolabel.inference.batch.Batchers;
import org.cytolabel.inference.batch.ModelBatcher;
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

    /** What the shared batchers report: batch size, streams per batch, queue time and compute time. */
    public ModelBatcher.Listener batchListener() {
        DistributionSummary size = DistributionSummary.builder("cytolabel.inference.batch.size")
                .description("cells per ONNX Runtime run").tag("provider", provider).register(registry);
        DistributionSummary jobs = DistributionSummary.builder("cytolabel.inference.batch.chunks")
                .description("chunks (from any streams) per ONNX Runtime run").tag("provider", provider)
                .register(registry);
        Timer queued = Timer.builder("cytolabel.inference.batch.queue")
                .description("time the oldest cells of a batch waited since their chunk arrived")
                .tag("provider", provider).publishPercentiles(0.5, 0.99).register(registry);
        Timer compute = Timer.builder("cytolabel.inference.batch.compute")
                .description("time of one ONNX Runtime run (scatter and inference)").tag("provider", provider)
                .register(registry);
        Timer chunkQueue = Timer.builder("cytolabel.inference.chunk.queue")
                .description("time from a chunk's arrival to its first cells running; the autoscaling signal")
                .tag("provider", provider).register(registry);
        return new ModelBatcher.Listener() {
            @Override
            public void batchRan(int cells, int chunks, long queuedNanos, long computeNanos) {
                size.record(cells);
                jobs.record(chunks);
                queued.record(queuedNanos, TimeUnit.NANOSECONDS);
                compute.record(computeNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void chunkStarted(long queuedNanos) {
                chunkQueue.record(queuedNanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    /** Cells waiting in the shared batchers now. */
    public void bindBatchers(Batchers batchers) {
        Gauge.builder("cytolabel.inference.batch.queued_cells", batchers, Batchers::queuedCells)
                .description("cells waiting in the models' shared batchers").tag("provider", provider)
                .register(registry);
    }

    void modelLoaded(String model, long nanos) {
        Timer.builder("cytolabel.inference.model.load").description("time to fetch an artifact and open its session")
                .tags("model", model, "provider", provider).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }


    /** Time a request waited between arriving and its compute starting (Open Inference Protocol calls). */
    public void chunkQueued(long nanos) {
        Timer.builder("cytolabel.inference.chunk.queue")
                .description("time from a chunk's arrival to its first cells running; the autoscaling signal")
                .tag("provider", provider).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
