package org.cytolabel.core;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's bundled {@code data/} directory from any module's tests. */
public final class TestData {
    private TestData() {
    }

    public static Path root() {
        String prop = System.getProperty("project.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "data"))) {
            return Path.of(prop, "data");
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("data/h5ad"))) {
                return p.resolve("data");
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find the repository's data/ directory");
    }

    public static Path file(String relative) {
        return root().resolve(relative);
    }

    public static final String SORTED_PBMC = "h5ad/zheng2017_sorted_MUDAN_referenceCounts.h5ad";
    public static final String PBMC68K = "h5ad/zheng2017_pbmc68k_reduced_counts_scanpy.h5ad";
    public static final String KANG_EXAMPLE = "h5ad/kang2018_muscat_example_sce.h5ad";
    public static final String KANG_SE = "h5ad/kang2018_muscat_kang_se.h5ad";
    public static final String PBMC_CITESEQ = "h5ad/pbmc10k_pbmc5k_citeseq_scvi_unlabeled.h5ad";
    public static final String PBMC_DONOR_A = "h5ad/zheng2017_frozen_pbmc_donorA_MUDAN_pbmcA.h5ad";
    public static final String KANG_10X = "10x/kang2018_ctrl_stim";
    public static final String CL_OBO = "ontology/cl-basic.obo";
    public static final String LABEL_TO_CL = "ontology/label_to_cl.tsv";
}
