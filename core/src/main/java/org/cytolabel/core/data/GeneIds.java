package org.cytolabel.core.data;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises Ensembl gene ids ({@code ENSG00000141510}, {@code ENSMUSG00000059552.7}) among gene
 * identifiers. Symbols that merely start with "ENS" (ENSA, ENSAP1) are not ids: an id has a
 * species prefix, a G and exactly eleven digits, optionally with a version suffix.
 */
public final class GeneIds {
    private static final Pattern ENSEMBL =
            Pattern.compile("ENS[A-Z]{0,10}G\\d{11}(\\.\\d+)?", Pattern.CASE_INSENSITIVE);

    private GeneIds() {
    }

    public static boolean isEnsembl(String id) {
        return id != null && ENSEMBL.matcher(id.strip()).matches();
    }

    /** The id upper-cased without its version suffix ("ensg00000141510.12" → "ENSG00000141510"). */
    public static String ensemblKey(String id) {
        String s = id.strip().toUpperCase(Locale.ROOT);
        int dot = s.indexOf('.');
        return dot < 0 ? s : s.substring(0, dot);
    }

    /** True when at least 90% of the non-empty values are Ensembl ids (and there is one). */
    public static boolean mostlyEnsembl(List<String> values) {
        int nonEmpty = 0;
        int ensembl = 0;
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                nonEmpty++;
                if (isEnsembl(v)) {
                    ensembl++;
                }
            }
        }
        return nonEmpty > 0 && ensembl >= 0.9 * nonEmpty;
    }
}
