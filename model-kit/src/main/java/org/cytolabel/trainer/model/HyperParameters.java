package org.cytolabel.trainer.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;

/**
 * A family's hyper-parameters: its defaults with a request's overrides applied. Unknown keys and
 * unparseable values are refused with the list of valid keys, so a typo never trains silently
 * with a default.
 */
public final class HyperParameters {
    private final String kind;
    private final Map<String, String> values;

    private HyperParameters(String kind, Map<String, String> values) {
        this.kind = kind;
        this.values = Collections.unmodifiableMap(values);
    }

    /** {@code defaults} with {@code overrides} applied; an override of a key not in defaults is refused. */
    public static HyperParameters of(String kind, Map<String, String> defaults, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        for (var e : overrides.entrySet()) {
            if (!defaults.containsKey(e.getKey())) {
                throw CytoLabelException.invalid("unknown hyper-parameter '" + e.getKey() + "' for model kind '"
                        + kind + "'; valid keys are " + defaults.keySet());
            }
            merged.put(e.getKey(), e.getValue() == null ? "" : e.getValue().trim());
        }
        return new HyperParameters(kind, merged);
    }

    /** Every key with its value, in the defaults' order. */
    public Map<String, String> asMap() {
        return values;
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("model kind '" + kind + "' has no hyper-parameter '" + key + "'");
        }
        return v;
    }

    public int integer(String key) {
        try {
            return Integer.parseInt(string(key));
        } catch (NumberFormatException e) {
            throw bad(key, "an integer", e);
        }
    }

    public long longValue(String key) {
        try {
            return Long.parseLong(string(key));
        } catch (NumberFormatException e) {
            throw bad(key, "an integer", e);
        }
    }

    public float real(String key) {
        try {
            float f = Float.parseFloat(string(key));
            if (!Float.isFinite(f)) {
                throw new NumberFormatException("not finite");
            }
            return f;
        } catch (NumberFormatException e) {
            throw bad(key, "a finite number", e);
        }
    }

    public boolean flag(String key) {
        String v = string(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw bad(key, "true or false", null);
        };
    }

    /** Throws INVALID_ARGUMENT naming the key unless {@code ok}. */
    public void require(boolean ok, String key, String expectation) {
        if (!ok) {
            throw CytoLabelException.invalid("hyper-parameter '" + key + "' = '" + values.get(key) + "' must be "
                    + expectation + " (model kind '" + kind + "')");
        }
    }

    private CytoLabelException bad(String key, String expected, Exception cause) {
        return CytoLabelException.invalid("hyper-parameter '" + key + "' has a bad value '" + values.get(key)
                + "'; expected " + expected + " (model kind '" + kind + "', valid keys " + values.keySet() + ")", cause);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
