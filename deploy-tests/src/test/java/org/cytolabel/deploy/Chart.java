package org.cytolabel.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The chart in {@code helm/cytolabel}, driven through helm-java (the real helm library, loaded as a
 * native library; no network): {@code helm template} and {@code helm lint}.
 */
final class Chart {
    static final String RELEASE = "cytolabel";
    static final String NAMESPACE = "cytolabel";
    static final String APP_VERSION = "0.1.0";

    private static final Map<String, String> RENDERS = new ConcurrentHashMap<>();
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private Chart() {
    }

    /** The repository root: surefire passes {@code project.root}; else found from the working directory up. */
    static Path root() {
        String prop = System.getProperty("project.root");
        Path start = (prop != null ? Path.of(prop) : Path.of("")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("helm/cytolabel"))) {
                return p;
            }
        }
        throw new IllegalStateException("no helm/cytolabel in " + start + " or above; set -Dproject.root");
    }

    static Path dir() {
        return root().resolve("helm/cytolabel");
    }

    static Path gpuValues() {
        return dir().resolve("values-gpu.yaml");
    }

    static Path plainManifests() {
        return root().resolve("k8s");
    }

    /** {@code helm template cytolabel helm/cytolabel -n cytolabel} with the default values (memoised). */
    static String renderDefault() {
        return RENDERS.computeIfAbsent("default", k -> template().call());
    }

    /** The same with {@code -f values-gpu.yaml} (memoised). */
    static String renderGpu() {
        return RENDERS.computeIfAbsent("gpu", k -> template().withValuesFile(gpuValues()).call());
    }

    /** {@code helm template -f overlay.yaml} (written to {@code work}), optionally after the GPU preset. */
    static String renderWith(Map<String, Object> overlay, Path work, boolean gpu) {
        Path file = work.resolve("overlay-" + System.nanoTime() + ".yaml");
        try {
            Files.writeString(file, YAML.asYaml(overlay));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TemplateCommand t = template();
        if (gpu) {
            t = t.withValuesFile(gpuValues());
        }
        return t.withValuesFile(file).call();
    }

    /** The same with {@code --set trainer.runner=kubernetes} (memoised). */
    static String renderJobs() {
        return RENDERS.computeIfAbsent("jobs", k -> template().set("trainer.runner", "kubernetes").call());
    }

    /** A template command for the release, to add {@code --set} / {@code -f} to. */
    static TemplateCommand template() {
        return new Helm(dir()).template().withName(RELEASE).withNamespace(NAMESPACE);
    }

    /** {@code helm lint --strict} of the chart as it is. */
    static LintResult lint() {
        return new Helm(dir()).lint().strict().call();
    }

    /**
     * {@code helm lint --strict} with an overlay: helm-java 0.0.15 has no values flag for lint, so the
     * chart is copied to {@code work} and its values.yaml replaced by values.yaml deep-merged with the
     * overlay (what {@code helm lint -f overlay} checks).
     */
    static LintResult lintWith(Map<String, Object> overlay, Path work) {
        Path copy = copyTo(work.resolve("cytolabel"));
        Map<String, Object> merged = deepMerge(readYaml(dir().resolve("values.yaml")), overlay);
        try {
            Files.writeString(copy.resolve("values.yaml"), YAML.asYaml(merged));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    static Map<String, Object> readYaml(Path file) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = YAML.unmarshal(Files.readString(file), LinkedHashMap.class);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> readJson(Path file) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper().readValue(file.toFile(), LinkedHashMap.class);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Helm's merge: maps merge key by key, anything else in the overlay replaces the base. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> overlay) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        overlay.forEach((k, v) -> {
            Object b = out.get(k);
            if (b instanceof Map<?, ?> bm && v instanceof Map<?, ?> vm) {
                out.put(k, deepMerge((Map<String, Object>) bm, (Map<String, Object>) vm));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Path copyTo(Path target) {
        Path source = dir();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
