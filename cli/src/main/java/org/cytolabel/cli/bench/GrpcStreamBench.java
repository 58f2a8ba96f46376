package org.cytolabel.cli.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.cytolabel.cli.client.AnnotateClient;
import org.cytolabel.cli.client.CellSource;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelRef;

/**
 * End to end through {@code Annotate} with {@link AnnotateClient}: {@code streams} concurrent
 * streams on one channel, each sending its share of the cells in chunks. A chunk's latency runs
 * from the moment the client reads its rows to encode it until its result is handed over, so it
 * includes encoding, the client's flow-control window, server queueing and compute. The client's
 * callbacks (where AnnotateClient encodes chunks and decodes results) run on this bench's own
 * {@value #CLIENT_THREAD} threads so that their CPU time is told apart from the server's.
 */
final class GrpcStreamBench implements AutoCloseable {
    static final String CLIENT_THREAD = "bench-client-";
    static final String STREAM_THREAD = "bench-stream-";

    private final ExecutorService clientCallbacks = Executors.newCachedThreadPool(named(CLIENT_THREAD));
    private final Channel channel;
    private final ModelRef model;

    GrpcStreamBench(Channel channel, ModelRef model) {
        this.channel = ClientInterceptors.intercept(channel, new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                    Channel next) {
                return next.newCall(method, options.withExecutor(clientCallbacks));
            }
        });
        this.model = model;
    }

    @Override
    public void close() {
        clientCallbacks.shutdownNow();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Streams every cell of {@code cells}, split across {@code streams} streams, and times it. */
    Measurement run(MatrixCellSource cells, int chunk, int streams, ProgressBar progress) {
        List<MatrixCellSource> parts = cells.split(streams);
        List<TimedSource> timed = parts.stream().map(p -> new TimedSource(p, chunk)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(streams, named(STREAM_THREAD));
        try {
            CpuClock.Snapshot cpu = CpuClock.now();
            long start = System.nanoTime();
            List<Future<Long>> running = new ArrayList<>();
            for (TimedSource source : timed) {
                running.add(pool.submit(() -> {
                    stream(source, chunk, progress);
                    return System.nanoTime() - start;
                }));
            }
            long[] finished = new long[streams];
            for (int i = 0; i < streams; i++) {
                finished[i] = await(running.get(i));
            }
            long wall = System.nanoTime() - start;
            CpuClock.Usage usage = CpuClock.since(cpu);
            long[] latencies = timed.stream().flatMapToLong(TimedSource::latencies).toArray();
            return new Measurement(cells.cells(), wall, usage, latencies, finished);
        } finally {
            pool.shutdownNow();
        }
    }

    private void stream(TimedSource source, int chunk, ProgressBar progress) {
        AnnotateClient.annotate(channel, source, AnnotateClient.Options.of(model).withChunkSize(chunk),
                r -> source.answered((int) r.getChunkIndex()), progress);
        if (source.unanswered() > 0) {
            throw new CytoLabelException(ErrorKind.DATA_INTEGRITY, source.unanswered() + " chunks got no result");
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CytoLabelException(ErrorKind.CANCELLED, "interrupted while streaming");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A source that notes when each chunk's rows are read for sending, and when its result comes. */
    private static final class TimedSource implements CellSource {
        private final MatrixCellSource cells;
        private final int chunk;
        private final AtomicLongArray sent;
        private final AtomicLongArray latency;

        TimedSource(MatrixCellSource cells, int chunk) {
            this.cells = cells;
            this.chunk = chunk;
            int chunks = (cells.cells() + chunk - 1) / chunk;
            this.sent = new AtomicLongArray(chunks);
            this.latency = new AtomicLongArray(chunks);
        }

        void answered(int index) {
            latency.set(index, System.nanoTime() - sent.get(index));
        }

        long unanswered() {
            return java.util.stream.IntStream.range(0, latency.length()).filter(i -> latency.get(i) == 0).count();
        }

        java.util.stream.LongStream latencies() {
            return java.util.stream.IntStream.range(0, latency.length()).mapToLong(latency::get);
        }

        @Override
        public List<String> geneIds() {
            return cells.geneIds();
        }

        @Override
        public int cells() {
            return cells.cells();
        }

        @Override
        public CsrMatrix counts(int from, int to) {
            sent.set(from / chunk, System.nanoTime());
            return cells.counts(from, to);
        }

        @Override
        public List<String> cellIds(int from, int to) {
            return cells.cellIds(from, to);
        }
    }
}
