package org.cytolabel.service;

import java.util.HashMap;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;

/** {@code --name value} / {@code --name=value} command-line flags for the service mains. */
public final class Flags {
    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    public static Flags parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw CytoLabelException.invalid("unexpected argument '" + a + "'; flags look like --port 50051");
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                m.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                m.put(a.substring(2), args[++i]);
            } else {
                m.put(a.substring(2), "true");
            }
        }
        return new Flags(m);
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int getInt(String name, int fallback) {
        return (int) getLong(name, fallback);
    }

    public long getLong(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw CytoLabelException.invalid("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    public boolean getBoolean(String name, boolean fallback) {
        String v = values.get(name);
        return v == null ? fallback : Boolean.parseBoolean(v);
    }
}
