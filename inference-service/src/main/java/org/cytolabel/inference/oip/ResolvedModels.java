package org.cytolabel.inference.oip;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.cytolabel.inference.annotate.LoadedModel;

/**
 * Model versions resolved for unary OIP calls, shared by the calls that name the same model and
 * version within {@value #TTL_MILLIS} ms. Resolving asks the registry (a network round trip), which
 * would otherwise dominate a small ModelInfer; so a new latest version or an alias move reaches unary
 * calls within that time. Each resolution holds one session lease, released when it has expired and
 * its last call has finished. Failures are not kept: the next call asks again.
 */
final class ResolvedModels {
    static final long TTL_MILLIS = 1000;
    private static final ScheduledExecutorService EXPIRY = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "oip-resolution-expiry");
        t.setDaemon(true);
        return t;
    });

    /** One resolution; its counters are guarded by the enclosing ResolvedModels. */
    private static final class Entry {
        final LoadedModel model;
        int users;
        boolean expired;
        boolean released;

        Entry(LoadedModel model) {
            this.model = model;
        }
    }

    /** One call's use of a resolved version; close it when the call is done with the model. */
    final class Use implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Use(Entry entry) {
            this.entry = entry;
        }

        LoadedModel model() {
            return entry.model;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(entry);
            }
        }
    }

    private final OipModels models;
    /** By "model_name\nmodel_version"; guarded by this. */
    private final Map<String, Entry> entries = new HashMap<>();

    ResolvedModels(OipModels models) {
        this.models = models;
    }

    /** The version {@code name} and {@code version} select: resolved now or within the last TTL. */
    Use acquire(String name, String version) {
        String key = name + "\n" + version;
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                e.users++;
                return new Use(e);
            }
        }
        Entry fresh = new Entry(models.open(name, version));
        fresh.users = 1;
        Entry previous;
        synchronized (this) {
            previous = entries.put(key, fresh);
        }
        if (previous != null) {
            expire(key, previous); // two calls resolved at once: the later one is kept
        }
        EXPIRY.schedule(() -> expire(key, fresh), TTL_MILLIS, TimeUnit.MILLISECONDS);
        return new Use(fresh);
    }

    private void expire(String key, Entry e) {
        synchronized (this) {
            entries.remove(key, e);
            e.expired = true;
            if (e.users > 0 || e.released) {
                return;
            }
            e.released = true;
        }
        e.model.close();
    }

    private void release(Entry e) {
        synchronized (this) {
            e.users--;
            if (!e.expired || e.users > 0 || e.released) {
                return;
            }
            e.released = true;
        }
        e.model.close();
    }
}
