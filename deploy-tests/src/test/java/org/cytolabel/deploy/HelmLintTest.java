package org.cytolabel.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helm lint --strict} (real helm, through helm-java) on the default values and the GPU preset. */
class HelmLintTest {

    @Test
    void defaultValuesLintWithoutWarnings() {
        assertClean(Chart.lint());
    }

    @Test
    void gpuPresetLintsWithoutWarnings(@TempDir Path work) {
        assertClean(Chart.lintWith(Chart.readYaml(Chart.gpuValues()), work));
    }

    @Test
    void kubernetesJobRunnerLintsWithoutWarnings(@TempDir Path work) {
        assertClean(Chart.lintWith(Map.of("trainer", Map.of("runner", "kubernetes")), work));
    }

    @Test
    void lintChecksValuesAgainstTheSchema(@TempDir Path work) {
        LintResult r = Chart.lintWith(Map.of("inference", Map.of("replicas", "many")), work);
        assertTrue(r.isFailed(), "replicas: many must fail lint: " + r.getMessages());
        assertTrue(r.getMessages().stream().anyMatch(m -> m.contains("[ERROR]") && m.contains("replicas")),
                "lint names the bad key: " + r.getMessages());
    }

    private static void assertClean(LintResult r) {
        List<String> problems = r.getMessages().stream()
                .filter(m -> m.contains("[WARNING]") || m.contains("[ERROR]")).toList();
        assertFalse(r.isFailed(), "helm lint failed: " + r.getMessages());
        assertTrue(problems.isEmpty(), "helm lint warnings: " + problems);
    }
}
