package org.cytolabel.inference.oip;

import org.cytolabel.inference.annotate.LoadedModel;
import org.cytolabel.inference.annotate.ModelResolver;
import org.cytolabel.proto.oip.ModelInferRequest;
import org.cytolabel.proto.oip.ModelInferResponse;

/**
 * Model access shared by the unary and streaming OIP calls: resolves OIP names and versions through
 * the registry, leases sessions ({@link ModelResolver}) and runs inference, keeping the statistics.
 */
final class OipModels {
    private final ModelResolver resolver;
    private final ServedVersions served = new ServedVersions();

    OipModels(ModelResolver resolver) {
        this.resolver = resolver;
    }

    ServedVersions served() {
        return served;
    }

    /** The version {@code name} and {@code version} select, with a session lease the caller closes. */
    LoadedModel open(String name, String version) {
        LoadedModel model = resolver.open(OipModelRef.parse(name, version));
        served.loaded(model.name(), model.version());
        return model;
    }

    /** Runs {@code request} on {@code model}; {@code queuedNanos}: how long it waited for a compute thread. */
    ModelInferResponse infer(LoadedModel model, ModelInferRequest request, long queuedNanos) {
        long start = System.nanoTime();
        try {
            InferRunner.Inference r = InferRunner.run(model, request);
            served.success(model.name(), model.version(), r.cells(), r.runs(), queuedNanos, r.computeNanos(),
                    queuedNanos + System.nanoTime() - start);
            return r.response();
        } catch (RuntimeException e) {
            served.failure(model.name(), model.version(), queuedNanos + System.nanoTime() - start);
            throw e;
        }
    }
}
