package org.cytolabel.trainer.pretrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/**
 * The pretraining gene space: the union of several datasets' gene symbols, matched
 * case-insensitively, in first-seen order. A dataset is moved into it by name; genes it lacks are
 * zero (zero imputation), genes the space lacks are dropped, a duplicated symbol keeps its first
 * column.
 */
public final class GeneSpace {
    private final List<String> genes;
    private final Map<String, Integer> index;

    public GeneSpace(List<String> genes) {
        this.genes = List.copyOf(genes);
        this.index = new LinkedHashMap<>();
        for (int i = 0; i < genes.size(); i++) {
            index.putIfAbsent(key(genes.get(i)), i);
        }
        if (index.size() != genes.size()) {
            throw CytoLabelException.invalid("a gene space lists a symbol twice (case-insensitively); "
                    + "build it with GeneSpace.union");
        }
    }

    /** The union of the gene lists, case-insensitive, first spelling and position kept. */
    public static GeneSpace union(List<List<String>> geneLists) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (List<String> list : geneLists) {
            for (String g : list) {
                seen.putIfAbsent(key(g), g);
            }
        }
        return new GeneSpace(new ArrayList<>(seen.values()));
    }

    public List<String> genes() {
        return genes;
    }

    public int size() {
        return genes.size();
    }

    /** Per gene of {@code source}, its column in this space, or -1. */
    public int[] columnsOf(List<String> source) {
        return source.stream().mapToInt(g -> index.getOrDefault(key(g), -1)).toArray();
    }

    /** Per column of this space, the column of {@code source} holding that gene, or -1 (imputed as zero). */
    public int[] sourceColumns(List<String> source) {
        int[] out = new int[genes.size()];
        Arrays.fill(out, -1);
        for (int j = 0; j < source.size(); j++) {
            Integer c = index.get(key(source.get(j)));
            if (c != null && out[c] < 0) {
                out[c] = j;
            }
        }
        return out;
    }

    /** {@code counts} (columns named by {@code sourceGenes}) in this space's columns, zero where absent. */
    public CsrMatrix align(CsrMatrix counts, List<String> sourceGenes) {
        if (counts.cols() != sourceGenes.size()) {
            throw CytoLabelException.invalid(counts.cols() + " columns but " + sourceGenes.size() + " gene names");
        }
        int[] target = columnsOf(sourceGenes);
        boolean[] used = new boolean[genes.size()];
        for (int j = 0; j < target.length; j++) {
            if (target[j] >= 0 && used[target[j]]) {
                target[j] = -1; // a duplicated symbol: keep its first column
            } else if (target[j] >= 0) {
                used[target[j]] = true;
            }
        }
        int[] indptr = new int[counts.rows() + 1];
        int nnz = 0;
        for (int k = 0; k < counts.indices().length; k++) {
            nnz += target[counts.indices()[k]] >= 0 ? 1 : 0;
        }
        int[] idx = new int[nnz];
        float[] val = new float[nnz];
        int p = 0;
        for (int r = 0; r < counts.rows(); r++) {
            int start = p;
            for (int k = counts.indptr()[r]; k < counts.indptr()[r + 1]; k++) {
                int c = target[counts.indices()[k]];
                if (c >= 0) {
                    idx[p] = c;
                    val[p] = counts.values()[k];
                    p++;
                }
            }
            sortRow(idx, val, start, p);
            indptr[r + 1] = p;
        }
        return new CsrMatrix(counts.rows(), genes.size(), indptr, idx, val);
    }

    private static void sortRow(int[] idx, float[] val, int from, int to) {
        long[] packed = new long[to - from];
        for (int i = from; i < to; i++) {
            packed[i - from] = ((long) idx[i] << 32) | (Float.floatToRawIntBits(val[i]) & 0xffffffffL);
        }
        Arrays.sort(packed);
        for (int i = from; i < to; i++) {
            idx[i] = (int) (packed[i - from] >>> 32);
            val[i] = Float.intBitsToFloat((int) packed[i - from]);
        }
    }

    private static String key(String gene) {
        return gene.toUpperCase(Locale.ROOT);
    }
}
