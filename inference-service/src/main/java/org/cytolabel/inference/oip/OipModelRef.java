package org.cytolabel.inference.oip;

import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.registry.client.ModelRefs;

/**
 * An OIP model name and version as a registry reference: {@code model_name} is a registry model name,
 * optionally {@code name@alias}; {@code model_version} is empty (the latest version, or the alias) or
 * a version number.
 */
final class OipModelRef {
    private OipModelRef() {
    }

    static ModelRef parse(String name, String version) {
        if (name == null || name.isBlank()) {
            throw CytoLabelException.invalid("model_name is empty; name a registry model, e.g. 'pbmc-mlp' or"
                    + " 'pbmc-mlp@production' (RepositoryIndex lists the models)");
        }
        ModelRef ref = ModelRefs.parse(name);
        String v = version == null ? "" : version.trim();
        if (v.isEmpty()) {
            return ref;
        }
        if (ref.getSelectorCase() != ModelRef.SelectorCase.SELECTOR_NOT_SET) {
            throw CytoLabelException.invalid("model_name '" + name + "' already selects a version or alias and"
                    + " model_version is '" + v + "'; leave model_version empty or name the model alone");
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw CytoLabelException.invalid("model_version '" + v + "' is not a version number; leave it empty"
                    + " for the latest version, give a number such as '3', or name an alias as 'name@alias'"
                    + " in model_name");
        }
        if (n < 1) {
            throw CytoLabelException.invalid("model_version " + n + " does not exist: versions start at 1;"
                    + " leave it empty for the latest version");
        }
        return ref.toBuilder().setVersion(n).build();
    }
}
