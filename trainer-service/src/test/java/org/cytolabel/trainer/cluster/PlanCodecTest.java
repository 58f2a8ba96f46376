package org.cytolabel.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.pipeline.TrainingPlan;
import org.junit.jupiter.api.Test;

/** The plan the Job reads back, and the result line it leaves for the trainer. */
class PlanCodecTest {
    private static final TrainingPlan PLAN = new TrainingPlan("mlp", List.of("kang-0123456789ab"), "cell",
            "donor", List.of("d1", "d2"), 0.0, 0.15, Map.of("hidden", "128", "lr", "0.001"), 40, 42L, "pbmc",
            "production", List.of("doublet"), Map.of("Mono", "CL:0000576"), List.of("query-aaaaaaaaaaaa"), List.of(), "");

    @Test
    void planSurvivesTheRoundTripExactly() {
        String json = PlanCodec.encode(PLAN);
        assertTrue(json.startsWith("{\"version\":1,"), json);
        assertEquals(PLAN, PlanCodec.decode(json));
    }

    @Test
    void aPlanTheTrainerWouldRefuseIsRefusedInTheJobToo() {
        String json = PlanCodec.encode(PLAN).replace("\"mlp\"", "\"xgboost\"");
        var e = assertThrows(CytoLabelException.class, () -> PlanCodec.decode(json));
        assertTrue(e.getMessage().startsWith("unknown model kind 'xgboost'"), e.getMessage());
        var v = assertThrows(CytoLabelException.class, () -> PlanCodec.decode("{\"version\":2,\"plan\":{}}"));
        assertTrue(v.getMessage().contains("version 2"), v.getMessage());
        var junk = assertThrows(CytoLabelException.class, () -> PlanCodec.decode("not json {"));
        assertTrue(junk.getMessage().startsWith("the training plan is not a complete plan in JSON"), junk.getMessage());
        var partial = assertThrows(CytoLabelException.class,
                () -> PlanCodec.decode("{\"version\":1,\"plan\":{\"modelKind\":\"mlp\"}}"));
        assertTrue(partial.getMessage().startsWith("the training plan is not a complete plan"), partial.getMessage());
    }

    @Test
    void terminationMessageNamesTheExactVersion() {
        String sha = "0f".repeat(32);
        String line = TerminationMessage.published("pbmc", 12, sha);
        assertEquals("published pbmc:12 sha256=" + sha, line);
        assertEquals(Optional.of(new TerminationMessage.Published("pbmc", 12, sha)),
                TerminationMessage.parsePublished(line + "\n"));
        assertEquals("pbmc:12", TerminationMessage.parsePublished(line).orElseThrow().ref());
        assertEquals(Optional.empty(), TerminationMessage.parsePublished("failed: boom"));
        assertEquals(Optional.empty(), TerminationMessage.parsePublished(null));
    }

    @Test
    void failureReasonFromTheLineOrTheLogTail() {
        assertEquals("no dataset 'x'", TerminationMessage.failureReason(TerminationMessage.failed("no dataset 'x'")));
        assertEquals("java.lang.OutOfMemoryError: Java heap space",
                TerminationMessage.failureReason("epoch 1\nepoch 2\njava.lang.OutOfMemoryError: Java heap space\n"));
        assertEquals("", TerminationMessage.failureReason(null));
        assertTrue(TerminationMessage.failed("x".repeat(5000)).length() <= 1000);
    }
}
