package org.cytolabel.trainer.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.train.FeedForwardFamily;
import org.cytolabel.trainer.train.TrainingConfig;

/**
 * Every model family on the class path: the built-in "linear" and "mlp", then those that modules
 * register through {@link ServiceLoader}, by kind.
 */
public final class ModelFamilies {
    private static final Map<String, ModelFamily> ALL = load();

    private ModelFamilies() {
    }

    /** The family of {@code kind}; INVALID_ARGUMENT naming the known kinds when there is none. */
    public static ModelFamily get(String kind) {
        ModelFamily f = ALL.get(kind);
        if (f == null) {
            throw CytoLabelException.invalid("unknown model kind '" + kind + "'; this trainer knows " + kinds());
        }
        return f;
    }

    /** The known kinds, built-in first. */
    public static List<String> kinds() {
        return List.copyOf(ALL.keySet());
    }

    public static boolean has(String kind) {
        return ALL.containsKey(kind);
    }

    private static Map<String, ModelFamily> load() {
        Map<String, ModelFamily> m = new LinkedHashMap<>();
        for (String k : TrainingConfig.KINDS) {
            m.put(k, new FeedForwardFamily(k));
        }
        List<ModelFamily> found = new ArrayList<>();
        ServiceLoader.load(ModelFamily.class, ModelFamilies.class.getClassLoader()).forEach(found::add);
        found.sort((a, b) -> a.kind().compareTo(b.kind()));
        for (ModelFamily f : found) {
            if (m.putIfAbsent(f.kind(), f) != null) {
                throw new IllegalStateException("two model families claim kind '" + f.kind() + "'");
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
