package org.cytolabel.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Multi-document YAML into typed fabric8 objects, and lookups over them. */
final class Manifests {
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (\\S+)$");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static {
        // The one kind fabric8's Kubernetes models do not ship (openshift-model-monitoring has no 7.8 release).
        SERIALIZATION.registerKubernetesResource(ServiceMonitor.class);
    }

    private final List<HasMetadata> objects;

    private Manifests(List<HasMetadata> objects) {
        this.objects = List.copyOf(objects);
    }

    /** Parses every document (helm template output or a plain manifest file). */
    static Manifests parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : documents(yaml)) {
            Object o = SERIALIZATION.unmarshal(doc);
            if (o instanceof KubernetesResourceList<?> list) {
                out.addAll(list.getItems());
            } else if (o instanceof HasMetadata h) {
                out.add(h);
            } else {
                throw new AssertionError("not a Kubernetes object: " + doc);
            }
        }
        return new Manifests(out);
    }

    /** Every {@code *.yaml} under a directory, in file-name order. */
    static Manifests parseDirectory(Path dir) {
        StringBuilder all = new StringBuilder();
        for (Path f : yamlFiles(dir)) {
            all.append(read(f)).append("\n---\n");
        }
        return parse(all.toString());
    }

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Non-empty YAML documents, split on {@code ---} lines. */
    static List<String> documents(String yaml) {
        List<String> docs = new ArrayList<>();
        for (String d : yaml.split("(?m)^---\\s*$")) {
            boolean content = d.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"));
            if (content) {
                docs.add(d.strip() + "\n");
            }
        }
        return docs;
    }

    /**
     * helm template output grouped by template ({@code # Source: cytolabel/templates/x.yaml} to the
     * text of its documents, in render order): the layout of the plain manifests in {@code k8s/}.
     */
    static Map<String, String> bySource(String rendered) {
        Map<String, StringBuilder> groups = new LinkedHashMap<>();
        for (String doc : documents(rendered)) {
            Matcher m = SOURCE.matcher(doc);
            if (!m.find()) {
                throw new AssertionError("document without a # Source line: " + doc);
            }
            String file = Path.of(m.group(1)).getFileName().toString();
            StringBuilder b = groups.computeIfAbsent(file, k -> new StringBuilder());
            b.append("---\n").append(doc);
        }
        Map<String, String> out = new LinkedHashMap<>();
        groups.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    List<HasMetadata> all() {
        return objects;
    }

    <T extends HasMetadata> List<T> ofType(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> matches = ofType(type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
        if (matches.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " " + name + ", found " + matches.size()
                    + " among " + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
        }
        return matches.get(0);
    }

    /** Documents no typed class took (they would land in a GenericKubernetesResource). */
    List<String> untyped() {
        return objects.stream().filter(o -> o instanceof GenericKubernetesResource)
                .map(o -> o.getApiVersion() + "/" + o.getKind()).toList();
    }

    /**
     * Fields the typed models did not recognise (fabric8 keeps them in additionalProperties instead
     * of failing): a misspelt {@code readinesProbe} would show up here.
     */
    List<String> unknownFields() {
        List<String> out = new ArrayList<>();
        for (HasMetadata o : objects) {
            collectUnknown(o, o.getKind() + "/" + o.getMetadata().getName(), out);
        }
        return out;
    }

    private static void collectUnknown(Object o, String path, List<String> out) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                collectUnknown(e, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> collectUnknown(v, path + "." + k, out));
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.equals(Manifests.class.getPackageName())) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || Modifier.isStatic(m.getModifiers())
                    || m.getDeclaringClass() == Object.class || m.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + " " + extra.keySet());
                }
            } else if (!(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)) {
                collectUnknown(value, path + "." + m.getName().substring(3), out);
            }
        }
    }
}
