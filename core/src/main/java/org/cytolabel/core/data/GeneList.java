package org.cytolabel.core.data;

import java.util.List;
import org.cytolabel.core.error.CytoLabelException;

/**
 * The genes of a dataset in column order: a symbol per gene and, where known, an Ensembl id
 * (empty string where not). When a file only has one kind of id, both lists hold what it has.
 */
public record GeneList(List<String> symbols, List<String> ensemblIds) {

    public GeneList {
        symbols = List.copyOf(symbols);
        ensemblIds = List.copyOf(ensemblIds);
        if (symbols.size() != ensemblIds.size()) {
            throw CytoLabelException.invalid("gene symbols (" + symbols.size()
                    + ") and Ensembl ids (" + ensemblIds.size() + ") differ in length");
        }
    }

    public static GeneList ofSymbols(List<String> symbols) {
        return new GeneList(symbols, symbols.stream().map(s -> "").toList());
    }

    public int size() {
        return symbols.size();
    }

    /** Per gene the symbol, or the Ensembl id where no symbol is known: what a client sends. */
    public List<String> identifiers() {
        var out = new java.util.ArrayList<String>(size());
        for (int i = 0; i < size(); i++) {
            String s = symbols.get(i);
            out.add(s == null || s.isEmpty() ? ensemblIds.get(i) : s);
        }
        return out;
    }
}
