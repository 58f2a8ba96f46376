package org.cytolabel.inference.runtime;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ORT sessions shared between streams and reference-counted, keyed by the artifact's sha256 and the
 * session options. A session stays open while it is current (recently used, not retired) or while
 * anybody holds a lease; it closes when the last lease is released after it stopped being current.
 * At most {@code maxResident} sessions are kept current; the least recently used one is retired.
 */
public final class SessionCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCache.class);

    private record Key(String sha256, String options) {
    }

    private static final class Entry {
        final CompletableFuture<OrtModel> model = new CompletableFuture<>();
        int leases;
        boolean current = true;
    }

    private final ExecutionProviders providers;
    private final int maxResident;
    /** Access-ordered: the eldest is the least recently acquired. */
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    public SessionCache(ExecutionProviders providers, int maxResident) {
        if (maxResident < 1) {
            throw new IllegalArgumentException("maxResident must be at least 1, got " + maxResident);
        }
        this.providers = providers;
        this.maxResident = maxResident;
    }

    public ExecutionProviders providers() {
        return providers;
    }

    /**
     * A lease on the session of artifact {@code sha256}, loading it from {@code artifact} when no session
     * is open. Release it with {@link Lease#close()}.
     */
    public Lease acquire(String sha256, String description, Supplier<byte[]> artifact) {
        Key key = new Key(sha256, providers.optionsKey());
        Entry entry;
        boolean load = false;
        List<OrtModel> toClose;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("session cache is closed");
            }
            entry = entries.get(key);
            if (entry == null) {
                entry = new Entry();
                entries.put(key, entry);
                load = true;
            }
            entry.leases++;
            entry.current = true;
            toClose = retireBeyondLimit();
        }
        toClose.forEach(OrtModel::close);
        if (load) {
            try {
                entry.model.complete(OrtModel.load(description, artifact.get(), providers));
            } catch (RuntimeException | Error e) {
                synchronized (this) {
                    entries.remove(key, entry);
                }
                entry.model.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return new Lease(key, entry, entry.model.join());
        } catch (CompletionException e) {
            // Another caller's load failed; its entry is gone already.
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /** Marks the artifact no longer current: its sessions close once their last lease is released. */
    public void retire(String sha256) {
        List<OrtModel> toClose = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                if (e.getKey().sha256().equals(sha256)) {
                    e.getValue().current = false;
                    if (e.getValue().leases == 0) {
                        it.remove();
                        toClose.add(e.getValue().model.getNow(null));
                    }
                }
            }
        }
        toClose.stream().filter(m -> m != null).forEach(OrtModel::close);
    }

    /** Sessions open now (loaded and not closed). */
    public synchronized int openSessions() {
        return (int) entries.values().stream().filter(e -> e.model.isDone() && !e.model.isCompletedExceptionally())
                .count();
    }

    /** Leases held now, over all sessions. */
    public synchronized int leases() {
        return entries.values().stream().mapToInt(e -> e.leases).sum();
    }

    private List<OrtModel> retireBeyondLimit() {
        List<OrtModel> toClose = new ArrayList<>();
        long current = entries.values().stream().filter(e -> e.current).count();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() && current > maxResident;) {
            Entry e = it.next();
            if (e.current && e.model.isDone()) {
                e.current = false;
                current--;
                if (e.leases == 0) {
                    it.remove();
                    toClose.add(e.model.getNow(null));
                }
            }
        }
        toClose.removeIf(m -> m == null);
        return toClose;
    }

    private void release(Key key, Entry entry) {
        OrtModel toClose = null;
        synchronized (this) {
            entry.leases--;
            if (entry.leases == 0 && (!entry.current || closed)) {
                entries.remove(key, entry);
                toClose = entry.model.getNow(null);
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** Closes every idle session; sessions still leased are logged as leaks and closed by their last release. */
    @Override
    public void close() {
        List<OrtModel> toClose = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                if (e.getValue().leases > 0) {
                    LOG.warn("session {} ({}) still has {} lease(s) at shutdown; it closes when they are released",
                            e.getKey().sha256(), e.getKey().options(), e.getValue().leases);
                    continue;
                }
                it.remove();
                OrtModel m = e.getValue().model.getNow(null);
                if (m != null) {
                    toClose.add(m);
                }
            }
        }
        toClose.forEach(OrtModel::close);
    }

    /** A hold on one session; release it exactly once (further closes do nothing). */
    public final class Lease implements AutoCloseable {
        private final Key key;
        private final Entry entry;
        private final OrtModel model;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(Key key, Entry entry, OrtModel model) {
            this.key = key;
            this.entry = entry;
            this.model = model;
        }

        public OrtModel model() {
            if (released.get()) {
                throw new IllegalStateException("lease on " + model + " was released");
            }
            return model;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(key, entry);
            }
        }
    }
}
