package org.cytolabel.inference.annotate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Resolves a model reference (name, alias or version) to one exact version through the registry and
 * leases that version's session, fetching the artifact only when no session for its hash is open.
 * Registry errors (NOT_FOUND for an unknown model, alias or version) pass through with the registry's
 * message. With {@link #follow()}, deleted versions are retired from the session cache.
 */
public final class ModelResolver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelResolver.class);

    private final RegistryClient registry;
    private final SessionCache sessions;
    private final AnnotationMetrics metrics;
    /** "name:version" -> sha256 of versions served so far, to retire them when deleted. */
    private final Map<String, String> served = new ConcurrentHashMap<>();
    private volatile AutoCloseable watch;

    public ModelResolver(RegistryClient registry, SessionCache sessions, AnnotationMetrics metrics) {
        this.registry = registry;
        this.sessions = sessions;
        this.metrics = metrics;
    }

    /** The exact version {@code ref} names now, with a lease on its session (the caller closes it). */
    public LoadedModel open(ModelRef ref) {
        ModelCard card = registry.resolve(ref);
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

    /** Follows the registry's watch stream: a deleted version's session closes once its streams end. */
    public void follow() {
        watch = registry.watch("", false, this::onEvent,
                err -> LOG.warn("registry watch ended: {}; deleted versions stay cached until evicted",
                        err.getMessage()));
    }

    void onEvent(ModelEvent event) {
        if (event.getKind() == ModelEvent.Kind.DELETED) {
            String sha = served.remove(event.getName() + ":" + event.getVersion());
            // Another version with the same bytes shares the session: keep it.
            if (sha != null && !served.containsValue(sha)) {
                LOG.info("{}:{} was deleted; retiring its session", event.getName(), event.getVersion());
                sessions.retire(sha);
            }
        }
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
