package org.cytolabel.core.panel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.core.data.GeneIds;
import org.cytolabel.core.data.GeneList;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Maps a client's gene ids onto a model's gene panel.
 *
 * <p>A client id matches a model gene by Ensembl id (case-insensitive, version suffix such as
 * ".12" ignored) or by symbol (case-insensitive). When the panel has two genes with one symbol,
 * each is matched by its Ensembl id where the client sends Ensembl ids, and a symbol goes to the
 * first of them. When several client genes map to one model gene, the first is kept and the others
 * are counted as duplicates. Model genes the client lacks read as zero.
 */
public final class GeneAligner {
    /** Missing model genes shown in messages and kept in the alignment. */
    static final int EXAMPLES = 5;

    private GeneAligner() {
    }

    /**
     * Aligns, or throws {@link CytoLabelException} (invalid argument) when less than
     * {@code minOverlap} (0..1) of the model's genes are found.
     */
    public static GeneAlignment align(GenePanel model, List<String> clientGeneIds,
            double minOverlap) {
        if (!(minOverlap >= 0 && minOverlap <= 1)) {
            throw new IllegalArgumentException("minOverlap must be within 0..1, got " + minOverlap);
        }
        GeneList genes = model.genes();
        int modelGenes = genes.size();
        if (modelGenes == 0) {
            throw CytoLabelException.invalid("the model's gene panel is empty, so no genes can be "
                    + "matched; the model card is broken: publish the model again");
        }
        if (clientGeneIds == null || clientGeneIds.isEmpty()) {
            throw CytoLabelException.invalid("no gene ids were sent; send one gene symbol or Ensembl "
                    + "id per column of the counts, matching the model's panel (see its model card)");
        }
        Map<String, Integer> byEnsembl = new HashMap<>();
        Map<String, Integer> bySymbol = new HashMap<>();
        for (int m = 0; m < modelGenes; m++) {
            String ens = genes.ensemblIds().get(m);
            String sym = genes.symbols().get(m);
            if (GeneIds.isEnsembl(ens)) {
                byEnsembl.putIfAbsent(GeneIds.ensemblKey(ens), m);
            }
            if (GeneIds.isEnsembl(sym)) {
                byEnsembl.putIfAbsent(GeneIds.ensemblKey(sym), m);
            }
            if (sym != null && !sym.isBlank()) {
                bySymbol.putIfAbsent(sym.strip().toLowerCase(Locale.ROOT), m);
            }
        }
        int[] clientToModel = new int[clientGeneIds.size()];
        boolean[] claimed = new boolean[modelGenes];
        int matched = 0;
        int duplicates = 0;
        for (int i = 0; i < clientToModel.length; i++) {
            int m = lookup(clientGeneIds.get(i), byEnsembl, bySymbol);
            if (m >= 0 && claimed[m]) {
                duplicates++;
                m = -1;
            } else if (m >= 0) {
                claimed[m] = true;
                matched++;
            }
            clientToModel[i] = m;
        }
        List<String> missing = new ArrayList<>();
        for (int m = 0; m < modelGenes && missing.size() < EXAMPLES; m++) {
            if (!claimed[m]) {
                missing.add(genes.symbols().get(m));
            }
        }
        GeneAlignment a = new GeneAlignment(clientToModel, modelGenes, clientToModel.length,
                matched, duplicates, missing);
        if (matched == 0) {
            throw CytoLabelException.invalid("none of the " + clientToModel.length + " gene ids sent "
                    + "(e.g. " + head(clientGeneIds) + ") match any of the model's " + modelGenes
                    + " genes (e.g. " + head(genes.symbols()) + "); send gene symbols or Ensembl ids "
                    + "of the same species that match the model's panel, listed in its model card");
        }
        if (a.fraction() < minOverlap) {
            throw CytoLabelException.invalid(String.format(Locale.ROOT, "only %d of the model's %d "
                    + "genes (%.1f%%) were found among the %d gene ids sent, below the required "
                    + "%.1f%%; missing e.g. %s. Send gene symbols or Ensembl ids that match the "
                    + "model's panel (listed in its model card), or use a model trained on genes "
                    + "your data has", matched, modelGenes, 100 * a.fraction(),
                    clientToModel.length, 100 * minOverlap, missing));
        }
        return a;
    }

    private static int lookup(String id, Map<String, Integer> byEnsembl,
            Map<String, Integer> bySymbol) {
        if (id == null || id.isBlank()) {
            return -1;
        }
        if (GeneIds.isEnsembl(id)) {
            Integer m = byEnsembl.get(GeneIds.ensemblKey(id));
            if (m != null) {
                return m;
            }
        }
        return bySymbol.getOrDefault(id.strip().toLowerCase(Locale.ROOT), -1);
    }

    private static List<String> head(List<String> ids) {
        return ids.subList(0, Math.min(3, ids.size()));
    }
}
