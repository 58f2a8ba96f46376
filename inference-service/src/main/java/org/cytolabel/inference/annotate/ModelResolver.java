package org.cytolabel.inference.annotate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.inference.runtime.OrtModel;
import org.cytolabel.inference.runtime.SessionCache;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.proto.registry.v1.ModelEvent;
import org.cytolabel.registry.client.RegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a model reference (name, alias or version) to one exact version and leases that version's
 * session, fetching the artifact only when no session for its hash is open. Registry errors
 * (NOT_FOUND for an unknown model, alias or version) pass through with the registry's message.
 *
 * <p>Rollout: a name or alias, once used (or preloaded), is routed here to the version it named
 * then. With {@link #follow()}, the registry's WatchModels stream moves routes: when an alias moves
 * (or a new latest version of a followed name is published) the new version is fetched, verified,
 * loaded and warmed on a background thread, and only then do new streams get it. Open streams keep
 * the lease on the version they started with; the replaced version's session is retired and closes
 * when its last stream ends. Deleted versions are retired the same way.
 */
public final class ModelResolver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelResolver.class);

    private final RegistryClient registry;
    private final SessionCache sessions;
    private final AnnotationMetrics metrics;
    /** "name:version" -> sha256 of versions served so far, to retire them when deleted. */
    private final Map<String, String> served = new ConcurrentHashMap<>();
    /** Route ("name" or "name@alias") -> the warmed version new streams get. */
    private final Map<String, Integer> routes = new ConcurrentHashMap<>();
    /** "name:version" -> its card (a version never changes). */
    private final Map<String, ModelCard> cards = new ConcurrentHashMap<>();
    private final ExecutorService rollout = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "model-rollout");
        t.setDaemon(true);
        return t;
    });
    private volatile ModelHealth health = ModelHealth.none();
    private volatile AutoCloseable watch;

    public ModelResolver(RegistryClient registry, SessionCache sessions, AnnotationMetrics metrics) {
        this.registry = registry;
        this.sessions = sessions;
        this.metrics = metrics;
    }

    /** Where per-model load state goes (the gRPC health service). */
    public void reportHealthTo(ModelHealth h) {
        this.health = h;
    }

    /** The exact version {@code ref} names now, with a lease on its session (the caller closes it). */
    public LoadedModel open(ModelRef ref) {
        String route = route(ref);
        Integer routed = route == null ? null : routes.get(route);
        ModelCard card;
        if (routed != null) {
            card = card(ref.getName(), routed);
        } else {
            card = registry.resolve(ref);
            cards.putIfAbsent(card.getName() + ":" + card.getVersion(), card);
            if (route != null && routes.putIfAbsent(route, card.getVersion()) == null) {
                health.set(route, true);
            }
        }
        return lease(card);
    }

    /**
     * Loads and warms what {@code ref} names now and routes it there (startup readiness); its health
     * turns SERVING when done. Errors pass through (the replica then stays not ready for it).
     */
    public void preload(ModelRef ref, String text) {
        health.set(text, false);
        ModelCard card = registry.resolve(ref);
        cards.putIfAbsent(card.getName() + ":" + card.getVersion(), card);
        try (LoadedModel m = lease(card)) {
            warm(m);
        }
        String route = route(ref);
        if (route != null) {
            routes.put(route, card.getVersion());
        }
        health.set(text, true);
    }

    /** The version new streams on {@code route} ("name" or "name@alias") get now, if it is routed. */
    public Integer routedVersion(String route) {
        return routes.get(route);
    }

    private LoadedModel lease(ModelCard card) {
        String id = card.getName() + ":" + card.getVersion();
        ModelRef exact = ModelRef.newBuilder().setName(card.getName()).setVersion(card.getVersion()).build();
        AtomicBoolean fetched = new AtomicBoolean();
        long start = System.nanoTime();
        SessionCache.Lease lease = sessions.acquire(card.getSha256(), id, () -> {
            fetched.set(true);
            var artifact = registry.fetch(exact);
            if (!artifact.card().getSha256().equals(card.getSha256())) {
                throw CytoLabelException.integrity(id + " changed while loading (sha256 "
                        + artifact.card().getSha256() + ", resolved " + card.getSha256() + "); retry");
            }
            return artifact.onnx();
        });
        if (fetched.get()) {
            metrics.modelLoaded(card.getName(), System.nanoTime() - start);
            LOG.info("loaded {} ({} genes, {} labels) in {} ms", id, card.getGenePanel().getSymbolsCount(),
                    card.getLabelsCount(), (System.nanoTime() - start) / 1_000_000);
        }
        try {
            check(id, card, lease.model());
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        served.put(id, card.getSha256());
        return new LoadedModel(card, lease);
    }

    /**
     * Follows the registry's watch stream: moved aliases and new versions of followed names roll out,
     * deleted versions' sessions close once their streams end.
     */
    public void follow() {
        watch = registry.watch("", false, e -> rollout.execute(() -> onEvent(e)),
                err -> LOG.warn("registry watch ended: {}; routes stay where they are and deleted versions stay"
                        + " cached until evicted", err.getMessage()));
    }

    /** Applies one registry event; runs on the rollout thread (events in order). */
    void onEvent(ModelEvent event) {
        switch (event.getKind()) {
            case ALIAS_MOVED -> rollTo(event.getName() + "@" + event.getAlias(), event.getName(), event.getVersion());
            case PUBLISHED -> {
                Integer current = routes.get(event.getName());
                if (current != null && event.getVersion() > current) {
                    rollTo(event.getName(), event.getName(), event.getVersion());
                }
            }
            case DELETED -> {
                String id = event.getName() + ":" + event.getVersion();
                cards.remove(id);
                routes.entrySet().removeIf(r -> routeName(r.getKey()).equals(event.getName())
                        && r.getValue() == event.getVersion());
                String sha = served.remove(id);
                // Another version with the same bytes shares the session: keep it.
                if (sha != null && !served.containsValue(sha)) {
                    LOG.info("{} was deleted; retiring its session", id);
                    sessions.retire(sha);
                }
            }
            default -> { }
        }
    }

    /** Loads, verifies and warms {@code name:version}, then points {@code route} at it (if followed). */
    private void rollTo(String route, String name, int version) {
        Integer previous = routes.get(route);
        if (previous == null || previous == version) {
            return; // nobody uses this route here yet: the first stream resolves it
        }
        long start = System.nanoTime();
        ModelCard card;
        try {
            card = card(name, version);
            try (LoadedModel m = lease(card)) {
                warm(m);
            }
        } catch (RuntimeException e) {
            LOG.error("rollout of {} to {}:{} failed; {} keeps serving version {}: {}", route, name, version, route,
                    previous, e.getMessage());
            return;
        }
        routes.put(route, version);
        LOG.info("{} now serves {}:{} (was {}; loaded and warmed in {} ms)", route, name, version, previous,
                (System.nanoTime() - start) / 1_000_000);
        String oldSha = served.get(name + ":" + previous);
        if (oldSha != null && !oldSha.equals(card.getSha256())
                && routes.entrySet().stream().noneMatch(r -> routeName(r.getKey()).equals(name)
                        && oldSha.equals(served.get(name + ":" + r.getValue())))) {
            sessions.retire(oldSha); // closes when the last stream on it ends
        }
    }

    /** One run over a few empty cells with every output, so the first real chunk meets a warm session. */
    private static void warm(LoadedModel m) {
        int genes = m.card().getGenePanel().getSymbolsCount();
        int cells = 8;
        m.model().run(new float[cells * genes], cells, genes, m.model().outputNames());
    }

    private ModelCard card(String name, int version) {
        ModelCard card = cards.get(name + ":" + version);
        if (card == null) {
            card = registry.resolve(ModelRef.newBuilder().setName(name).setVersion(version).build());
            cards.put(name + ":" + version, card);
        }
        return card;
    }

    /** "name@alias" or "name" for references that can move, null for an exact version. */
    private static String route(ModelRef ref) {
        if (ref.getVersion() > 0) {
            return null;
        }
        return ref.getAlias().isEmpty() ? ref.getName() : ref.getName() + "@" + ref.getAlias();
    }

    private static String routeName(String route) {
        int at = route.indexOf('@');
        return at < 0 ? route : route.substring(0, at);
    }

    /** The artifact contract between the card and the graph, checked before a stream uses them. */
    static void check(String id, ModelCard card, OrtModel model) {
        int genes = card.getGenePanel().getSymbolsCount();
        int labels = card.getLabelsCount();
        boolean encoder = !model.outputNames().contains(ArtifactContract.OUTPUT_PROBABILITIES)
                && model.outputNames().contains(ArtifactContract.OUTPUT_EMBEDDING);
        if (genes == 0 || (labels == 0 && !encoder)) {
            throw CytoLabelException.integrity(id + " has a card with " + genes + " genes and " + labels
                    + " labels; it cannot serve annotations");
        }
        if (model.inputColumns() >= 0 && model.inputColumns() != genes) {
            throw CytoLabelException.integrity(id + ": the graph takes " + model.inputColumns()
                    + " genes but the card's panel has " + genes);
        }
        if (encoder) {
            return; // an encoder (scPretrain): embeddings only
        }
        long[] probs = model.outputShapes().get(ArtifactContract.OUTPUT_PROBABILITIES);
        if (probs == null) {
            throw CytoLabelException.integrity(id + " has no '" + ArtifactContract.OUTPUT_PROBABILITIES
                    + "' output (outputs: " + model.outputNames() + ")");
        }
        if (probs.length != 2 || (probs[1] >= 0 && probs[1] != labels)) {
            throw CytoLabelException.integrity(id + ": output '" + ArtifactContract.OUTPUT_PROBABILITIES
                    + "' has shape " + java.util.Arrays.toString(probs) + " but the card has " + labels + " labels");
        }
    }

    @Override
    public void close() {
        rollout.shutdownNow();
        AutoCloseable w = watch;
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.warn("closing the registry watch failed: {}", e.getMessage());
            }
        }
    }
}
