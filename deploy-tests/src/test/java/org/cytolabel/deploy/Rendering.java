package org.cytolabel.deploy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The three sets of manifests every structural test runs over. */
enum Rendering {
    /** {@code helm template} with values.yaml. */
    DEFAULT,
    /** {@code helm template -f values-gpu.yaml}. */
    GPU,
    /** {@code helm template --set trainer.runner=kubernetes}: training as Kubernetes Jobs. */
    JOBS,
    /** The checked-in plain manifests in {@code k8s/}, parsed from disk. */
    PLAIN;

    private static final Map<Rendering, Manifests> PARSED = new ConcurrentHashMap<>();

    Manifests manifests() {
        return PARSED.computeIfAbsent(this, r -> switch (r) {
            case DEFAULT -> Manifests.parse(Chart.renderDefault());
            case GPU -> Manifests.parse(Chart.renderGpu());
            case JOBS -> Manifests.parse(Chart.renderJobs());
            case PLAIN -> Manifests.parseDirectory(Chart.plainManifests());
        });
    }

    boolean gpu() {
        return this == GPU;
    }

    /** Whether the trainer runs training as Kubernetes Jobs (and so has RBAC). */
    boolean jobs() {
        return this == JOBS;
    }
}
