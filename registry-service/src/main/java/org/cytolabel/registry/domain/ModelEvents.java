package org.cytolabel.registry.domain;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.registry.domain.RegistryEvent.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's event bus. Publishing never blocks: each subscriber has a bounded queue drained
 * by its own thread, and a subscriber that falls {@code queueCapacity} events behind is dropped
 * with a RESOURCE_EXHAUSTED error (it can watch again with the initial state to resync).
 */
public final class ModelEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelEvents.class);
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    private static final AtomicLong THREAD_IDS = new AtomicLong();

    /** Receives a subscription's events, one at a time on the subscription's own thread. */
    public interface Listener {
        /** May block (e.g. on transport flow control); it is interrupted when the subscription ends. */
        void onEvent(RegistryEvent event) throws InterruptedException;

        /** The subscription ended because of {@code error}; no calls follow. */
        void onError(CytoLabelException error);
    }

    private final int queueCapacity;
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private long sequence;
    private boolean shutDown;

    public ModelEvents(int queueCapacity) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be positive");
        }
        this.queueCapacity = queueCapacity;
    }

    /** Stamps the next sequence number on a change and hands it to every matching subscriber. */
    public synchronized RegistryEvent publish(Kind kind, String name, int version, String alias, int previousVersion) {
        RegistryEvent event = new RegistryEvent(kind, name, version, alias, previousVersion, ++sequence, Instant.now());
        for (Subscription s : subscriptions) {
            s.offer(event);
        }
        return event;
    }

    /** The sequence number of the last published event (0 before any). */
    public synchronized long sequence() {
        return sequence;
    }

    public int subscriberCount() {
        return subscriptions.size();
    }

    /**
     * Subscribes to the events of {@code name} (all models when empty); {@code initial} events are
     * delivered first, ahead of any live event published after this call.
     */
    public synchronized Subscription subscribe(String name, List<RegistryEvent> initial, Listener listener) {
        if (shutDown) {
            throw new CytoLabelException(ErrorKind.UNAVAILABLE, "the registry is shutting down; watch again shortly");
        }
        Subscription s = new Subscription(name, listener, initial.size() + queueCapacity);
        initial.forEach(s.queue::add);
        subscriptions.add(s);
        s.thread.start();
        return s;
    }

    /** Ends every subscription with UNAVAILABLE and refuses new ones. */
    @Override
    public synchronized void close() {
        shutDown = true;
        for (Subscription s : subscriptions) {
            s.fail(new CytoLabelException(ErrorKind.UNAVAILABLE,
                    "the registry is shutting down; watch again (with the initial state) to resync"));
        }
    }

    /** One subscriber: its queue and the thread that feeds its listener. Close it to unsubscribe. */
    public final class Subscription implements AutoCloseable {
        private final String name;
        private final Listener listener;
        private final BlockingQueue<RegistryEvent> queue;
        private final Thread thread;
        private volatile CytoLabelException failure;
        private volatile boolean closed;

        private Subscription(String name, Listener listener, int capacity) {
            this.name = name;
            this.listener = listener;
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.thread = new Thread(this::drain, "registry-watch-" + THREAD_IDS.incrementAndGet());
            this.thread.setDaemon(true);
        }

        /** Called with the bus lock held; never blocks. */
        private void offer(RegistryEvent event) {
            if (closed || failure != null || (!name.isEmpty() && !name.equals(event.name()))) {
                return;
            }
            if (!queue.offer(event)) {
                LOG.warn("dropping a watch subscriber that fell {} events behind", queue.size());
                fail(new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED, "this watcher fell more than "
                        + queueCapacity + " events behind and was dropped; watch again with the initial state"
                        + " to resync, and consume events faster"));
            }
        }

        private void fail(CytoLabelException error) {
            failure = error;
            subscriptions.remove(this);
            thread.interrupt();
        }

        public boolean isActive() {
            return !closed && failure == null;
        }

        /** Unsubscribes; the listener gets no further calls once the current one returns. */
        @Override
        public void close() {
            closed = true;
            subscriptions.remove(this);
            thread.interrupt();
        }

        private void drain() {
            try {
                while (isActive()) {
                    RegistryEvent e = queue.take();
                    if (!isActive()) {
                        break;
                    }
                    listener.onEvent(e);
                }
            } catch (InterruptedException e) {
                // closed or failed: handled below
            } catch (RuntimeException e) {
                LOG.warn("a watch listener failed; unsubscribing it", e);
                closed = true;
                subscriptions.remove(this);
            }
            CytoLabelException error = failure;
            if (!closed && error != null) {
                try {
                    listener.onError(error);
                } catch (RuntimeException e) {
                    LOG.warn("a watch listener failed while being told of an error", e);
                }
            }
        }
    }
}
