package org.cytolabel.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json turns bad values into a failed {@code helm template} that names the key. */
class ValuesSchemaTest {

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("inference.replicas", "many", "replicas"),
                Arguments.of("inference.replicas", 0, "replicas"),
                Arguments.of("securityContext.runAsUser", 0, "runAsUser"),
                Arguments.of("inference.gpus", -1, "gpus"),
                Arguments.of("inference.resources.cpu", "lots", "cpu"),
                Arguments.of("inference.autoscaling.cpu.targetAverageUtilization", 150, "targetAverageUtilization"),
                Arguments.of("inference.terminationGracePeriodSeconds", 10, "terminationGracePeriodSeconds"),
                Arguments.of("image.pullPolicy", "Sometimes", "pullPolicy"),
                Arguments.of("inference.replica", 3, "replica"),
                Arguments.of("registry.ports.grpc", 70000, "grpc"),
                Arguments.of("registry.postgres.enabled", true, "url"),
                Arguments.of("tls.enabled", true, "secretName"),
                Arguments.of("auth.enabled", true, "name"),
                Arguments.of("serviceMonitor.interval", "often", "interval"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void rejects(String key, Object value, String named) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Chart.template().set(key, value).call(), key + "=" + value + " must not render");
        assertTrue(e.getMessage().contains("schema") && e.getMessage().contains(named),
                "the error names the schema and " + named + ": " + e.getMessage());
    }

    @Test
    void acceptsAGoodOverride() {
        String out = Chart.template().set("inference.replicas", 3).set("inference.autoscaling.enabled", false).call();
        assertTrue(out.contains("replicas: 3"), out);
    }
}
