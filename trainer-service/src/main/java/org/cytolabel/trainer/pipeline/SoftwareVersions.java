package org.cytolabel.trainer.pipeline;

import java.util.Map;
import java.util.TreeMap;

/** Versions of what produced a model, for its card. */
final class SoftwareVersions {
    private SoftwareVersions() {
    }

    static Map<String, String> all() {
        Map<String, String> v = new TreeMap<>();
        v.put("java", System.getProperty("java.version"));
        v.put("cytolabel", versionOf(SoftwareVersions.class, "0.1.0-SNAPSHOT"));
        v.put("djl", versionOf(ai.djl.engine.Engine.class, "0.35.1"));
        v.put("onnxruntime", versionOf(ai.onnxruntime.OrtEnvironment.class, "1.29.0"));
        v.put("onnx_opset", Integer.toString(org.cytolabel.core.onnx.ArtifactContract.OPSET));
        return v;
    }

    private static String versionOf(Class<?> c, String fallback) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? fallback : v;
    }
}
