package org.cytolabel.trainer.cluster;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.function.Supplier;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.pipeline.TrainingPlan;

/**
 * The training plan as JSON, passed to the Job in the {@value #ENV} env var: the {@link TrainingPlan}
 * record's components by name, wrapped as {@code {"version": 1, "plan": {...}}}. Decoding runs the
 * record's own validation, so a Job never trains on a plan the trainer would have refused.
 */
public final class PlanCodec {
    /** The env var that carries the plan into the Job's container. */
    public static final String ENV = "CYTOLABEL_PLAN";
    private static final int VERSION = 1;
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private PlanCodec() {
    }

    public static String encode(TrainingPlan plan) {
        return JSON.asJson(new Envelope(VERSION, plan));
    }

    public static TrainingPlan decode(String json) {
        Map<?, ?> doc = read(() -> JSON.unmarshal(json, Map.class));
        if (!(doc.get("version") instanceof Number v) || v.intValue() != VERSION || doc.get("plan") == null) {
            throw CytoLabelException.invalid("the training plan has version " + doc.get("version") + ", this run-job"
                    + " reads version " + VERSION + "; run the Job with the trainer's own image");
        }
        return read(() -> JSON.convertValue(doc.get("plan"), TrainingPlan.class));
    }

    /** Runs a Jackson step; the plan's own refusal passes through, anything else says what was wrong. */
    private static <T> T read(Supplier<T> step) {
        try {
            T value = step.get();
            if (value == null) {
                throw CytoLabelException.invalid("the training plan is empty");
            }
            return value;
        } catch (RuntimeException ex) {
            Throwable root = ex;
            for (Throwable c = ex; c != null; c = c.getCause()) {
                if (c instanceof CytoLabelException refused) {
                    throw refused;
                }
                root = c;
            }
            throw CytoLabelException.invalid("the training plan is not a complete plan in JSON from a CytoLabel"
                    + " trainer: " + firstLine(root.getMessage()), ex);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** The JSON document: a version, then the plan. */
    private record Envelope(int version, TrainingPlan plan) {
    }
}
