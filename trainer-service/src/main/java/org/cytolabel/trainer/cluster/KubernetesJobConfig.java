package org.cytolabel.trainer.cluster;

import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.cytolabel.core.error.CytoLabelException;

/**
 * The template every training Job is built from, read from a properties file (a ConfigMap in the
 * chart) named by the trainer's {@code --job-config} flag. Keys, with defaults:
 *
 * <pre>
 * image=REQUIRED                      # an image with the cytolabel CLI (runs "run-job")
 * command=cytolabel                   # the container command, space-separated; args are always
 *                                     #   run-job --data-dir /var/lib/cytolabel --registry &lt;registry&gt;
 * imagePullPolicy=IfNotPresent
 * namespace=                          # empty: the trainer's own namespace (the client's default)
 * resources.cpu=2                     # requests = limits
 * resources.memory=8Gi
 * resources.gpu=0                     # &gt; 0 adds the GPU resource and a NoSchedule toleration for it
 * resources.gpuResource=nvidia.com/gpu
 * nodeSelector.&lt;label&gt;=&lt;value&gt;      # any number
 * serviceAccount=                     # empty: the namespace's default; the Job needs no API access
 * registry=                           # empty: the trainer's own --registry target
 * datasets.claim=REQUIRED             # the PVC that holds the trainer's --data-dir
 * datasets.subPath=                   # where the trainer's --data-dir sits inside that claim
 * backoffLimit=0                      # training failures are deterministic; retries waste GPUs
 * ttlSecondsAfterFinished=3600
 * activeDeadlineSeconds=0             # 0: no deadline
 * runAsUser=10001                     # also runAsGroup and fsGroup
 * env.&lt;NAME&gt;=&lt;value&gt;                # extra environment, e.g. env.JAVA_TOOL_OPTIONS=-Xmx6g
 * secretEnv.&lt;NAME&gt;=&lt;secret&gt;/&lt;key&gt;     # environment from a Secret, e.g. CYTOLABEL_TOKEN
 * secretMount.&lt;secret&gt;=&lt;path&gt;        # a Secret mounted read-only, e.g. the registry's TLS CA
 * labels.&lt;label&gt;=&lt;value&gt;           # extra Job and pod labels, e.g. app.kubernetes.io/instance
 * </pre>
 */
public record KubernetesJobConfig(String image, List<String> command, String imagePullPolicy, String namespace,
        String cpu, String memory, int gpus, String gpuResource, Map<String, String> nodeSelector,
        String serviceAccount, String registryTarget, String datasetsClaim, String datasetsSubPath,
        int backoffLimit, long ttlSecondsAfterFinished, long activeDeadlineSeconds, long runAsUser,
        Map<String, String> env, Map<String, String> secretEnv, Map<String, String> secretMounts,
        Map<String, String> labels) {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");
    private static final Pattern SECRET_REF = Pattern.compile("[a-z0-9][a-z0-9.-]*/[-._a-zA-Z0-9]+");

    public KubernetesJobConfig {
        command = List.copyOf(command);
        nodeSelector = Map.copyOf(nodeSelector);
        env = Map.copyOf(env);
        secretEnv = Map.copyOf(secretEnv);
        secretMounts = Map.copyOf(secretMounts);
        labels = Map.copyOf(labels);
        require(!image.isBlank(), "image", "name the container image that holds the cytolabel CLI");
        require(!command.isEmpty(), "command", "give the command that runs the cytolabel CLI, e.g. 'cytolabel'");
        require(!datasetsClaim.isBlank(), "datasets.claim",
                "name the PersistentVolumeClaim that holds the trainer's --data-dir, so Jobs see uploaded datasets");
        require(!registryTarget.isBlank(), "registry", "give the registry target the Job publishes to");
        require(isQuantity(cpu), "resources.cpu", "must be a Kubernetes quantity such as 4 or 500m, got '" + cpu + "'");
        require(isQuantity(memory), "resources.memory", "must be a Kubernetes quantity such as 16Gi, got '" + memory
                + "'");
        require(gpus >= 0, "resources.gpu", "must be 0 or more");
        require(backoffLimit >= 0, "backoffLimit", "must be 0 or more");
        require(ttlSecondsAfterFinished >= 0, "ttlSecondsAfterFinished", "must be 0 or more");
        require(activeDeadlineSeconds >= 0, "activeDeadlineSeconds", "must be 0 (none) or more");
        require(runAsUser > 0, "runAsUser", "must be a non-root uid (> 0)");
        require(!datasetsSubPath.startsWith("/") && !Arrays.asList(datasetsSubPath.split("/")).contains(".."),
                "datasets.subPath", "must be a relative path inside the claim, without '..'");
        env.keySet().forEach(k -> require(ENV_NAME.matcher(k).matches(), "env." + k, "is not an env var name"));
        secretEnv.forEach((k, v) -> require(ENV_NAME.matcher(k).matches() && SECRET_REF.matcher(v).matches(),
                "secretEnv." + k, "must map an env var name to <secret>/<key>, got '" + v + "'"));
        secretMounts.forEach((k, v) -> require(SECRET_NAME.matcher(k).matches() && v.startsWith("/"),
                "secretMount." + k, "must map a Secret name to an absolute mount path, got '" + v + "'"));
        labels.keySet().forEach(k -> require(!k.startsWith("cytolabel/") && !k.equals("app.kubernetes.io/name")
                && !k.equals("app.kubernetes.io/component"), "labels." + k, "is set by the trainer itself"));
    }

    /** Reads the template from a properties file; {@code defaultRegistry} fills an empty {@code registry}. */
    public static KubernetesJobConfig load(Path file, String defaultRegistry) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read the Kubernetes Job template " + file + ": " + e.getMessage()
                    + "; pass --job-config with a readable properties file", e);
        }
        return fromProperties(p, defaultRegistry);
    }

    public static KubernetesJobConfig fromProperties(Properties p, String defaultRegistry) {
        String registry = p.getProperty("registry", "").trim();
        return new KubernetesJobConfig(get(p, "image", ""),
                List.of(get(p, "command", "cytolabel").split("\\s+")),
                get(p, "imagePullPolicy", "IfNotPresent"), get(p, "namespace", ""),
                get(p, "resources.cpu", "2"), get(p, "resources.memory", "8Gi"),
                (int) number(p, "resources.gpu", 0), get(p, "resources.gpuResource", "nvidia.com/gpu"),
                prefixed(p, "nodeSelector."), get(p, "serviceAccount", ""),
                registry.isEmpty() ? defaultRegistry : registry, get(p, "datasets.claim", ""),
                get(p, "datasets.subPath", ""), (int) number(p, "backoffLimit", 0),
                number(p, "ttlSecondsAfterFinished", 3600), number(p, "activeDeadlineSeconds", 0),
                number(p, "runAsUser", 10001), prefixed(p, "env."), prefixed(p, "secretEnv."),
                prefixed(p, "secretMount."), prefixed(p, "labels."));
    }

    private static String get(Properties p, String key, String fallback) {
        return p.getProperty(key, fallback).trim();
    }

    private static long number(Properties p, String key, long fallback) {
        String v = get(p, key, Long.toString(fallback));
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw CytoLabelException.invalid("Kubernetes Job template: " + key + " must be a whole number, got '"
                    + v + "'");
        }
    }

    private static Map<String, String> prefixed(Properties p, String prefix) {
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                m.put(k.substring(prefix.length()), p.getProperty(k).trim());
            }
        }
        return m;
    }

    private static boolean isQuantity(String q) {
        try {
            return !q.isBlank() && Quantity.getAmountInBytes(new Quantity(q)).signum() > 0;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
    }

    private static void require(boolean ok, String key, String what) {
        if (!ok) {
            throw CytoLabelException.invalid("Kubernetes Job template key '" + key + "': " + what);
        }
    }
}
