package org.cytolabel.trainer.server;

import java.nio.file.Path;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.service.Flags;
import org.cytolabel.trainer.cluster.KubernetesJobConfig;

/**
 * Which job runner the trainer uses. {@code --runner in-process} (the default) trains in the
 * trainer's JVM; {@code --runner kubernetes --job-config FILE} runs each request as a Kubernetes Job
 * built from the properties file that {@link KubernetesJobConfig} describes.
 */
public final class RunnerConfig {
    private final KubernetesJobConfig kubernetes;

    private RunnerConfig(KubernetesJobConfig kubernetes) {
        this.kubernetes = kubernetes;
    }

    public static RunnerConfig inProcess() {
        return new RunnerConfig(null);
    }

    public static RunnerConfig kubernetes(KubernetesJobConfig template) {
        return new RunnerConfig(java.util.Objects.requireNonNull(template));
    }

    /** From {@code --runner} and {@code --job-config}; the template's registry defaults to {@code registryTarget}. */
    public static RunnerConfig fromFlags(Flags flags, String registryTarget) {
        String runner = flags.get("runner", "in-process");
        switch (runner) {
            case "in-process":
                return inProcess();
            case "kubernetes":
                String file = flags.get("job-config", "");
                if (file.isEmpty()) {
                    throw CytoLabelException.invalid("--runner kubernetes needs --job-config FILE, a properties file"
                            + " with at least image= and datasets.claim=");
                }
                return kubernetes(KubernetesJobConfig.load(Path.of(file), registryTarget));
            default:
                throw CytoLabelException.invalid("--runner must be in-process or kubernetes, got '" + runner + "'");
        }
    }

    public boolean isKubernetes() {
        return kubernetes != null;
    }

    /** The Job template; only for {@link #isKubernetes()}. */
    public KubernetesJobConfig kubernetesJob() {
        if (kubernetes == null) {
            throw new IllegalStateException("the in-process runner has no Job template");
        }
        return kubernetes;
    }

    @Override
    public String toString() {
        return isKubernetes() ? "kubernetes (image " + kubernetes.image() + ")" : "in-process";
    }
}
