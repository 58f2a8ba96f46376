package org.cytolabel.core.data;

/**
 * How to read a dataset. {@code useRaw}: read an h5ad's {@code raw/X} and {@code raw/var}
 * (where AnnData keeps the counts after {@code adata.raw = adata}) instead of {@code X} and
 * {@code var}. Ignored for 10x directories, which hold only counts.
 */
public record ReadOptions(boolean useRaw) {

    /** Reads X. */
    public static ReadOptions defaults() {
        return new ReadOptions(false);
    }
}
