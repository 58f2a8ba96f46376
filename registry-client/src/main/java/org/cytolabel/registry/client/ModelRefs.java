package org.cytolabel.registry.client;

import java.util.regex.Pattern;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.model.v1.ModelRef;

/** Model references as text: {@code name} (latest), {@code name@alias}, {@code name:3}. */
public final class ModelRefs {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9._-]{0,62}");
    private static final String FORMS = "use 'name' (latest), 'name@alias' or 'name:version',"
            + " e.g. 'pbmc-mlp', 'pbmc-mlp@production', 'pbmc-mlp:3'";

    private ModelRefs() {
    }

    public static ModelRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw CytoLabelException.invalid("the model reference is empty; " + FORMS);
        }
        String s = text.trim();
        int at = s.indexOf('@');
        int colon = s.lastIndexOf(':');
        ModelRef.Builder ref = ModelRef.newBuilder();
        String name;
        if (at >= 0) {
            name = s.substring(0, at);
            String alias = s.substring(at + 1);
            if (!ALIAS.matcher(alias).matches()) {
                throw CytoLabelException.invalid("'" + text + "' has an invalid alias '" + alias
                        + "' (a-z, 0-9, '.', '_', '-', starting with a letter); " + FORMS);
            }
            ref.setAlias(alias);
        } else if (colon >= 0) {
            name = s.substring(0, colon);
            String v = s.substring(colon + 1);
            int version;
            try {
                version = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw CytoLabelException.invalid("'" + text + "' has an invalid version '" + v + "'; " + FORMS);
            }
            if (version < 1) {
                throw CytoLabelException.invalid("'" + text + "': versions start at 1; " + FORMS);
            }
            ref.setVersion(version);
        } else {
            name = s;
        }
        if (!NAME.matcher(name).matches()) {
            throw CytoLabelException.invalid("'" + text + "' has an invalid model name '" + name
                    + "' (1-63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit); " + FORMS);
        }
        return ref.setName(name).build();
    }

    /** The text form {@link #parse} reads. */
    public static String format(ModelRef ref) {
        return switch (ref.getSelectorCase()) {
            case VERSION -> ref.getName() + ":" + ref.getVersion();
            case ALIAS -> ref.getName() + "@" + ref.getAlias();
            case SELECTOR_NOT_SET -> ref.getName();
        };
    }
}
