package org.cytolabel.trainer.dataset;

import java.nio.file.Path;
import java.util.Map;

/**
 * A dataset kept by the trainer: its files under {@code path}, the sha256 over its files (in name
 * order), its shape, its obs columns, and per obs column the category counts (for columns with at
 * most 50 categories).
 */
public record StoredDataset(String id, String name, String format, Path path, String sha256, int cells,
        int genes, java.util.List<String> obsColumns, Map<String, Map<String, Long>> obsCategoryCounts) {

    public StoredDataset {
        obsColumns = java.util.List.copyOf(obsColumns);
        obsCategoryCounts = Map.copyOf(obsCategoryCounts);
    }
}
