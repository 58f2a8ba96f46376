package org.cytolabel.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/} is the chart rendered with default values, one file per template, and must not drift.
 * Regenerate after changing the chart with
 * {@code ./mvnw -pl deploy-tests -am test -Dtest=PlainManifestsTest -Dcytolabel.writeManifests=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class PlainManifestsTest {
    static final String HEADER = """
            # Generated from helm/cytolabel with default values (release cytolabel, namespace cytolabel).
            # Do not edit: change the chart and regenerate (docs/DEPLOYMENT.md, "Plain manifests").
            """;

    @Test
    void plainManifestsAreTheDefaultRender() throws IOException {
        Map<String, String> expected = Manifests.bySource(Chart.renderDefault());
        Path dir = Chart.plainManifests();
        if (Boolean.getBoolean("cytolabel.writeManifests")) {
            Files.createDirectories(dir);
            for (Path stale : Manifests.yamlFiles(dir)) {
                Files.delete(stale);
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), HEADER + e.getValue());
            }
        }
        List<String> files = Manifests.yamlFiles(dir).stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(expected.keySet().stream().sorted().toList(), files,
                "k8s/ holds one file per chart template; regenerate with -Dcytolabel.writeManifests=true");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(HEADER + e.getValue(), Files.readString(dir.resolve(e.getKey())),
                    "k8s/" + e.getKey() + " differs from helm template; regenerate with -Dcytolabel.writeManifests=true");
        }
    }

    @Test
    void plainManifestsParseToTheSameObjectsAsTheRender() {
        Map<String, String> rendered = asJson(Rendering.DEFAULT.manifests());
        Map<String, String> plain = asJson(Rendering.PLAIN.manifests());
        assertEquals(rendered.keySet(), plain.keySet());
        rendered.forEach((k, v) -> assertEquals(v, plain.get(k), k));
    }

    /** Kind/name to the object serialised back from its typed model. */
    private static Map<String, String> asJson(Manifests m) {
        Map<String, String> out = new TreeMap<>();
        m.all().forEach(o -> out.put(o.getKind() + "/" + o.getMetadata().getName(), Serialization.asJson(o)));
        return out;
    }
}
