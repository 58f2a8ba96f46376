package org.cytolabel.core.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Picks gene symbols and Ensembl ids out of an AnnData {@code var} frame.
 *
 * <p>Symbols: a text column named like a symbol column (SYMBOL, gene_symbols, feature_name,
 * feature, ...) that does not hold Ensembl ids, else - when the index holds Ensembl ids - the first
 * other text column with mostly distinct values, else the index. Ensembl ids: the index when it
 * holds them, else the first text column that does. A file with only Ensembl ids gets them in both
 * lists; a file with only symbols gets "" as Ensembl ids.
 */
final class VarGenes {
    private static final List<String> SYMBOL_NAMES = List.of("symbol", "symbols", "gene_symbol",
            "gene_symbols", "gene_name", "gene_names", "gene_short_name", "feature_name",
            "feature_names", "feature", "features", "gene", "genes", "name");
    private static final List<String> ENSEMBL_NAMES = List.of("ensembl", "ensembl_id",
            "ensembl_ids", "gene_id", "gene_ids", "feature_id", "feature_ids", "id");

    private VarGenes() {
    }

    static GeneList from(H5adFrame var, int genes, String what) {
        List<String> index = var.index();
        if (index == null || index.size() != genes) {
            throw CytoLabelException.invalid(what + " has " + (index == null ? "no" : index.size())
                    + " gene names for " + genes + " genes; write the file with anndata so that "
                    + "var_names hold one symbol or Ensembl id per gene");
        }
        Map<String, List<String>> text = textColumns(var, genes);
        boolean indexEnsembl = GeneIds.mostlyEnsembl(index);

        List<String> ensembl = indexEnsembl ? index : ensemblColumn(text);
        List<String> symbols = symbolColumn(text, indexEnsembl);
        if (symbols == null) {
            symbols = index;
        }
        List<String> sym = new ArrayList<>(genes);
        List<String> ens = new ArrayList<>(genes);
        for (int i = 0; i < genes; i++) {
            String s = symbols.get(i).isBlank() ? index.get(i) : symbols.get(i);
            String e = ensembl == null ? "" : ensembl.get(i);
            sym.add(s);
            ens.add(GeneIds.isEnsembl(e) ? e : (ensembl == null && GeneIds.isEnsembl(s) ? s : ""));
        }
        return new GeneList(sym, ens);
    }

    private static Map<String, List<String>> textColumns(H5adFrame var, int genes) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : var.columnNames()) {
            try {
                H5adFrame.Column c = var.read(name);
                if (c.text() && c.values().size() == genes) {
                    out.put(name, c.values());
                }
            } catch (CytoLabelException e) {
                // a var column in an encoding we cannot decode cannot hold the gene ids we need
            }
        }
        return out;
    }

    /** A symbol-named text column without Ensembl ids; failing that, see the class comment. */
    private static List<String> symbolColumn(Map<String, List<String>> text, boolean indexEnsembl) {
        List<String> named = named(text, SYMBOL_NAMES, false);
        if (named != null || !indexEnsembl) {
            return named;
        }
        for (List<String> values : text.values()) {
            if (!GeneIds.mostlyEnsembl(values) && new HashSet<>(values).size() > values.size() / 2) {
                return values;
            }
        }
        return null;
    }

    private static List<String> ensemblColumn(Map<String, List<String>> text) {
        List<String> named = named(text, ENSEMBL_NAMES, true);
        if (named != null) {
            return named;
        }
        return text.values().stream().filter(GeneIds::mostlyEnsembl).findFirst().orElse(null);
    }

    /** The first column named (case-insensitively) as in {@code names}, in that order. */
    private static List<String> named(Map<String, List<String>> text, List<String> names,
            boolean ensembl) {
        for (String wanted : names) {
            for (var e : text.entrySet()) {
                if (e.getKey().toLowerCase(Locale.ROOT).equals(wanted)
                        && GeneIds.mostlyEnsembl(e.getValue()) == ensembl) {
                    return e.getValue();
                }
            }
        }
        return null;
    }
}
